/**
 * Testing your own Effect program with the emulator: a vitest file as you would write it for your application.
 *
 * `Emulator.layerInProcess()` provides an `HttpClient` that answers the vendors' own URLs (api.ok.ru,
 * appsmail.ru, connect.mail.ru, …) from an emulator in the same process — no socket, no internet, your clients
 * keep their default configuration — and the emulator's `EmulatorControl`, to inject faults, expire or revoke
 * tokens and read the log of requests it answered. Each `layerInProcess()` is a fresh emulator with the seeded
 * world of `Seed`.
 *
 * The emulator runs on the clock of the fiber that calls it: under `it.effect`, the `TestClock`. Time passes only
 * when the test says so — a token expires when the test moves the clock 25 hours ahead, and a retry's backoff
 * waits until the test adjusts the clock past it.
 *
 *     npx vitest run --project examples testing-with-the-emulator
 */
import type { HttpClient } from "@effect/platform"
import { assert, describe, it, layer } from "@effect/vitest"
import { RetryPolicy } from "@okmail/core"
import { Emulator, EmulatorControl, Fault, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuSession } from "@okmail/mailru"
import { OkClient, OkSession } from "@okmail/okru"
import { Effect, Exit, Fiber, Layer, Redacted, TestClock } from "effect"

// ---------------------------------------------------------------------------------------------------------------
// The code under test: your application's own program and layers
// ---------------------------------------------------------------------------------------------------------------

/** Greets the OK.ru user; when OK.ru rate-limits the application, a shorter greeting does. */
const greeting = Effect.gen(function*() {
  const ok = yield* OkClient.OkClient
  const me = yield* ok.users.getCurrentUser({ fields: ["uid", "first_name"] })
  const friends = yield* ok.friends.get()
  return `Привет, ${me.first_name}! Друзей: ${friends.length}`
}).pipe(Effect.catchTag("RateLimitedError", () => Effect.succeed("Привет!")))

/** The latest entries of the Mail.Ru user's stream. */
const digest = Effect.gen(function*() {
  const mailru = yield* MailRuClient.MailRuClient
  const entries = yield* mailru.stream.get({ limit: 2 })
  return entries.map((entry) => entry.text ?? "")
})

/** Your production layers, here with the emulator's seeded credentials. */
const OkLive = OkClient.layer.pipe(Layer.provide(OkSession.layerServer({
  applicationKey: Seed.ok.application.key,
  applicationSecretKey: Redacted.make(Seed.ok.application.secretKey),
  accessToken: Redacted.make(Seed.ok.tokens.long.accessToken)
})))

const MailRuLive = MailRuClient.layer.pipe(Layer.provide(MailRuSession.layerPassword({
  appId: Seed.mailru.application.id,
  privateKey: Redacted.make(Seed.mailru.application.privateKey),
  secretKey: Redacted.make(Seed.mailru.application.secretKey),
  email: Seed.mailru.users[0]!.email,
  password: Redacted.make(Seed.mailru.users[0]!.password)
})))

// ---------------------------------------------------------------------------------------------------------------
// Test helpers
// ---------------------------------------------------------------------------------------------------------------

/**
 * Your layer on a fresh in-process emulator, whose `EmulatorControl` the test keeps. `Layer.provideMerge` builds
 * your layer with the emulator's `HttpClient` and keeps both in the output.
 */
const onEmulator = <A, E>(live: Layer.Layer<A, E, HttpClient.HttpClient>) =>
  Layer.provideMerge(live, Emulator.layerInProcess())

/** The methods the emulator was called with, in order. */
const calledMethods = Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests).pipe(
  Effect.map((log) => log.map((entry) => entry.method))
)

// ---------------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------------

