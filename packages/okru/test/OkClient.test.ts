import { EmulatorControl } from "@okmail/emulator"
import * as HttpClient from "@effect/platform/HttpClient"
import * as UrlParams from "@effect/platform/UrlParams"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { app, emulator, injectOk, ivan, longToken, okCalls, type Recorder, secret, seedSecrets, withClient } from "./helpers.js"

const client = OkSession.layerClient({
  applicationKey: app.key,
  accessToken: secret(longToken.accessToken),
  sessionSecretKey: secret(longToken.sessionSecretKey)
})

const run = <A, E>(
  effect: Effect.Effect<A, E, OkClient.OkClient | EmulatorControl.EmulatorControl>,
  options: { readonly config?: OkConfig.Options; readonly recorder?: Recorder; readonly session?: typeof client } = {}
) =>
  effect.pipe(
    Effect.provide(withClient(options.session ?? client)),
    Effect.provide(Layer.merge(emulator(options.recorder), OkConfig.layer(options.config ?? {})))
  )

const ok = OkClient.OkClient

const assertNoSecret = (value: unknown) => {
  const text = `${JSON.stringify(value)} ${String(value)} ${(value as { message?: string })?.message ?? ""}`
  for (const secretValue of seedSecrets) assert.notInclude(text, secretValue)
}

describe("OkClient: calls", () => {
  it.effect("call, the api proxy and callRaw return the decoded body", () =>
    run(Effect.gen(function*() {
      const client = yield* ok
      const viaCall = yield* client.call("users.getCurrentUser")
      const viaProxy = yield* client.api.users!.getCurrentUser!()
      const viaRaw = yield* client.callRaw("users.getCurrentUser")
      assert.deepStrictEqual(viaProxy, viaCall)
      assert.deepStrictEqual(viaRaw, viaCall)
      assert.strictEqual((viaCall as { uid: string }).uid, ivan.uid)
    })))

  it.effect("callRaw hands back an error body as the server sent it; call classifies it", () =>
    run(Effect.gen(function*() {
      const client = yield* ok
      const raw = (yield* client.callRaw("nosuchgroup.nosuchmethod")) as Record<string, unknown>
      assert.strictEqual(raw["error_code"], 3)
      assert.isString(raw["error_msg"])
      const error = yield* Effect.flip(client.api.nosuchgroup!.nosuchmethod!({}))
      assert.strictEqual(error._tag, "UnknownMethodError")
      const recovered = yield* client.call("nosuchgroup.nosuchmethod").pipe(
        Effect.catchTag("UnknownMethodError", (e) => Effect.succeed(e.code))
      )
      assert.strictEqual(recovered, 3)
    })))

  for (const httpMethod of ["POST", "GET"] as const) {
    for (const pathStyle of [false, true]) {
      it.effect(`${httpMethod} ${pathStyle ? "/api/<group>/<name>" : "fb.do"} calls are signed and answered`, () => {
        const recorder: Recorder = { urls: [] }
        return run(
          Effect.gen(function*() {
            const client = yield* ok
            const friends = yield* client.friends.get({ fid: ivan.uid })
            assert.isArray(friends)
            const log = yield* okCalls
            const last = log[log.length - 1]!
            assert.strictEqual(last.httpMethod, httpMethod)
            assert.strictEqual(last.method, "friends.get")
            const url = recorder.urls[recorder.urls.length - 1]!
            assert.include(url, pathStyle ? "/api/friends/get" : "/fb.do")
            // A GET carries the token in its query, by choice; a POST keeps it in the body.
            assert.strictEqual(url.includes(longToken.accessToken), httpMethod === "GET")
          }),
          { config: { httpMethod, pathStyle }, recorder }
        )
      })
    }
  }

  it.effect("falsy parameters are signed and sent: offset=0 passes the signature check", () => {
    // The emulator's log keeps no parameter values, so the client's requests are read on their way to it.
    const wire: Array<URLSearchParams> = []
    const recording = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (client) =>
        HttpClient.tapRequest(client, (request) =>
          Effect.sync(() => {
            const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
            wire.push(new URLSearchParams(`${UrlParams.toString(request.urlParams)}&${body}`))
          })))
    )
    return Effect.gen(function*() {
      const client = yield* ok
      const result = yield* client.call("friends.get", { offset: 0, sort_type: "", online: false })
      assert.isArray(result)
      assert.strictEqual(wire.length, 1)
      const sent = wire[0]!
      assert.strictEqual(sent.get("method"), "friends.get")
      assert.strictEqual(sent.get("offset"), "0")
      assert.strictEqual(sent.get("online"), "false")
      assert.strictEqual(sent.get("sort_type"), "")
      // The emulator checked a signature over those values and accepted it.
      const log = yield* okCalls
      assert.strictEqual(log[log.length - 1]?.method, "friends.get")
      assert.strictEqual(log[log.length - 1]?.verdict, "ok")
    }).pipe(
      Effect.provide(withClient(client)),
      Effect.provide(Layer.merge(Layer.provideMerge(recording, emulator()), OkConfig.layer({})))
    )
  })

  it.effect("typed methods decode their results; ids stay strings", () =>
    run(Effect.gen(function*() {
      const client = yield* ok
      const uid = yield* client.users.getLoggedInUser()
      assert.strictEqual(uid, ivan.uid)
      const users = yield* client.users.getInfo({ uids: [ivan.uid], fields: ["uid", "name", "first_name"] })
      assert.strictEqual(users[0]?.uid, ivan.uid)
      const online = yield* client.friends.getOnline()
      for (const id of online) assert.isString(id)
      const groups = yield* client.group.getInfo({ uids: ["53038939046008"], fields: ["uid", "name"] })
      assert.strictEqual(groups[0]?.uid, "53038939046008")
      const events = yield* client.events.get()
      assert.isArray(events)
      const topic = yield* client.mediatopic.post({
        type: "USER_NOTE",
        attachment: { media: [{ type: "text", text: "Привет, мир" }] }
      })
      assert.isString(topic)
    })))

  it.effect("typed parameters are checked before anything is sent", () =>
    run(Effect.gen(function*() {
      const client = yield* ok
      const error = yield* Effect.flip(client.users.getInfo({ uids: [] as unknown as [string], fields: ["name"] }))
      assert.strictEqual(error._tag, "ParamsError")
      assert.strictEqual((yield* okCalls).length, 0)
      const bad = yield* Effect.flip(client.call("friends.get", { when: Symbol("x") }))
      assert.strictEqual(bad._tag, "ParamsError")
    })))
})

