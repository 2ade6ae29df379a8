import { ApiError, RateLimit, TransportError } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"

const rateLimited = new ApiError.RateLimitedError({
  api: "ok",
  code: 10,
  description: "too many calls",
  method: "users.getInfo"
})

const limiter = (options: RateLimit.Options) => RateLimit.make(options)

// Starts `count` calls for `key` one after another in a fiber, counting those that got through.
const startCalls = (service: RateLimit.Service, key: string, count: number) =>
  Effect.gen(function*() {
    const started = yield* Ref.make(0)
    const call = Effect.zipRight(service.take(key), Ref.update(started, (n) => n + 1))
    const fiber = yield* Effect.fork(Effect.forEach(Array.from({ length: count }), () => call, { discard: true }))
    yield* TestClock.adjust(Duration.zero)
    return { started, fiber }
  })

// Advances the clock by `millis - 1` and checks that nothing more started, then by 1 ms and checks that `next` did.
const expectNextAt = (started: Ref.Ref<number>, millis: number, next: number) =>
  Effect.gen(function*() {
    const before = yield* Ref.get(started)
    yield* TestClock.adjust(Duration.millis(millis - 1))
    assert.strictEqual(yield* Ref.get(started), before, `nothing more before ${millis} ms`)
    yield* TestClock.adjust(Duration.millis(1))
    assert.strictEqual(yield* Ref.get(started), next, `${next} started at ${millis} ms`)
  })

// How long a single call for `key` waits, measured on the test clock in steps of `step` ms.
const waitOf = (service: RateLimit.Service, key: string, step = 100) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(service.take(key))
    let waited = 0
    yield* TestClock.adjust(Duration.zero)
    while (Option.isNone(yield* Fiber.poll(fiber))) {
      yield* TestClock.adjust(Duration.millis(step))
      waited += step
    }
    return waited
  })

