import { ApiError, ConfigurationError, RetryPolicy, TransportError } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"

const fields = (method: string) => ({ api: "ok" as const, code: 0, description: "test", method })
const unavailable = new ApiError.ServiceUnavailableError(fields("users.getInfo"))
const rateLimited = new ApiError.RateLimitedError(fields("users.getInfo"))
const denied = new ApiError.PermissionDeniedError(fields("users.getInfo"))

const policy = (options: RetryPolicy.Options) => Either.getOrThrow(RetryPolicy.make(options))
// The defaults without jitter: retries after 200, 400, 800 and 1600 ms.
const exact = policy({ jitter: false })

// A call that counts its attempts and fails with the next of `errors` (the last one from then on), or succeeds
// with the number of attempts once `errors` is used up and `thenSucceed` is set.
const makeCall = <E>(errors: ReadonlyArray<E>, thenSucceed = false) =>
  Effect.gen(function*() {
    const attempts = yield* Ref.make(0)
    const call = Effect.flatMap(Ref.updateAndGet(attempts, (n) => n + 1), (n) => {
      if (n <= errors.length - (thenSucceed ? 0 : 1)) return Effect.fail(errors[n - 1]!)
      return thenSucceed ? Effect.succeed(n) : Effect.fail(errors[errors.length - 1]!)
    })
    return { attempts, call }
  })

// Advances the clock to just before each delay and checks that no attempt happened yet, then to the delay and
// checks that exactly one did.
const expectDelays = (attempts: Ref.Ref<number>, delays: ReadonlyArray<number>) =>
  Effect.gen(function*() {
    for (const delay of delays) {
      const before = yield* Ref.get(attempts)
      yield* TestClock.adjust(Duration.millis(delay - 1))
      assert.strictEqual(yield* Ref.get(attempts), before, `no attempt before ${delay} ms`)
      yield* TestClock.adjust(Duration.millis(1))
      assert.strictEqual(yield* Ref.get(attempts), before + 1, `one attempt at ${delay} ms`)
    }
  })

