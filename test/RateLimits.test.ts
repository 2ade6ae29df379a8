// The rate limiter and retry policy against the emulator, both clients: the rate held, the pause after a
// rate-limited answer, and which calls the retry policy repeats.
import { RateLimit, RetryPolicy } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, EmulatorControl, Fault, Seed } from "@okmail/emulator"
import { MailRuClient } from "@okmail/mailru"
import { OkClient } from "@okmail/okru"
import { mailru, ok } from "./clients.js"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"

const clients = Layer.merge(ok, mailru)

const apiCalls = (api: "ok" | "mailru") =>
  Effect.map(
    Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests),
    (log) => log.filter((entry) => entry.api === api && entry.endpoint !== "oauth/token.do")
  )

// The most calls that started within any `window` milliseconds.
const busiestWindow = (times: ReadonlyArray<number>, window: number) =>
  Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + window).length))

const drive = (seconds: number) =>
  Effect.forEach(Array.from({ length: seconds * 10 }), () => TestClock.adjust("100 millis"), { discard: true })

describe("RateLimit against the emulator", () => {
  it.effect("2 calls per second per application, padded: 20 calls of each client span 9.9 s and never 3 start in a second", () =>
    Effect.gen(function*() {
      const okClient = yield* OkClient.OkClient
      const mailruClient = yield* MailRuClient.MailRuClient
      const fiber = yield* Effect.fork(
        Effect.all(
          [
            Effect.forEach(Array.from({ length: 20 }), () => okClient.users.getLoggedInUser(), { concurrency: "unbounded" }),
            Effect.forEach(Array.from({ length: 20 }), () => mailruClient.friends.get(), { concurrency: "unbounded" })
          ],
          { concurrency: "unbounded" }
        )
      )
      yield* drive(12)
      const [okResults, mailruResults] = yield* Fiber.join(fiber)
      assert.lengthOf(okResults, 20)
      assert.lengthOf(mailruResults, 20)
      for (const api of ["ok", "mailru"] as const) {
        const times = (yield* apiCalls(api)).map((entry) => entry.at)
        assert.lengthOf(times, 20)
        // Each application has its own key: 2 calls per 1.1 s window, never more in any second.
        assert.strictEqual(busiestWindow(times, 1000), 2)
        assert.strictEqual(busiestWindow(times, 1100), 2)
        const span = Math.max(...times) - Math.min(...times)
        assert.strictEqual(span, 9 * 1100)
      }
    }).pipe(
      Effect.provide(clients),
      Effect.provide(Layer.mergeAll(Emulator.layerInProcess(), RateLimit.layer({ requestsPerSecond: 2 })))
    ))

  it.effect("a rate-limited answer pauses the application's key: the next calls wait out a doubling pause", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const client = yield* OkClient.OkClient
      yield* control.inject({ api: "ok", target: "users.getLoggedInUser", fault: Fault.apiError(8), times: 2 })
      const fiber = yield* Effect.fork(client.users.getLoggedInUser())
      yield* drive(30)
      assert.strictEqual(yield* Fiber.join(fiber), Seed.ok.tokens.long.uid)
      const log = yield* apiCalls("ok")
      assert.deepStrictEqual(log.map((entry) => entry.verdict), ["fault ApiError", "fault ApiError", "ok"])
      const [first, second, third] = log.map((entry) => entry.at) as [number, number, number]
      // Pauses of 1 s, then 2 s, after each rate-limited answer (the retry's own delay is shorter).
      assert.isAtLeast(second - first, 1000)
      assert.isAtLeast(third - second, 2000)
    }).pipe(
      Effect.provide(ok),
      Effect.provide(Layer.mergeAll(Emulator.layerInProcess(), RateLimit.layer({ requestsPerSecond: 10 })))
    ))
})

describe("RetryPolicy against the emulator", () => {
  it.effect("a read is retried through a failing service; a write is not, unless the caller opts in", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const client = yield* MailRuClient.MailRuClient
      const post = { uid: Seed.mailru.users[1]!.uid, text: "Привет!" }

      yield* control.inject({ api: "mailru", target: "friends.get", fault: Fault.apiError(3), times: 2 })
      const read = yield* Effect.fork(client.friends.get())
      yield* drive(5)
      assert.isArray(yield* Fiber.join(read))

      yield* control.inject({ api: "mailru", target: "guestbook.post", fault: Fault.httpStatus(503) })
      const write = yield* Effect.fork(Effect.flip(client.guestbook.post(post)))
      yield* drive(5)
      assert.strictEqual((yield* Fiber.join(write))._tag, "StatusError")

      yield* control.inject({ api: "mailru", target: "guestbook.post", fault: Fault.httpStatus(503) })
      const optedIn = yield* Effect.fork(
        client.guestbook.post(post).pipe(
          Effect.provideService(RetryPolicy.CurrentRetryPolicy, { ...RetryPolicy.defaults, retryWrites: true })
        )
      )
      yield* drive(5)
      yield* Fiber.join(optedIn)

      const verdicts = (yield* apiCalls("mailru")).map((entry) => `${entry.method} ${entry.verdict}`)
      assert.deepStrictEqual(verdicts, [
        "friends.get fault ApiError",
        "friends.get fault ApiError",
        "friends.get ok",
        "guestbook.post fault HttpStatus",
        "guestbook.post fault HttpStatus",
        "guestbook.post ok"
      ])
    }).pipe(Effect.provide(mailru), Effect.provide(Emulator.layerInProcess())))
})