describe("greeting", () => {
  it.effect("greets the user by name, with the number of friends", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* greeting, "Привет, Иван! Друзей: 3")
      assert.deepStrictEqual(yield* calledMethods, ["users.getCurrentUser", "friends.get"])
    }).pipe(Effect.provide(onEmulator(OkLive))))

  it.effect("falls back to a short greeting when OK.ru rate-limits the application", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      // OK.ru error 8 (flood blocked) on the next call of users.getCurrentUser.
      yield* control.inject({ api: "ok", target: "users.getCurrentUser", fault: Fault.apiError(8) })
      assert.strictEqual(yield* greeting, "Привет!")
      // friends.get was never called: the program stopped at the first failure.
      assert.deepStrictEqual(yield* calledMethods, ["users.getCurrentUser"])
    }).pipe(
      Effect.provide(onEmulator(OkLive)),
      // With retries off, the rate-limited answer reaches the program at once.
      Effect.provide(RetryPolicy.layerNone)
    ))

  it.effect("gets through a service failing twice: the client retries, the test moves the clock", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      // OK.ru error 2 (service unavailable) on the next two calls of friends.get.
      yield* control.inject({ api: "ok", target: "friends.get", fault: Fault.apiError(2), times: 2 })
      // The retries wait on the TestClock: run the program in a fiber, move the clock, then join it.
      const fiber = yield* Effect.fork(greeting)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), "Привет, Иван! Друзей: 3")
      assert.deepStrictEqual(yield* calledMethods, [
        "users.getCurrentUser",
        "friends.get",
        "friends.get",
        "friends.get"
      ])
    }).pipe(Effect.provide(onEmulator(OkLive))))

  it.effect("a transport failure reaches the program as a typed NetworkError", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      yield* control.inject({ api: "ok", target: "users.getCurrentUser", fault: Fault.disconnect })
      const error = yield* Effect.flip(greeting)
      assert.strictEqual(error._tag, "NetworkError")
    }).pipe(Effect.provide(onEmulator(OkLive)), Effect.provide(RetryPolicy.layerNone)))
})

describe("digest", () => {
  it.effect("lists the latest stream entries", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* digest, ["Привет, Ваня!", "Новые фото с Байкала"])
    }).pipe(Effect.provide(onEmulator(MailRuLive))))

  it.effect("keeps working a day later: the session renews its expired token by itself", () =>
    Effect.gen(function*() {
      // The password grant gave a token valid 24 hours; move the TestClock past that.
      yield* TestClock.adjust("25 hours")
      assert.strictEqual((yield* digest).length, 2)
      const control = yield* EmulatorControl.EmulatorControl
      const grants = (yield* control.requests).flatMap((entry) => entry.grant === undefined ? [] : [entry.grant])
      assert.deepStrictEqual(grants, ["password", "refresh_token"])
    }).pipe(Effect.provide(onEmulator(MailRuLive))))

  it.effect("a stream the user may not read fails with PermissionDeniedError", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      // Mail.Ru error 202: access to this object is denied.
      yield* control.inject({ api: "mailru", target: "stream.get", fault: Fault.apiError(202) })
      const exit = yield* Effect.exit(digest)
      assert.isTrue(Exit.isFailure(exit))
      const error = yield* Effect.flip(exit)
      assert.strictEqual(error._tag, "PermissionDeniedError")
      assert.strictEqual(error._tag === "PermissionDeniedError" && error.code, 202)
    }).pipe(Effect.provide(onEmulator(MailRuLive))))
})

// One emulator for a whole block: `layer` from @effect/vitest builds it once, with the test services. The
// emulator's state (its log, its tokens) is shared by the tests of the block.
layer(onEmulator(Layer.merge(OkLive, MailRuLive)))("both APIs on one emulator", (it) => {
  it.effect("the OK.ru and the Mail.Ru programs run side by side", () =>
    Effect.gen(function*() {
      const [hello, entries] = yield* Effect.all([greeting, digest], { concurrency: "unbounded" })
      assert.strictEqual(hello, "Привет, Иван! Друзей: 3")
      assert.strictEqual(entries.length, 2)
    }))

  it.effect("the emulator's log shows the signature circuit of each call", () =>
    Effect.gen(function*() {
      const log = yield* Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests)
      const circuits = new Set(log.map((entry) => `${entry.api} ${entry.circuit}`))
      assert.isTrue(circuits.has("ok server-server"))
      assert.isTrue(circuits.has("mailru client-server"))
    }))
})
