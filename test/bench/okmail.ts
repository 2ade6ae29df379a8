/**
 * The okmail clients under test, wired the way an application wires them: a session layer over the seeded
 * tokens, the client layer over it, the settings pointing at the emulator, and an `HttpClient` layer.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Emulator, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import { Agent } from "undici"
import type { Driver, Recorder } from "./harness.js"

/** The HTTP client layers an application can choose between. */
export const httpLayers = {
  undici: NodeHttpClient.layerUndici,
  fetch: FetchHttpClient.layer
} as const satisfies Record<string, Layer.Layer<HttpClient.HttpClient>>

/** Which HTTP client layer a run uses: one of `httpLayers`, or any other. */
export type HttpKind = keyof typeof httpLayers | Layer.Layer<HttpClient.HttpClient>

const httpLayer = (http: HttpKind): Layer.Layer<HttpClient.HttpClient> =>
  typeof http === "string" ? httpLayers[http] : http

/** `NodeHttpClient.layerUndici` over an undici `Agent` with the given options (`layerUndici`'s own has none). */
export const undiciLayer = (options: Agent.Options): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciWithoutDispatcher.pipe(
    Layer.provide(Layer.scoped(
      NodeHttpClient.Dispatcher,
      Effect.acquireRelease(Effect.sync(() => new Agent(options)), (agent) => Effect.promise(() => agent.destroy()))
    ))
  )

/** The OK.ru session of the seeded long token (client-server circuit). */
export const okSession = OkSession.layerClient({
  applicationKey: Seed.ok.application.key,
  accessToken: Redacted.make(Seed.ok.tokens.long.accessToken),
  sessionSecretKey: Redacted.make(Seed.ok.tokens.long.sessionSecretKey)
})

/** The Mail.Ru session of the seeded token (client-server circuit, signed with the uid and the private key). */
export const mailruSession = MailRuSession.layerClient({
  appId: Seed.mailru.application.id,
  privateKey: Redacted.make(Seed.mailru.application.privateKey),
  accessToken: Redacted.make(Seed.mailru.tokens.session.accessToken),
  uid: Seed.mailru.tokens.session.uid
})

/** `OkClient` pointed at the emulator at `baseUrl`. */
export const okLayer = (baseUrl: string, http: HttpKind) =>
  OkClient.layer.pipe(
    Layer.provideMerge(okSession),
    Layer.provide(Layer.merge(httpLayer(http), OkConfig.layer(Emulator.okUrls(baseUrl))))
  )

/** `MailRuClient` pointed at the emulator at `baseUrl`. */
export const mailruLayer = (baseUrl: string, http: HttpKind) =>
  MailRuClient.layer.pipe(
    Layer.provideMerge(mailruSession),
    Layer.provide(Layer.merge(httpLayer(http), MailRuConfig.layer(Emulator.mailruUrls(baseUrl))))
  )

/** The call each API is measured with. */
export const okCall = Effect.flatMap(OkClient.OkClient, (client) => client.call("users.getCurrentUser"))
export const mailruCall = Effect.flatMap(MailRuClient.MailRuClient, (client) => client.call("users.getInfo"))

/** A built client: its runtime (disposed at the end, closing the connections) and its call. */
export interface Built<R> {
  readonly runtime: ManagedRuntime.ManagedRuntime<R, unknown>
  readonly call: Effect.Effect<unknown, unknown, R>
}

/** Builds the OK.ru or Mail.Ru client over the chosen HTTP client. */
export const build = (api: "ok" | "mailru", baseUrl: string, http: HttpKind): Built<unknown> =>
  api === "ok"
    ? { runtime: ManagedRuntime.make(okLayer(baseUrl, http)), call: okCall } as Built<unknown>
    : { runtime: ManagedRuntime.make(mailruLayer(baseUrl, http)), call: mailruCall } as Built<unknown>

/** Drives an Effect call with fibers: `concurrency` workers, each a loop of calls, until the deadline. */
export const fiberDriver = <R>(built: Built<R>): Driver => (concurrency, deadline, recorder: Recorder) => {
  const worker = Effect.gen(function*() {
    while (performance.now() < deadline && !recorder.full) {
      const start = performance.now()
      yield* built.call
      recorder.add(performance.now() - start)
    }
  })
  return built.runtime.runPromise(
    Effect.forEach(Array.from({ length: concurrency }), () => worker, { concurrency: "unbounded", discard: true })
  )
}
