import { Emulator, EmulatorControl, Seed } from "@okmail/emulator"
import * as HttpClient from "@effect/platform/HttpClient"
import * as UrlParams from "@effect/platform/UrlParams"
import { RetryPolicy } from "@okmail/core"
import { OkClient } from "@okmail/okru"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

export const app = Seed.ok.application
export const ivan = Seed.ok.users[0]!
export const maria = Seed.ok.users[1]!
export const longToken = Seed.ok.tokens.long
export const refreshSeed = Seed.ok.tokens.refresh

export const secret = (value: string) => Redacted.make(value)

/** Every secret of the seed, to look for in errors, logs and URLs. */
export const seedSecrets: ReadonlyArray<string> = [
  app.secretKey,
  longToken.accessToken,
  longToken.sessionSecretKey,
  refreshSeed.refreshToken,
  ivan.password,
  maria.password
]

/** The URLs (query included) of every request that went through the HTTP client. */
export interface Recorder {
  readonly urls: Array<string>
}

/** The in-process emulator, with the HTTP client wrapped to record every URL it is asked to fetch. */
export const emulator = (recorder: Recorder = { urls: [] }) => {
  const base = Emulator.layerInProcess()
  const recording = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (client) =>
      HttpClient.tapRequest(client, (request) =>
        Effect.sync(() => {
          const query = UrlParams.toString(request.urlParams)
          recorder.urls.push(query === "" ? request.url : `${request.url}?${query}`)
        })))
  )
  // One answer per call: retries are shown by the resilience tests.
  return Layer.merge(Layer.provideMerge(recording, base), RetryPolicy.layerNone)
}

/** A client over a session layer, with the session's services too. */
export const withClient = <A, E, R>(session: Layer.Layer<A, E, R>) => Layer.provideMerge(OkClient.layer, session)

/** The emulator's log of OK requests. */
export const okCalls = Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests).pipe(
  Effect.map((log) => log.filter((entry) => entry.api === "ok"))
)

/** Makes the next call of an OK method fail with the fault. */
export const injectOk = (target: string, fault: unknown, times = 1) =>
  Effect.flatMap(EmulatorControl.EmulatorControl, (control) =>
    control.inject({ api: "ok", target, times, fault: fault as never }))

/** A fresh authorization code for the seeded OK application. */
export const issueCode = (uid: string, redirectUri: string = app.redirectUri) =>
  Effect.flatMap(EmulatorControl.EmulatorControl, (control) =>
    control.issueCode({ api: "ok", uid, redirectUri, clientId: app.id }))