describe("RateLimit", () => {
  it.effect("at 2 per second admits 2 calls, then holds the third until the padded window of 1.1 s has passed", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 2 })
      const { fiber, started } = yield* startCalls(service, "app", 5)
      assert.strictEqual(yield* Ref.get(started), 2)
      // The nominal window has passed, the padded one has not.
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Ref.get(started), 2)
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* expectNextAt(started, 100, 4)
      yield* expectNextAt(started, 1100, 5)
      assert.isTrue(Option.isSome(yield* Fiber.poll(fiber)))
    }))

  it.effect("honours the padding option", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 2, padding: 0.5 })
      const { started } = yield* startCalls(service, "app", 3)
      assert.strictEqual(yield* Ref.get(started), 2)
      yield* expectNextAt(started, 1500, 3)
    }))

  it.effect("at 0.5 per second admits one call every 2.2 s", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 0.5 })
      const { started } = yield* startCalls(service, "app", 3)
      assert.strictEqual(yield* Ref.get(started), 1)
      yield* expectNextAt(started, 2200, 2)
      yield* expectNextAt(started, 2200, 3)
    }))

  it.effect("at 2.5 per second admits 2 calls every 0.88 s", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 2.5 })
      const { started } = yield* startCalls(service, "app", 4)
      assert.strictEqual(yield* Ref.get(started), 2)
      yield* expectNextAt(started, 880, 4)
    }))

  it.effect("keeps keys independent", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 1, pauseBase: "5 seconds" })
      const a = yield* startCalls(service, "app-a", 2)
      const b = yield* startCalls(service, "app-b", 2)
      assert.strictEqual(yield* Ref.get(a.started), 1)
      assert.strictEqual(yield* Ref.get(b.started), 1)
      // A pause of one key holds none of the others.
      yield* service.penalize("app-a")
      const c = yield* startCalls(service, "app-c", 1)
      assert.strictEqual(yield* Ref.get(c.started), 1)
      yield* TestClock.adjust("1100 millis")
      assert.strictEqual(yield* Ref.get(a.started), 1)
      assert.strictEqual(yield* Ref.get(b.started), 2)
      yield* TestClock.adjust("3900 millis")
      assert.strictEqual(yield* Ref.get(a.started), 2)
      assert.strictEqual(
        RateLimit.key("app", Redacted.make("token-1")) === RateLimit.key("app", Redacted.make("token-2")),
        false
      )
      assert.isFalse(RateLimit.key("app", Redacted.make("token-1")).includes("token-1"))
      assert.strictEqual(RateLimit.key("app"), "app")
    }))

  it.effect("penalize pauses a key for a time that doubles up to the cap, and resets after a success", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 100, pauseBase: "1 second", pauseCap: "5 seconds" })
      assert.strictEqual(yield* waitOf(service, "app"), 0)
      const pauses: Array<number> = []
      for (let i = 0; i < 5; i++) {
        yield* service.penalize("app")
        pauses.push(yield* waitOf(service, "app"))
      }
      assert.deepStrictEqual(pauses, [1000, 2000, 4000, 5000, 5000])
      yield* service.succeeded("app")
      yield* service.penalize("app")
      assert.strictEqual(yield* waitOf(service, "app"), 1000)
    }))

  it.effect("penalties reported during a pause do not lengthen it", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 100 })
      yield* service.penalize("app")
      yield* TestClock.adjust("500 millis")
      yield* service.penalize("app")
      yield* service.penalize("app")
      assert.strictEqual(yield* waitOf(service, "app"), 500)
      // The next pause is the second of the streak: 2 s, not 8 s.
      yield* service.penalize("app")
      assert.strictEqual(yield* waitOf(service, "app"), 2000)
    }))

  it.effect("a pause also holds callers that were already waiting for the window", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 1, padding: 0 })
      const { started } = yield* startCalls(service, "app", 2)
      assert.strictEqual(yield* Ref.get(started), 1)
      yield* TestClock.adjust("500 millis")
      yield* service.penalize("app")
      yield* TestClock.adjust("500 millis")
      assert.strictEqual(yield* Ref.get(started), 1)
      yield* expectNextAt(started, 500, 2)
    }))

  it.effect("limit takes a turn, pauses the key on a rate-limited failure and resets it on success", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 100 })
      const calls = yield* Ref.make(0)
      const call = <A, E>(outcome: Effect.Effect<A, E>) =>
        Effect.zipRight(Ref.update(calls, (n) => n + 1), outcome).pipe(
          RateLimit.limit("app"),
          Effect.provideService(RateLimit.RateLimit, service)
        )
      yield* Effect.flip(call(Effect.fail(rateLimited)))
      assert.strictEqual(yield* Ref.get(calls), 1)
      const second = yield* Effect.fork(call(Effect.succeed("ok")))
      yield* TestClock.adjust("999 millis")
      assert.strictEqual(yield* Ref.get(calls), 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(second), "ok")
      assert.strictEqual(yield* Ref.get(calls), 2)
      // The success reset the streak: the next pause is 1 s again. A 429 status counts as rate limited too.
      yield* Effect.flip(call(Effect.fail(new TransportError.StatusError({ method: "m", url: "u", status: 429 }))))
      assert.strictEqual(yield* waitOf(service, "app"), 1000)
      // Other failures do not pause the key.
      yield* Effect.flip(call(Effect.fail(new TransportError.StatusError({ method: "m", url: "u", status: 500 }))))
      assert.strictEqual(yield* waitOf(service, "app"), 0)
    }))

  it.effect("does not limit when no limiter is provided, or with layerNone", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const call = RateLimit.limit("app")(Effect.zipRight(Ref.update(calls, (n) => n + 1), Effect.fail(rateLimited)))
      const burst = Effect.forEach(Array.from({ length: 50 }), () => Effect.flip(call), { discard: true })
      yield* burst
      assert.strictEqual(yield* Ref.get(calls), 50)
      yield* Effect.provide(burst, RateLimit.layerNone)
      assert.strictEqual(yield* Ref.get(calls), 100)
    }))

  it.effect("limit also takes the call first, with the same turns, pauses and resets", () =>
    Effect.gen(function*() {
      const service = yield* limiter({ requestsPerSecond: 100 })
      const calls = yield* Ref.make(0)
      const call = <A, E>(outcome: Effect.Effect<A, E>) =>
        RateLimit.limit(Effect.zipRight(Ref.update(calls, (n) => n + 1), outcome), "app").pipe(
          Effect.provideService(RateLimit.RateLimit, service)
        )
      assert.strictEqual(yield* Effect.flip(call(Effect.fail(rateLimited))), rateLimited)
      const second = yield* Effect.fork(call(Effect.succeed("ok")))
      yield* TestClock.adjust("999 millis")
      assert.strictEqual(yield* Ref.get(calls), 1)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* Fiber.join(second), "ok")
      assert.strictEqual(yield* Ref.get(calls), 2)
      // The success reset the streak: the next pause is the base pause again.
      yield* Effect.flip(call(Effect.fail(rateLimited)))
      assert.strictEqual(yield* waitOf(service, "app"), 1000)
    }))

  it.effect("layerNone provides none, a no-op limiter distinct from the default one", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* RateLimit.RateLimit, RateLimit.unlimited)
      const provided = yield* Effect.provide(RateLimit.RateLimit, RateLimit.layerNone)
      assert.strictEqual(provided, RateLimit.none)
      assert.notStrictEqual(provided, RateLimit.unlimited)
      assert.isFalse(provided.byToken)
      yield* provided.take("app")
      yield* provided.penalize("app")
      yield* provided.succeeded("app")
    }))

  it.effect("the layer provides a limiter that limits", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const fiber = yield* Effect.fork(
        Effect.forEach(
          Array.from({ length: 3 }),
          () => RateLimit.limit("app")(Ref.update(calls, (n) => n + 1)),
          { discard: true }
        ).pipe(Effect.provide(RateLimit.layer({ requestsPerSecond: 2 })))
      )
      yield* TestClock.adjust(Duration.zero)
      assert.strictEqual(yield* Ref.get(calls), 2)
      yield* expectNextAt(calls, 1100, 3)
      yield* Fiber.join(fiber)
    }))

  it.effect("uses the store it is given", () =>
    Effect.gen(function*() {
      const memory = yield* RateLimit.makeMemoryStore
      const seen: Array<string> = []
      const note = (line: string) => Effect.sync(() => seen.push(line))
      const store: RateLimit.Store = {
        tryTake: (key, rule) =>
          Effect.zipLeft(memory.tryTake(key, rule), note(`take ${key} ${rule.limit}/${rule.windowMillis}`)),
        penalize: (key, rule) => Effect.zipLeft(memory.penalize(key, rule), note(`penalize ${key}`)),
        reset: (key) => Effect.zipLeft(memory.reset(key), note(`reset ${key}`))
      }
      const service = yield* limiter({ requestsPerSecond: 3, store })
      yield* service.take("app")
      yield* service.penalize("app")
      yield* service.succeeded("app")
      assert.deepStrictEqual(seen, ["take app 3/1100", "penalize app", "reset app"])
    }))

  it.effect("bad options fail with a ConfigurationError, when made and when the layer is built", () =>
    Effect.gen(function*() {
      const bad: ReadonlyArray<[RateLimit.Options, string]> = [
        [{ requestsPerSecond: 0 }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: -2 }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: Number.NaN }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: Number.POSITIVE_INFINITY }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: "3" as unknown as number }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: 1, padding: -0.1 }, "RateLimit.padding"],
        [{ requestsPerSecond: 1, padding: Number.NaN }, "RateLimit.padding"],
        [{ requestsPerSecond: 1, pauseBase: 0 }, "RateLimit.pauseBase"],
        [{ requestsPerSecond: 1, pauseBase: Number.NaN }, "RateLimit.pauseBase"],
        [{ requestsPerSecond: 1, pauseCap: "500 millis" }, "RateLimit.pauseCap"],
        [{ requestsPerSecond: 1, pauseCap: Duration.infinity }, "RateLimit.pauseCap"],
        // Windows and pauses that would be infinite, or longer than a day: the calls would wait forever.
        [{ requestsPerSecond: 1e-300 }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: Number.MIN_VALUE }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: 1 / 100_000 }, "RateLimit.requestsPerSecond"],
        [{ requestsPerSecond: 1, padding: Number.POSITIVE_INFINITY }, "RateLimit.padding"],
        [{ requestsPerSecond: 1, padding: 1e308 }, "RateLimit.padding"],
        [{ requestsPerSecond: 1, padding: 1e6 }, "RateLimit.padding"],
        [{ requestsPerSecond: 1 / 86_400 }, "RateLimit.padding"],
        [{ requestsPerSecond: 1, pauseBase: Number.POSITIVE_INFINITY }, "RateLimit.pauseBase"],
        [{ requestsPerSecond: 1, pauseBase: 1e300, pauseCap: 1e301 }, "RateLimit.pauseBase"],
        [{ requestsPerSecond: 1, pauseBase: "2 days", pauseCap: "3 days" }, "RateLimit.pauseBase"],
        [{ requestsPerSecond: 1, pauseCap: "25 hours" }, "RateLimit.pauseCap"]
      ]
      for (const [options, option] of bad) {
        const error = yield* Effect.flip(RateLimit.make(options))
        assert.strictEqual(error._tag, "ConfigurationError", option)
        assert.strictEqual(error.option, option)
        const fromLayer = yield* Effect.flip(Effect.provide(RateLimit.RateLimit, RateLimit.layer(options)))
        assert.strictEqual(fromLayer.option, option)
      }
    }))

  it.effect("accepts a window and pauses of exactly a day", () =>
    Effect.gen(function*() {
      const rule = yield* RateLimit.makeRule({
        requestsPerSecond: 1 / 86_400,
        padding: 0,
        pauseBase: "1 day",
        pauseCap: "1 day"
      })
      assert.deepStrictEqual(rule, {
        limit: 1,
        windowMillis: 86_400_000,
        pauseBaseMillis: 86_400_000,
        pauseCapMillis: 86_400_000
      })
    }))
})