describe("OkClient: each error class from a real emulator answer", () => {
  const apiCases: ReadonlyArray<readonly [number, string]> = [
    [1, "OtherApiError"],
    [2, "ServiceUnavailableError"],
    [9999, "ServiceUnavailableError"],
    [3, "UnknownMethodError"],
    [100, "InvalidParameterError"],
    [8, "RateLimitedError"],
    [10, "PermissionDeniedError"],
    [102, "SessionExpiredError"],
    [103, "InvalidSessionError"],
    [104, "BadSignatureError"],
    [300, "OtherApiError"]
  ]
  for (const [code, tag] of apiCases) {
    it.effect(`error_code ${code} → ${tag}, recovered with catchTag`, () =>
      run(Effect.gen(function*() {
        yield* injectOk("users.getCurrentUser", { _tag: "ApiError", code })
        const client = yield* ok
        const error = yield* Effect.flip(client.users.getCurrentUser())
        assert.strictEqual(error._tag, tag)
        assert.strictEqual((error as { code: number }).code, code)
        assertNoSecret(error)
        yield* injectOk("users.getCurrentUser", { _tag: "ApiError", code })
        const recovered = yield* client.users.getCurrentUser().pipe(
          Effect.map(() => "no error"),
          Effect.catchTag(tag as "OtherApiError", () => Effect.succeed("recovered"))
        )
        assert.strictEqual(recovered, "recovered")
        // The fault was for one call: the next succeeds.
        assert.strictEqual((yield* client.users.getCurrentUser()).uid, ivan.uid)
      })))
  }

  it.effect("an expired token → SessionExpiredError; a revoked one → InvalidSessionError", () =>
    run(Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const client = yield* ok
      yield* control.revokeToken(longToken.accessToken)
      const revoked = yield* Effect.flip(client.users.getCurrentUser())
      assert.strictEqual(revoked._tag, "InvalidSessionError")
      assertNoSecret(revoked)
    })))

  it.effect("a wrong session secret key → BadSignatureError", () =>
    run(
      Effect.gen(function*() {
        const error = yield* Effect.flip(Effect.flatMap(ok, (client) => client.users.getCurrentUser()))
        assert.strictEqual(error._tag, "BadSignatureError")
        const recovered = yield* Effect.flatMap(ok, (client) => client.call("users.getCurrentUser")).pipe(
          Effect.catchTag("BadSignatureError", (e) => Effect.succeed(e.code))
        )
        assert.strictEqual(recovered, 104)
      }),
      {
        session: OkSession.layerClient({
          applicationKey: app.key,
          accessToken: secret(longToken.accessToken),
          sessionSecretKey: secret("00000000000000000000000000000000")
        })
      }
    ))

  const transportCases: ReadonlyArray<readonly [string, unknown, string]> = [
    ["HTTP 502", { _tag: "HttpStatus", status: 502 }, "StatusError"],
    ["an HTML page", { _tag: "Html" }, "NotJsonError"],
    ["malformed JSON", { _tag: "MalformedJson" }, "NotJsonError"],
    ["an empty body", { _tag: "EmptyBody" }, "EmptyResponseError"],
    ["a dropped connection", { _tag: "Disconnect" }, "NetworkError"]
  ]
  for (const [name, fault, tag] of transportCases) {
    for (const httpMethod of ["POST", "GET"] as const) {
      it.effect(`${name} → ${tag} (${httpMethod}), nothing secret in it`, () =>
        run(
          Effect.gen(function*() {
            yield* injectOk("users.getCurrentUser", fault)
            const client = yield* ok
            const error = yield* Effect.flip(client.users.getCurrentUser())
            assert.strictEqual(error._tag, tag)
            assertNoSecret(error)
            const recovered = yield* client.users.getCurrentUser().pipe(
              Effect.map((user) => user.uid),
              Effect.catchTag(tag as "NetworkError", () => Effect.succeed("recovered"))
            )
            assert.strictEqual(recovered, ivan.uid)
          }),
          { config: { httpMethod } }
        ))
    }
  }

  it.effect("a delay past the time limit → TimeoutError, driven by the TestClock", () =>
    run(
      Effect.gen(function*() {
        yield* injectOk("users.getCurrentUser", { _tag: "Delay", duration: "1 minute" })
        const client = yield* ok
        const fiber = yield* Effect.fork(Effect.flip(client.users.getCurrentUser()))
        yield* TestClock.adjust("6 seconds")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error._tag, "TimeoutError")
        assert.strictEqual((error as { timeoutMillis: number }).timeoutMillis, 5_000)
        assertNoSecret(error)
      }),
      { config: { timeout: "5 seconds" } }
    ))
})

describe("OkClient: no secret leaves by default", () => {
  it.effect("POST requests carry no secret in their URLs, and the log records none", () => {
    const recorder: Recorder = { urls: [] }
    return run(
      Effect.gen(function*() {
        const client = yield* ok
        yield* client.users.getCurrentUser()
        yield* client.callRaw("friends.get")
        yield* Effect.flip(client.call("nosuch.method"))
        assert.isAbove(recorder.urls.length, 2)
        for (const url of recorder.urls) {
          for (const secretValue of seedSecrets) assert.notInclude(url, secretValue)
          assert.notInclude(url, "sig=")
        }
        const log = yield* okCalls
        assertNoSecret(log)
      }),
      { recorder }
    )
  })
})
