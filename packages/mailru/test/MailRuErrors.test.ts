import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { EmulatorControl, Fault } from "@okmail/emulator"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { appId, assertNoSecret, privateKey, seeded, withSession } from "./helpers.js"

const client = MailRuSession.layerClient({
  appId,
  privateKey,
  accessToken: Redacted.make(seeded.accessToken),
  uid: seeded.uid
})

const injectApi = (code: number, target = "users.getInfo") =>
  Effect.flatMap(
    EmulatorControl.EmulatorControl,
    (control) => control.inject({ api: "mailru", target, times: 1, fault: Fault.apiError(code) })
  )

// Each API error class, from an error body the emulator really answered, recovered by its tag.
const classes = [
  [2, "UnknownMethodError"],
  [4, "MethodDeprecatedError"],
  [100, "InvalidParameterError"],
  [103, "ApplicationNotFoundError"],
  [104, "BadSignatureError"],
  [105, "ApplicationNotInstalledError"],
  [200, "PermissionDeniedError"],
  [202, "PermissionDeniedError"]
] as const

describe("MailRuClient errors", () => {
  for (const [code, tag] of classes) {
    it.effect(`error ${code} is a ${tag}`, () =>
      Effect.gen(function*() {
        const mailru = yield* MailRuClient.MailRuClient
        yield* injectApi(code)
        const recovered = yield* mailru.users.getInfo().pipe(
          Effect.as("no error"),
          Effect.catchTag(tag, (error) => Effect.succeed(`${error._tag} ${error.code} ${error.method}`)),
          Effect.catchAll((error) => Effect.succeed(`other: ${error._tag}`))
        )
        assert.strictEqual(recovered, `${tag} ${code} users.getInfo`)
        // The next call passes: the fault was for one call only.
        assert.isTrue((yield* mailru.users.getInfo()).length > 0)
      }).pipe(withSession(client)))
  }

  it.effect("error 102 is a SessionExpiredError on a session that cannot renew", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      yield* Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.expireToken(seeded.accessToken))
      const error = yield* Effect.flip(mailru.call("users.getInfo"))
      assert.strictEqual(error._tag, "SessionExpiredError")
      const recovered = yield* mailru.call("users.getInfo").pipe(
        Effect.catchTag("SessionExpiredError", (e) => Effect.succeed(e.code))
      )
      assert.strictEqual(recovered, 102)
      assertNoSecret(error)
    }).pipe(withSession(client)))

  it.effect("answers of the emulator itself: an unknown method, a wrong signature", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const unknown = yield* mailru.call("nosuch.method").pipe(
        Effect.catchTag("UnknownMethodError", (e) => Effect.succeed(e.code))
      )
      assert.strictEqual(unknown, 2)
    }).pipe(withSession(client)))

  it.effect("a wrong private key gives a BadSignatureError", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const error = yield* Effect.flip(mailru.users.getInfo())
      assert.strictEqual(error._tag, "BadSignatureError")
      assertNoSecret(error, ["00000000000000000000000000000000"])
    }).pipe(
      withSession(
        MailRuSession.layerClient({
          appId,
          privateKey: Redacted.make("00000000000000000000000000000000"),
          accessToken: Redacted.make(seeded.accessToken),
          uid: seeded.uid
        })
      )
    ))

  it.effect("callRaw returns error bodies as they came", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      yield* injectApi(202, "photos.getAlbums")
      const body = yield* mailru.callRaw("photos.getAlbums")
      assert.deepInclude(body as object, { error: { error_code: 202, error_msg: (body as any).error.error_msg } })
      const error = yield* mailru.callRaw("nosuch.method")
      assert.strictEqual((error as any).error.error_code, 2)
    }).pipe(withSession(client)))

  it.effect("transport failures are typed: status, HTML, malformed JSON, empty body, disconnect", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      const inject = (fault: Fault.Fault) => control.inject({ api: "mailru", target: "friends.get", times: 1, fault })
      yield* inject(Fault.httpStatus(502))
      const status = yield* mailru.friends.get().pipe(Effect.catchTag("StatusError", (e) => Effect.succeed(e.status)))
      assert.strictEqual(status, 502)
      yield* inject(Fault.html)
      assert.strictEqual((yield* Effect.flip(mailru.friends.get()))._tag, "NotJsonError")
      yield* inject(Fault.malformedJson)
      assert.strictEqual((yield* Effect.flip(mailru.friends.get()))._tag, "NotJsonError")
      yield* inject(Fault.emptyBody)
      assert.strictEqual((yield* Effect.flip(mailru.friends.get()))._tag, "EmptyResponseError")
      yield* inject(Fault.disconnect)
      const network = yield* Effect.flip(mailru.friends.get())
      assert.strictEqual(network._tag, "NetworkError")
      assertNoSecret(network)
    }).pipe(withSession(client)))

  it.effect("the time limit fails with a TimeoutError", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      yield* control.inject({ api: "mailru", target: "friends.get", times: 1, fault: Fault.delay("1 minute") })
      const fiber = yield* Effect.fork(Effect.flip(mailru.friends.get()))
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "TimeoutError")
      assert.strictEqual(error._tag === "TimeoutError" && error.timeoutMillis, 5000)
    }).pipe(withSession(client), Effect.provide(MailRuConfig.layer({ timeout: "5 seconds" }))))

  it.effect("bad input is a typed ParamsError, never a defect", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const badMethod = yield* Effect.flip(mailru.call("getInfo"))
      assert.strictEqual(badMethod._tag === "ParamsError" && badMethod.key, "method")
      const reserved = yield* Effect.flip(mailru.call("users.getInfo", { sig: "x" }))
      assert.strictEqual(reserved._tag === "ParamsError" && reserved.key, "sig")
      const fn = yield* Effect.flip(mailru.call("users.getInfo", { uids: () => 1 }))
      assert.strictEqual(fn._tag === "ParamsError" && fn.key, "uids")
      const numberUid = yield* Effect.flip(mailru.users.getInfo({ uids: [9007199254740993 as unknown as string] }))
      assert.strictEqual(numberUid._tag, "ParamsError")
      const extra = yield* Effect.flip(mailru.friends.get({ ext: 1 } as {}))
      assert.strictEqual(extra._tag === "ParamsError" && extra.key, "ext")
      const segment = yield* Effect.flip(mailru.publicRequest(["..", "x"]))
      assert.strictEqual(segment._tag === "ParamsError" && segment.key, "segments")
    }).pipe(withSession(client)))
})
