import * as HttpClient from "@effect/platform/HttpClient"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { Emulator, EmulatorControl, Fault } from "@okmail/emulator"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import { appId, assertNoSecret, ivan, olga, privateKey, secretKey, seeded, withSession } from "./helpers.js"

const client = MailRuSession.layerClient({
  appId,
  privateKey,
  accessToken: Redacted.make(seeded.accessToken),
  uid: seeded.uid
})

const server = MailRuSession.layerServer({ appId, secretKey, accessToken: Redacted.make(seeded.accessToken) })

describe("MailRuClient", () => {
  it.effect("calls a typed method through the client-server circuit; uids stay exact strings", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      // Both seeded uids are beyond 2^53: a JavaScript number would round them.
      for (const uid of [ivan.uid, olga.uid]) {
        assert.isTrue(BigInt(uid) > 2n ** 53n)
        assert.notStrictEqual(String(Number(uid)), uid)
      }
      const [me] = yield* mailru.users.getInfo()
      assert.strictEqual(me?.uid, "1324730981306483817")
      const both = yield* mailru.users.getInfo({ uids: [ivan.uid, olga.uid] })
      assert.deepStrictEqual(both.map((user) => user.uid), ["1324730981306483817", "9223372036854770001"])
      const log = yield* (yield* EmulatorControl.EmulatorControl).requests
      const calls = log.filter((entry) => entry.api === "mailru" && entry.method === "users.getInfo")
      assert.strictEqual(calls.length, 2)
      for (const entry of calls) assert.strictEqual(entry.circuit, "client-server")
    }).pipe(withSession(client)))

  it.effect("calls through the server-server circuit", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const friends = yield* mailru.friends.get()
      assert.isTrue(friends.length > 0)
      for (const uid of friends) assert.match(uid, /^\d+$/)
      // The extended list sets ext=1 itself: the same friends, described.
      const described = yield* mailru.friends.getExtended()
      assert.deepStrictEqual(described.map((user) => user.uid), friends)
      const log = yield* (yield* EmulatorControl.EmulatorControl).requests
      assert.strictEqual(log.find((entry) => entry.method === "friends.get")?.circuit, "server-server")
    }).pipe(withSession(server)))

  it.effect("call, callRaw and the proxy answer alike for a result", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const viaCall = yield* mailru.call("friends.get")
      const viaProxy = yield* mailru.api.friends.get()
      const viaRaw = yield* mailru.callRaw("friends.get")
      assert.deepStrictEqual(viaProxy, viaCall)
      assert.deepStrictEqual(viaRaw, viaCall)
    }).pipe(withSession(client)))

  // Wraps the emulator's HTTP client to record each URL and body as it leaves the client.
  const recording = Effect.gen(function*() {
    const sent = yield* Ref.make<ReadonlyArray<{ readonly method: string; readonly url: string; readonly body: string }>>([])
    const layer = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (http) =>
        HttpClient.tapRequest(http, (request) =>
          Ref.update(sent, (all) => [...all, {
            method: request.method,
            url: request.url + (request.urlParams.length > 0 ? "?" + new URLSearchParams(request.urlParams.map(([k, v]) => [k, v])).toString() : ""),
            body: request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
          }])))
    )
    return { sent, layer }
  })

  it.effect("POST by default: tokens and signatures travel in the form body, never in the URL", () =>
    Effect.gen(function*() {
      const { layer, sent } = yield* recording
      yield* Effect.gen(function*() {
        const mailru = yield* MailRuClient.MailRuClient
        yield* mailru.users.getInfo()
        yield* mailru.api.friends.getAppUsers()
      }).pipe(
        Effect.provide(MailRuClient.layer.pipe(Layer.provideMerge(client))),
        Effect.provide(layer),
        Effect.provide(Emulator.layerInProcess())
      )
      const requests = yield* Ref.get(sent)
      assert.strictEqual(requests.length, 2)
      for (const request of requests) {
        assert.strictEqual(request.method, "POST")
        assert.strictEqual(request.url, "https://appsmail.ru/platform/api")
        assertNoSecret(request.url)
        assert.include(request.body, `session_key=${seeded.accessToken}`)
        assert.include(request.body, "sig=")
      }
    }))

  it.effect("GET when configured: the same parameters go in the query", () =>
    Effect.gen(function*() {
      const { layer, sent } = yield* recording
      const result = yield* Effect.gen(function*() {
        const mailru = yield* MailRuClient.MailRuClient
        const users = yield* mailru.users.getInfo()
        const log = yield* (yield* EmulatorControl.EmulatorControl).requests
        return { users, verbs: log.filter((entry) => entry.api === "mailru").map((entry) => entry.httpMethod) }
      }).pipe(
        Effect.provide(MailRuClient.layer.pipe(Layer.provideMerge(client))),
        Effect.provide(layer),
        Effect.provide(Emulator.layerInProcess()),
        Effect.provide(MailRuConfig.layer({ httpMethod: "GET" }))
      )
      assert.strictEqual(result.users[0]?.uid, ivan.uid)
      assert.deepStrictEqual(result.verbs, ["GET"])
      const [request] = yield* Ref.get(sent)
      assert.strictEqual(request?.method, "GET")
      const query = new URL(request!.url).searchParams
      assert.strictEqual(query.get("method"), "users.getInfo")
      assert.strictEqual(query.get("app_id"), appId)
      assert.isNotNull(query.get("sig"))
    }))

  it.effect("publicRequest: unsigned GET on publicUrl/<segments> whatever the configured verb, errors classified", () =>
    Effect.gen(function*() {
      const { layer, sent } = yield* recording
      yield* Effect.gen(function*() {
        const mailru = yield* MailRuClient.MailRuClient
        const body = yield* mailru.publicRequest(["mail", "ivan"])
        assert.strictEqual((body as { readonly uid?: unknown }).uid, ivan.uid)
        // An error body on a public request fails with its classified API error, recoverable by tag.
        yield* Effect.flatMap(EmulatorControl.EmulatorControl, (control) =>
          control.inject({ api: "mailru", target: "platform/mail/ivan", fault: Fault.apiError(202) }))
        const denied = yield* mailru.publicRequest(["mail", "ivan"]).pipe(
          Effect.as("no error"),
          Effect.catchTag("PermissionDeniedError", (error) => Effect.succeed(`${error._tag} ${error.code}`))
        )
        assert.strictEqual(denied, "PermissionDeniedError 202")
      }).pipe(
        Effect.provide(MailRuClient.layer.pipe(Layer.provideMerge(MailRuSession.layerPublic()))),
        Effect.provide(MailRuConfig.layer({ httpMethod: "POST" })),
        Effect.provide(layer),
        Effect.provide(Emulator.layerInProcess())
      )
      const requests = yield* Ref.get(sent)
      assert.strictEqual(requests.length, 2)
      for (const request of requests) {
        assert.strictEqual(request.method, "GET")
        assert.strictEqual(request.url, "https://appsmail.ru/platform/mail/ivan")
        assert.notInclude(request.body, "sig=")
        assert.notInclude(request.body, "session_key=")
      }
    }))
})
