import * as TimeLimit from "../src/internal/timeLimit.js"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"

const timedOut = () => "timed out" as const

describe("TimeLimit", () => {
  it.scoped("lets a request that finishes in time through, and fails one that does not, at its deadline", () =>
    Effect.gen(function*() {
      const limit = yield* TimeLimit.make("5 seconds")
      const quick = yield* Effect.fork(limit.apply(Effect.as(Effect.sleep("4 seconds"), "answer"), timedOut))
      const slow = yield* Effect.fork(limit.apply(Effect.as(Effect.sleep("1 minute"), "late"), timedOut))
      yield* TestClock.adjust("4 seconds")
      assert.strictEqual(yield* Fiber.join(quick), "answer")
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(slow)))
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.await(slow), Exit.fail("timed out" as const))
    }))

  it.scoped("limits many requests, each from its own start, and interrupts those it fails", () =>
    Effect.gen(function*() {
      const limit = yield* TimeLimit.make("5 seconds")
      const interrupted = yield* Ref.make(0)
      const request = (index: number) =>
        limit.apply(
          Effect.sleep(`${index} seconds`).pipe(
            Effect.as(index),
            Effect.onInterrupt(() => Ref.update(interrupted, (n) => n + 1))
          ),
          timedOut
        )
      // Ten requests of 0 to 9 seconds, started one second apart.
      const fibers: Array<Fiber.RuntimeFiber<number | "timed out", never>> = []
      for (let index = 0; index < 10; index++) {
        fibers.push(yield* Effect.fork(Effect.merge(request(index))))
        yield* TestClock.adjust("1 second")
      }
      yield* TestClock.adjust("20 seconds")
      const results = yield* Effect.forEach(fibers, Fiber.join)
      assert.deepStrictEqual(results, [0, 1, 2, 3, 4, "timed out", "timed out", "timed out", "timed out", "timed out"])
      assert.strictEqual(yield* Ref.get(interrupted), 5)
    }))

  it.scoped("an interrupted caller interrupts its request", () =>
    Effect.gen(function*() {
      const limit = yield* TimeLimit.make("5 seconds")
      const interrupted = yield* Ref.make(false)
      const caller = yield* Effect.fork(
        limit.apply(Effect.never.pipe(Effect.onInterrupt(() => Ref.set(interrupted, true))), timedOut)
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(caller)
      assert.isTrue(yield* Ref.get(interrupted))
    }))

  it.scoped("keeps its order over more than a thousand requests, those done early and those due", () =>
    Effect.gen(function*() {
      const limit = yield* TimeLimit.make("2 seconds")
      // 1,200 requests that answer at once, four to a millisecond, then one that never answers.
      for (let index = 0; index < 1200; index++) {
        assert.strictEqual(yield* limit.apply(Effect.succeed(index), timedOut), index)
        if (index % 4 === 3) yield* TestClock.adjust("1 millis")
      }
      const stuck = yield* Effect.fork(limit.apply(Effect.never, timedOut))
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(stuck)))
      yield* TestClock.adjust("1 millis")
      assert.deepStrictEqual(yield* Fiber.await(stuck), Exit.fail("timed out" as const))
    }))
})
