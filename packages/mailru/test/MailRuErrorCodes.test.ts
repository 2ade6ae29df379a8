// Mail.Ru's error codes as the vendor documents them, met through the client with its default retry policy: an
// unknown method fails at once, an outage (3) is retried for a read and not for a write, a deprecated method (4)
// is neither retried nor a rate limit, and "please resubmit" (1) is worth exactly one retry.
import { RateLimit } from "@okmail/core"
import { Emulator, EmulatorControl, Fault } from "@okmail/emulator"
import { MailRuClient, MailRuSession } from "@okmail/mailru"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { appId, olga, privateKey, seeded } from "./helpers.js"

const layer = MailRuClient.layer.pipe(
  Layer.provide(
    MailRuSession.layerClient({ appId, privateKey, accessToken: Redacted.make(seeded.accessToken), uid: seeded.uid })
  ),
  Layer.provideMerge(Emulator.layerInProcess())
)

const attempts = (method: string) =>
  Effect.map(
    Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests),
    (log) => log.filter((entry) => entry.api === "mailru" && entry.method === method).length
  )

const inject = (target: string, code: number, times = 100) =>
  Effect.flatMap(EmulatorControl.EmulatorControl, (control) =>
    control.inject({ api: "mailru", target, fault: Fault.apiError(code), times }))

// Runs the call with the default retry policy, past every backoff it could wait.
const settled = <A, E, R>(call: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.either(call))
    for (let i = 0; i < 12; i++) yield* TestClock.adjust("10 seconds")
    return yield* Fiber.join(fiber)
  })

describe("Mail.Ru error codes through the client, default retry policy", () => {
  it.effect("an unknown method fails once, at once, as UnknownMethodError with code 2", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      // No clock moves: a retry would wait, and the call would not end here.
      const error = yield* Effect.flip(mailru.call("nosuch.method"))
      assert.strictEqual(error._tag, "UnknownMethodError")
      assert.strictEqual(error._tag === "UnknownMethodError" && error.code, 2)
      assert.strictEqual(yield* attempts("nosuch.method"), 1)
    }).pipe(Effect.provide(layer)))

  it.effect("an outage (3) is retried for a read, and not for a write", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      yield* inject("friends.get", 3, 2)
      const read = yield* settled(mailru.friends.get())
      assert.strictEqual(read._tag, "Right")
      assert.strictEqual(yield* attempts("friends.get"), 3)

      yield* inject("guestbook.post", 3, 1)
      const write = yield* settled(mailru.guestbook.post({ uid: olga.uid, text: "Привет!" }))
      assert.strictEqual(write._tag === "Left" && write.left._tag, "ServiceUnavailableError")
      assert.strictEqual(yield* attempts("guestbook.post"), 1)
    }).pipe(Effect.provide(layer)))

  it.effect("a deprecated method (4) is neither retried nor a rate limit", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      yield* inject("friends.get", 4)
      const outcome = yield* settled(mailru.friends.get())
      assert.strictEqual(outcome._tag === "Left" && outcome.left._tag, "MethodDeprecatedError")
      assert.isFalse(outcome._tag === "Left" && RateLimit.isRateLimited(outcome.left))
      assert.strictEqual(yield* attempts("friends.get"), 1)
    }).pipe(Effect.provide(layer)))

  it.effect("'please resubmit' (1) is sent again once, and no more", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      yield* inject("friends.get", 1, 1)
      const once = yield* settled(mailru.friends.get())
      assert.strictEqual(once._tag, "Right")
      assert.strictEqual(yield* attempts("friends.get"), 2)

      yield* inject("friends.getAppUsers", 1)
      const always = yield* settled(mailru.friends.getAppUsers())
      assert.strictEqual(always._tag === "Left" && always.left._tag, "TransientApiError")
      assert.strictEqual(yield* attempts("friends.getAppUsers"), 2)
    }).pipe(Effect.provide(layer)))
})
