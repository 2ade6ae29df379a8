import { assert, describe, it } from "@effect/vitest"
import { Fault } from "@okmail/emulator"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { control, inProcess, json, mailruSessionCall, mrApp, okIvan, okSessionCall, send } from "./helpers.js"

const injectOk = (fault: Fault.Fault, times?: number) =>
  Effect.flatMap(control, (c) => c.inject({ api: "ok", target: "users.getCurrentUser", fault, times }))

const injectMailRu = (fault: Fault.Fault) =>
  Effect.flatMap(control, (c) => c.inject({ api: "mailru", target: "friends.get", fault }))

const okCall = () => okSessionCall("users.getCurrentUser")
const mailruCall = () => mailruSessionCall("friends.get")

describe("injected faults, each for the next call only", () => {
  it.effect("ApiError: each API's own error shape", () =>
    Effect.gen(function*() {
      yield* injectOk(Fault.apiError(9999))
      const ok = yield* okCall()
      assert.strictEqual(ok.headers["invocation-error"], "9999")
      assert.deepStrictEqual(json(ok), { error_code: 9999, error_msg: "SYSTEM : Critical system error", error_data: null })
      assert.strictEqual(json(yield* okCall()).uid, okIvan.uid)

      yield* injectMailRu(Fault.apiError(4))
      const mailru = yield* mailruCall()
      assert.strictEqual(mailru.headers["content-type"], "text/javascript; charset=utf-8")
      assert.deepStrictEqual(json(mailru), { error: { error_code: 4, error_msg: "Method is deprecated" } })
      assert.isArray(json(yield* mailruCall()))
    }).pipe(Effect.provide(inProcess())))

  it.effect("HttpStatus, Html, MalformedJson, EmptyBody", () =>
    Effect.gen(function*() {
      yield* injectOk(Fault.httpStatus(502))
      const status = yield* okCall()
      assert.strictEqual(status.status, 502)
      assert.include(status.text, "<html>")

      yield* injectOk(Fault.html)
      const html = yield* okCall()
      assert.strictEqual(html.status, 200)
      assert.match(html.headers["content-type"]!, /^text\/html/)

      yield* injectMailRu(Fault.malformedJson)
      const malformed = yield* mailruCall()
      assert.throws(() => JSON.parse(malformed.text))

      yield* injectMailRu(Fault.emptyBody)
      const empty = yield* mailruCall()
      assert.deepStrictEqual([empty.status, empty.text], [200, ""])

      const log = yield* Effect.flatMap(control, (c) => c.requests)
      assert.deepStrictEqual(log.map((e) => e.verdict), [
        "fault HttpStatus",
        "fault Html",
        "fault MalformedJson",
        "fault EmptyBody"
      ])
    }).pipe(Effect.provide(inProcess())))

  it.effect("Delay: the answer comes when the emulator's clock has moved that far", () =>
    Effect.gen(function*() {
      yield* injectOk(Fault.delay("10 seconds"))
      const fiber = yield* Effect.fork(okCall())
      yield* TestClock.adjust("9 seconds")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 second")
      const answer = yield* Fiber.join(fiber)
      assert.strictEqual(json(answer).uid, okIvan.uid)
    }).pipe(Effect.provide(inProcess())))

  it.effect("Disconnect: the in-process transport fails as a dropped connection would", () =>
    Effect.gen(function*() {
      yield* injectMailRu(Fault.disconnect)
      const error = yield* Effect.flip(mailruCall())
      assert.strictEqual(error._tag, "RequestError")
      assert.strictEqual((error as { reason: string }).reason, "Transport")
      assert.isArray(json(yield* mailruCall()))
    }).pipe(Effect.provide(inProcess())))

  it.effect("times counts calls; '*' matches any method; clearFaults drops what is queued", () =>
    Effect.gen(function*() {
      const emulator = yield* control
      yield* injectOk(Fault.apiError(2), 2)
      assert.strictEqual(json(yield* okCall()).error_code, 2)
      assert.strictEqual(json(yield* okCall()).error_code, 2)
      assert.strictEqual(json(yield* okCall()).uid, okIvan.uid)
      yield* emulator.inject({ api: "ok", target: "*", fault: Fault.apiError(8) })
      assert.strictEqual(json(yield* okSessionCall("friends.get")).error_code, 8)
      yield* emulator.inject({ api: "ok", target: "*", fault: Fault.apiError(8) })
      yield* emulator.clearFaults
      assert.isArray(json(yield* okSessionCall("friends.get")))
      // A fault queued for one API never hits the other.
      yield* emulator.inject({ api: "mailru", target: "*", fault: Fault.emptyBody })
      assert.strictEqual(json(yield* okCall()).uid, okIvan.uid)
    }).pipe(Effect.provide(inProcess())))

  it.effect("OAuth endpoints: an OAuthError fault, and an ApiError fault as server_error", () =>
    Effect.gen(function*() {
      const emulator = yield* control
      const fields = { client_id: mrApp.id, client_secret: mrApp.secretKey, grant_type: "password" }
      yield* emulator.inject({ api: "mailru", target: "oauth/token", fault: Fault.oauthError("temporarily_unavailable", "busy", 503) })
      const busy = yield* send("POST", "https://appsmail.ru/oauth/token", fields)
      assert.deepStrictEqual([busy.status, json(busy)], [503, { error: "temporarily_unavailable", error_description: "busy" }])
      yield* emulator.inject({ api: "ok", target: "oauth/token.do", fault: Fault.apiError(1) })
      const failed = yield* send("POST", "https://api.ok.ru/oauth/token.do", {})
      assert.deepStrictEqual([failed.status, json(failed).error], [500, "server_error"])
    }).pipe(Effect.provide(inProcess())))

  it.effect("a host the emulator does not serve is a network failure: nothing reaches the internet", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(send("GET", "https://example.com/"))
      assert.strictEqual(error._tag, "RequestError")
      assert.include(error.message, "does not serve example.com")
    }).pipe(Effect.provide(inProcess())))
})
