/**
 * A time limit for many requests that share one duration, cheaper than `Effect.timeoutFail` on each: a request
 * runs in one child fiber, and one sweeper fiber per limiter, living in the limiter's scope, interrupts the
 * requests whose deadline has passed. Because every request of a limiter has the same duration, deadlines come
 * in the order requests start, and the sweeper only ever sleeps until the oldest one. It sleeps on the `Clock`,
 * so a `TestClock` drives it in tests.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"

/**
 * A time limit shared by many requests.
 *
 * @since 0.1.0
 * @category Models
 */
export interface TimeLimit {
  readonly duration: Duration.Duration
  /** Runs `effect`, and fails with `onTimeout()` (interrupting it) if it is not done within `duration`. */
  readonly apply: <A, E, R, E2>(effect: Effect.Effect<A, E, R>, onTimeout: () => E2) => Effect.Effect<A, E | E2, R>
}

const GRID = 10

interface Entry {
  readonly deadline: number
  fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  timedOut: boolean
}

/**
 * Makes a time limit of `duration` whose sweeper lives as long as the scope.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (duration: Duration.DurationInput): Effect.Effect<TimeLimit, never, Scope.Scope> =>
  Effect.gen(function*() {
    const limit = Duration.decode(duration)
    const millis = Duration.toMillis(limit)
    // Oldest first, from `start`; an entry leaves when its deadline has come, done or not. Taking from the front
    // moves `start`, and the array is compacted now and then, so that each request costs O(1).
    let queue: Array<Entry | undefined> = []
    let start = 0
    let wake: Deferred.Deferred<void> | undefined

    const takeDue = (now: number): Array<Entry> => {
      const due: Array<Entry> = []
      while (start < queue.length && queue[start]!.deadline <= now) {
        due.push(queue[start]!)
        queue[start++] = undefined
      }
      if (start === queue.length || (start > 1024 && start * 2 > queue.length)) {
        queue = queue.slice(start)
        start = 0
      }
      return due
    }

    const sweep = Effect.gen(function*() {
      const signal = yield* Deferred.make<void>()
      const head = yield* Effect.sync(() => {
        const first = queue[start]
        if (first === undefined) wake = signal
        return first
      })
      if (head === undefined) return yield* Deferred.await(signal)
      const now = yield* Clock.currentTimeMillis
      if (head.deadline > now) {
        // Waking on a 10 ms grid serves every deadline of that span with one timer.
        return yield* Effect.sleep(Duration.millis(Math.ceil(head.deadline / GRID) * GRID - now))
      }
      for (const entry of yield* Effect.sync(() => takeDue(now))) {
        if (entry.fiber === undefined) continue
        entry.timedOut = true
        yield* Fiber.interruptFork(entry.fiber)
      }
    })
    yield* Effect.forkScoped(Effect.forever(sweep))

    const apply = <A, E, R, E2>(effect: Effect.Effect<A, E, R>, onTimeout: () => E2): Effect.Effect<A, E | E2, R> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.flatMap(Effect.fork(effect), (fiber) => {
          const entry: Entry = { deadline: now + millis, fiber, timedOut: false }
          const signal = (() => {
            queue.push(entry)
            const waiting = wake
            wake = undefined
            return waiting
          })()
          if (signal !== undefined) Deferred.unsafeDone(signal, Exit.void)
          return Fiber.await(fiber).pipe(
            Effect.onInterrupt(() => Fiber.interrupt(fiber)),
            Effect.flatMap((exit): Effect.Effect<A, E | E2> => {
              // A finished request keeps nothing alive while its entry waits for its deadline.
              entry.fiber = undefined
              return entry.timedOut && Exit.isInterrupted(exit) ? Effect.fail(onTimeout()) : exit
            })
          )
        }))

    return { duration: limit, apply }
  })