describe("RetryPolicy", () => {
  it("isRetryable holds only for errors whose retryable flag is true", () => {
    const transport = { method: "m", url: "https://api.ok.ru/fb.do" }
    const retryable = [
      unavailable,
      rateLimited,
      new TransportError.NetworkError({ ...transport, detail: "refused" }),
      new TransportError.TimeoutError({ ...transport, timeoutMillis: 1000 }),
      new TransportError.StatusError({ ...transport, status: 502 }),
      new TransportError.StatusError({ ...transport, status: 429 }),
      new TransportError.NotJsonError({ ...transport, status: 200, contentType: "text/html", detail: "<html>" }),
      new TransportError.EmptyResponseError({ ...transport, status: 200 })
    ]
    const final = [
      denied,
      new ApiError.SessionExpiredError(fields("m")),
      new ApiError.InvalidParameterError(fields("m")),
      new TransportError.StatusError({ ...transport, status: 404 }),
      new ConfigurationError.ConfigurationError({ option: "x", detail: "y" }),
      new Error("boom"),
      { retryable: "yes" },
      "retryable",
      null,
      undefined
    ]
    for (const error of retryable) assert.isTrue(RetryPolicy.isRetryable(error), String(error))
    for (const error of final) assert.isFalse(RetryPolicy.isRetryable(error), String(error))
  })

  it("isWrite classifies the write methods of both APIs", () => {
    const writes = [
      "mediatopic.post",
      "users.setStatus",
      "photosV2.commit",
      "group.join",
      "friends.appInvite",
      "messages.markAsRead",
      "guestbook.post",
      "stream.post",
      "stream.publish",
      "stream.like",
      "messages.send",
      "photos.upload",
      "photos.createAlbum",
      "mediatopic/post"
    ]
    const reads = [
      "users.getInfo",
      "users.getCurrentUser",
      "friends.get",
      "photosV2.getUploadUrl",
      "group.getMembers",
      "stream.get",
      "users.settings",
      "messages.postponedList",
      "stream.getByAuthor"
    ]
    for (const method of writes) assert.isTrue(RetryPolicy.isWrite(method), method)
    for (const method of reads) assert.isFalse(RetryPolicy.isWrite(method), method)
  })

  it.effect("retries a retryable failure up to maxRetries times, then fails with it", () =>
    Effect.gen(function*() {
      const { attempts, call } = yield* makeCall([unavailable])
      const fiber = yield* Effect.fork(RetryPolicy.apply(exact, "users.getInfo")(call))
      yield* TestClock.adjust("1 hour")
      const exit = yield* Fiber.await(fiber)
      assert.deepStrictEqual(exit, Exit.fail(unavailable))
      assert.strictEqual(yield* Ref.get(attempts), 5)
    }))

  it.effect("succeeds once an attempt succeeds", () =>
    Effect.gen(function*() {
      const { attempts, call } = yield* makeCall([unavailable, unavailable], true)
      const fiber = yield* Effect.fork(RetryPolicy.apply(exact, "users.getInfo")(call))
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* Fiber.join(fiber), 3)
      assert.strictEqual(yield* Ref.get(attempts), 3)
    }))

  it.effect("does not retry a failure that is not retryable, and stops at the first one", () =>
    Effect.gen(function*() {
      const once = yield* makeCall([denied])
      const error = yield* Effect.flip(RetryPolicy.apply(exact, "users.getInfo")(once.call))
      assert.strictEqual(error, denied)
      assert.strictEqual(yield* Ref.get(once.attempts), 1)

      const mixed = yield* makeCall<ApiError.ApiError>([unavailable, unavailable, denied, unavailable])
      const fiber = yield* Effect.fork(Effect.flip(RetryPolicy.apply(exact, "users.getInfo")(mixed.call)))
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* Fiber.join(fiber), denied)
      assert.strictEqual(yield* Ref.get(mixed.attempts), 3)
    }))

  it.effect("does not retry writes by default, but does when the policy or the call allows it", () =>
    Effect.gen(function*() {
      const byDefault = yield* makeCall([unavailable])
      yield* Effect.flip(RetryPolicy.apply(exact, "mediatopic.post")(byDefault.call))
      assert.strictEqual(yield* Ref.get(byDefault.attempts), 1)

      const run = (self: RetryPolicy.RetryPolicy, options?: RetryPolicy.CallOptions) =>
        Effect.gen(function*() {
          const { attempts, call } = yield* makeCall([unavailable])
          const fiber = yield* Effect.fork(Effect.flip(RetryPolicy.apply(self, "messages.send", options)(call)))
          yield* TestClock.adjust("1 hour")
          yield* Fiber.join(fiber)
          return yield* Ref.get(attempts)
        })
      assert.strictEqual(yield* run(policy({ jitter: false, retryWrites: true })), 5)
      assert.strictEqual(yield* run(exact, { retryWrites: true }), 5)
      assert.strictEqual(yield* run(policy({ jitter: false, retryWrites: true }), { retryWrites: false }), 1)
    }))

  it.effect("waits 200, 400, 800 and 1600 ms by default without jitter", () =>
    Effect.gen(function*() {
      const { attempts, call } = yield* makeCall([unavailable])
      const fiber = yield* Effect.fork(RetryPolicy.apply(exact, "users.getInfo")(call))
      yield* TestClock.adjust(Duration.zero)
      assert.strictEqual(yield* Ref.get(attempts), 1)
      yield* expectDelays(attempts, [200, 400, 800, 1600])
      assert.isTrue(Exit.isFailure(yield* Fiber.await(fiber)))
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* Ref.get(attempts), 5)
    }))

  it.effect("caps the delay at maxDelay", () =>
    Effect.gen(function*() {
      const capped = policy({ jitter: false, base: "300 millis", factor: 10, maxDelay: "1 second", maxRetries: 4 })
      const { attempts, call } = yield* makeCall([unavailable])
      yield* Effect.fork(RetryPolicy.apply(capped, "users.getInfo")(call))
      yield* TestClock.adjust(Duration.zero)
      yield* expectDelays(attempts, [300, 1000, 1000, 1000])
    }))

  it.effect("applies the cap after the jitter, so that a jittered delay never exceeds maxDelay", () =>
    Effect.gen(function*() {
      const jittered = policy({ base: "1 second", factor: 10, maxDelay: "2 seconds", maxRetries: 3 })
      const high = yield* makeCall([unavailable])
      // At the top of the jitter range the first delay is 1.2 s, and 12 s is cut to 2 s.
      yield* Effect.fork(
        RetryPolicy.apply(jittered, "users.getInfo")(high.call).pipe(Effect.withRandom(Random.fixed([1])))
      )
      yield* TestClock.adjust(Duration.zero)
      yield* expectDelays(high.attempts, [1200, 2000, 2000])

      const low = yield* makeCall([unavailable])
      // At the bottom the first delay is 0.8 s.
      yield* Effect.fork(
        RetryPolicy.apply(jittered, "users.getInfo")(low.call).pipe(Effect.withRandom(Random.fixed([0])))
      )
      yield* TestClock.adjust(Duration.zero)
      yield* expectDelays(low.attempts, [800])
    }))

  it.effect("waits at least rateLimitedDelay after a rate-limited answer", () =>
    Effect.gen(function*() {
      const floor = policy({ jitter: false, rateLimitedDelay: "1 second" })
      const limited = yield* makeCall<unknown>([
        rateLimited,
        new TransportError.StatusError({ method: "m", url: "u", status: 429 }),
        unavailable
      ])
      yield* Effect.fork(RetryPolicy.apply(floor, "users.getInfo")(limited.call))
      yield* TestClock.adjust(Duration.zero)
      // 1 s instead of 200 ms, 1 s instead of 400 ms, then the backoff's own 800 ms.
      yield* expectDelays(limited.attempts, [1000, 1000, 800])
    }))

  it.effect("none never retries, and the current policy is read from the context", () =>
    Effect.gen(function*() {
      const direct = yield* makeCall([unavailable])
      yield* Effect.flip(RetryPolicy.apply(RetryPolicy.none, "users.getInfo")(direct.call))
      assert.strictEqual(yield* Ref.get(direct.attempts), 1)

      const fromContext = (provide: (self: Effect.Effect<number, unknown>) => Effect.Effect<number, unknown>) =>
        Effect.gen(function*() {
          const { attempts, call } = yield* makeCall([unavailable])
          const fiber = yield* Effect.fork(Effect.flip(provide(RetryPolicy.retry("users.getInfo")(call))))
          yield* TestClock.adjust("1 hour")
          yield* Fiber.join(fiber)
          return yield* Ref.get(attempts)
        })
      assert.strictEqual(yield* fromContext((self) => self), 5)
      assert.strictEqual(
        yield* fromContext((self) => Effect.provideService(self, RetryPolicy.CurrentRetryPolicy, RetryPolicy.none)),
        1
      )
      assert.strictEqual(yield* fromContext((self) => Effect.provide(self, RetryPolicy.layerNone)), 1)
      assert.strictEqual(yield* fromContext((self) => Effect.provide(self, RetryPolicy.layer({ maxRetries: 2 }))), 3)
    }))

  it.effect("apply and retry also take the call first, with the same outcome as the piped form", () =>
    Effect.gen(function*() {
      const applied = yield* makeCall([unavailable, unavailable], true)
      const fiber = yield* Effect.fork(RetryPolicy.apply(applied.call, exact, "users.getInfo"))
      yield* TestClock.adjust(Duration.zero)
      yield* expectDelays(applied.attempts, [200, 400])
      assert.strictEqual(yield* Fiber.join(fiber), 3)

      // The call options are honoured in the data-first form too.
      const write = yield* makeCall([unavailable])
      yield* Effect.flip(RetryPolicy.apply(write.call, exact, "messages.send"))
      assert.strictEqual(yield* Ref.get(write.attempts), 1)
      const allowed = yield* makeCall([unavailable])
      const allowedFiber = yield* Effect.fork(
        Effect.flip(RetryPolicy.apply(allowed.call, exact, "messages.send", { retryWrites: true }))
      )
      yield* TestClock.adjust("1 hour")
      yield* Fiber.join(allowedFiber)
      assert.strictEqual(yield* Ref.get(allowed.attempts), 5)

      const fromContext = yield* makeCall([unavailable])
      const contextFiber = yield* Effect.fork(
        Effect.flip(RetryPolicy.retry(fromContext.call, "users.getInfo")).pipe(
          Effect.provide(RetryPolicy.layer({ maxRetries: 2 }))
        )
      )
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(yield* Fiber.join(contextFiber), unavailable)
      assert.strictEqual(yield* Ref.get(fromContext.attempts), 3)

      const writeFromContext = yield* makeCall([unavailable])
      const writeFiber = yield* Effect.fork(
        Effect.flip(RetryPolicy.retry(writeFromContext.call, "mediatopic.post", { retryWrites: true }))
      )
      yield* TestClock.adjust("1 hour")
      yield* Fiber.join(writeFiber)
      assert.strictEqual(yield* Ref.get(writeFromContext.attempts), 5)
    }))

  it.effect("layerNone provides none, a value distinct from the default one", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* RetryPolicy.CurrentRetryPolicy, RetryPolicy.defaults)
      const provided = yield* Effect.provide(RetryPolicy.CurrentRetryPolicy, RetryPolicy.layerNone)
      assert.strictEqual(provided, RetryPolicy.none)
      assert.notStrictEqual(provided, RetryPolicy.defaults)
      assert.strictEqual(provided.maxRetries, 0)
    }))

  it("make checks its options and fails with a ConfigurationError", () => {
    const bad: ReadonlyArray<[RetryPolicy.Options, string]> = [
      [{ base: -1 }, "RetryPolicy.base"],
      [{ base: 0 }, "RetryPolicy.base"],
      [{ base: "soon" as Duration.DurationInput }, "RetryPolicy.base"],
      [{ base: Duration.infinity }, "RetryPolicy.base"],
      [{ factor: Number.NaN }, "RetryPolicy.factor"],
      [{ factor: 0.5 }, "RetryPolicy.factor"],
      [{ maxDelay: "100 millis" }, "RetryPolicy.maxDelay"],
      [{ maxDelay: Duration.infinity }, "RetryPolicy.maxDelay"],
      [{ maxRetries: -1 }, "RetryPolicy.maxRetries"],
      [{ maxRetries: 1.5 }, "RetryPolicy.maxRetries"],
      [{ maxRetries: Number.POSITIVE_INFINITY }, "RetryPolicy.maxRetries"],
      [{ rateLimitedDelay: Number.NaN }, "RetryPolicy.rateLimitedDelay"],
      [{ rateLimitedDelay: -1 }, "RetryPolicy.rateLimitedDelay"]
    ]
    for (const [options, option] of bad) {
      const result = RetryPolicy.make(options)
      assert.isTrue(Either.isLeft(result), option)
      const error = Either.getLeft(result).pipe(Option.getOrThrow)
      assert.instanceOf(error, ConfigurationError.ConfigurationError)
      assert.strictEqual(error.option, option)
    }
    const good = RetryPolicy.make({ base: "1 second", maxDelay: "1 second", maxRetries: 0 })
    assert.isTrue(Either.isRight(good))
    assert.deepStrictEqual(RetryPolicy.make(), Either.right(RetryPolicy.defaults))
  })

  it.effect("a layer with bad options fails to build with a ConfigurationError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(RetryPolicy.CurrentRetryPolicy, RetryPolicy.layer({ factor: -2 }))
      )
      assert.strictEqual(error._tag, "ConfigurationError")
      assert.strictEqual(error.option, "RetryPolicy.factor")
    }))
})