describe("RateLimit.makeMemoryStore", () => {
  const rule: RateLimit.Rule = { limit: 1, windowMillis: 1000, pauseBaseMillis: 1000, pauseCapMillis: 8000 }
  const longRule: RateLimit.Rule = { limit: 1, windowMillis: 60_000, pauseBaseMillis: 60_000, pauseCapMillis: 60_000 }

  it.effect("forgets idle keys, so that keys coming and going leave it bounded; keys in use keep their state", () =>
    Effect.gen(function*() {
      const store = yield* RateLimit.makeMemoryStore
      // Keys that still carry information: a call in a long window, a running pause, a streak never reset.
      assert.strictEqual(yield* store.tryTake("counted", longRule), 0)
      yield* store.penalize("paused", longRule)
      yield* store.reset("paused")
      yield* store.penalize("streak", rule)
      // 20 rounds of 5,000 one-off keys (rotated tokens), 2 s apart: each round's keys are idle in the next.
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 5_000; i++) assert.strictEqual(yield* store.tryTake(`token-${round}-${i}`, rule), 0)
        assert.strictEqual(yield* store.tryTake("hot", rule), 0)
        assert.strictEqual(yield* store.tryTake("hot", rule), 1000)
        yield* TestClock.adjust("2 seconds")
      }
      // Without forgetting, 100,004 keys.
      assert.isAtMost(yield* store.size, 15_000)
      // 40 s later, the long window and the pause still hold, and the streak goes on: the next pause is doubled.
      assert.strictEqual(yield* store.tryTake("counted", longRule), 20_000)
      assert.strictEqual(yield* store.tryTake("paused", longRule), 20_000)
      assert.strictEqual(yield* store.penalize("streak", rule), 2000)
      // A forgotten key starts afresh, as it would have anyway.
      assert.strictEqual(yield* store.tryTake("token-0-0", rule), 0)
    }))

  it.effect("holds at most memoryStoreMaxKeys keys, forgetting the least recently used first", () =>
    Effect.gen(function*() {
      const store = yield* RateLimit.makeMemoryStore
      assert.strictEqual(yield* store.tryTake("first", longRule), 0)
      assert.strictEqual(yield* store.tryTake("hot", longRule), 0)
      // All at the same instant, within their window: no key is idle, yet the store stays at the bound.
      for (let i = 0; i < RateLimit.memoryStoreMaxKeys + 10; i++) {
        assert.strictEqual(yield* store.tryTake(`key-${i}`, longRule), 0)
        if (i % 10_000 === 0) assert.strictEqual(yield* store.tryTake("hot", longRule), 60_000)
      }
      assert.strictEqual(yield* store.size, RateLimit.memoryStoreMaxKeys)
      assert.strictEqual(yield* store.tryTake("hot", longRule), 60_000)
      assert.strictEqual(yield* store.tryTake(`key-${RateLimit.memoryStoreMaxKeys + 9}`, longRule), 60_000)
      assert.strictEqual(yield* store.tryTake("first", longRule), 0)
    }))
})
