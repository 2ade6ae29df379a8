/**
 * Client-side rate limiting of API calls, keyed by application (and, when the API counts per user, by token), with
 * feedback: a rate-limited answer pauses its key with exponential backoff until the server accepts calls again.
 *
 * The limit is a sliding window: at `requestsPerSecond` = r, at most `max(1, floor(r))` calls start in any window
 * of `max(1, floor(r)) / r` seconds, and the window is padded (10% by default) so that clock drift and latency never
 * push a call over the server's own limit at a window boundary. So 2 per second admits 2 calls per 1.1 s and 0.5
 * per second one call per 2.2 s.
 *
 * The counts live in a `Store`, a small interface of three atomic operations; `layer` keeps them in memory, one
 * process wide, forgetting the keys that have nothing left to count. A store shared by several processes (Redis,
 * a database) can be plugged in through `Options.store` without changing the service.
 *
 * `RateLimit` is a `Context.Reference` whose default does not limit, so clients that call `limit` work unchanged
 * when a program provides no limiter.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import { ConfigurationError } from "./ConfigurationError.js"
import { md5Hex as hex } from "./internal/md5.js"
import type { Token } from "./Token.js"

/**
 * The operations of a rate limiter.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Waits until a call for `key` may start, and counts it. */
  readonly take: (key: string) => Effect.Effect<void>
  /**
   * Reports a rate-limited answer for `key`: no call for it starts for a pause that doubles with every penalty
   * since the last success, up to a cap. Penalties reported while the key is already paused come from calls that
   * started before the pause and do not lengthen it.
   */
  readonly penalize: (key: string) => Effect.Effect<void>
  /** Reports an accepted call for `key`: the next penalty starts again from the base pause. */
  readonly succeeded: (key: string) => Effect.Effect<void>
  /** Whether calls are keyed by application and token (each user apart) rather than by application alone. */
  readonly byToken: boolean
}

/**
 * The limiter that lets every call go at once.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const unlimited: Service = {
  take: () => Effect.void,
  penalize: () => Effect.void,
  succeeded: () => Effect.void,
  byToken: false
}

/**
 * The limiter that lets every call go at once, as a program provides it to turn limiting off on purpose: it
 * behaves as `unlimited` but is a distinct value, so that "turned off" can be told apart from "nothing provided"
 * (`unlimited`, the default) by identity.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const none: Service = { ...unlimited }

/**
 * The rate limiter of the current program; providing one is optional, calls are not limited otherwise.
 *
 * @since 0.1.0
 * @category Context
 */
export class RateLimit extends Context.Reference<RateLimit>()("@okmail/core/RateLimit", {
  defaultValue: (): Service => unlimited
}) {}

/**
 * What a store enforces for a key: at most `limit` calls in any `windowMillis`, and pauses of `pauseBaseMillis`
 * doubling up to `pauseCapMillis`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Rule {
  readonly limit: number
  readonly windowMillis: number
  readonly pauseBaseMillis: number
  readonly pauseCapMillis: number
}

/**
 * Where the counts of the keys live. Each operation must be atomic for its key, and reads the time from the
 * `Clock` (or, for a shared store, from the store's own clock). A store that can fail decides itself whether to let
 * the call go or to wait: the limiter has no error channel.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Store {
  /**
   * Admits a call for `key` now, recording it, and answers `0`; or, when the key is paused or `rule.limit` calls
   * started within the last `rule.windowMillis`, records nothing and answers the milliseconds to wait before
   * asking again.
   */
  readonly tryTake: (key: string, rule: Rule) => Effect.Effect<number>
  /**
   * Pauses `key` for `rule.pauseBaseMillis * 2 ** n` (at most `rule.pauseCapMillis`), n being the number of pauses
   * since the last reset, and answers the pause; while the key is paused already, answers the time left instead.
   */
  readonly penalize: (key: string, rule: Rule) => Effect.Effect<number>
  /** Forgets the pauses of `key`, so that the next one is the base pause; a running pause goes on. */
  readonly reset: (key: string) => Effect.Effect<void>
}

interface Entry {
  // Start times of the last calls, oldest first, at most `rule.limit` of them.
  readonly started: Array<number>
  penalties: number
  pausedUntil: number
  // From then on, the entry's calls are out of their window and its pause is over.
  idleAt: number
}

/**
 * The most keys an in-memory store holds. Beyond it the least recently used key is forgotten, as if it had never
 * been seen: long before that, the idle keys have been swept away, so this only bites when more keys are in use at
 * once than a process can sensibly track.
 *
 * @since 0.1.0
 * @category Constants
 */
export const memoryStoreMaxKeys = 100_000

// Idle keys are swept once as many keys have been added since the last sweep as it left (and at least this many),
// so that a sweep's cost is shared by the keys added before it.
const sweepEvery = 1_000

/**
 * A `Store` in memory, which can tell how many keys it holds.
 *
 * @since 0.1.0
 * @category Models
 */
export interface MemoryStore extends Store {
  /** The number of keys held: those in use, and idle ones not swept yet. For tests and metrics. */
  readonly size: Effect.Effect<number>
}

/**
 * Makes a store that keeps the counts in memory, one small entry per key. A key is forgotten once it carries no
 * information: its calls are out of their window, it is not paused, and its pauses have been reset by a success.
 * Such keys are swept lazily as new keys arrive, and at most `memoryStoreMaxKeys` are held, so memory stays
 * bounded however many keys (tokens, with `byToken`) come and go.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeMemoryStore: Effect.Effect<MemoryStore> = Effect.sync(() => {
  // In the order of their last use, least recent first.
  const entries = new Map<string, Entry>()
  let added = 0
  let sweepAfter = sweepEvery
  const isIdle = (entry: Entry, now: number) => entry.penalties === 0 && entry.idleAt <= now
  const use = (key: string, now: number): Entry => {
    let found = entries.get(key)
    if (found !== undefined) {
      entries.delete(key)
    } else {
      added += 1
      if (added >= sweepAfter) {
        for (const [name, entry] of entries) if (isIdle(entry, now)) entries.delete(name)
        added = 0
        sweepAfter = Math.max(sweepEvery, entries.size)
      }
      if (entries.size >= memoryStoreMaxKeys) entries.delete(entries.keys().next().value!)
      found = { started: [], penalties: 0, pausedUntil: 0, idleAt: 0 }
    }
    entries.set(key, found)
    return found
  }
  return {
    tryTake: (key, rule) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          const now = clock.unsafeCurrentTimeMillis()
          const current = use(key, now)
          if (current.pausedUntil > now) return current.pausedUntil - now
          while (current.started.length > 0 && current.started[0]! + rule.windowMillis <= now) {
            current.started.shift()
          }
          if (current.started.length < rule.limit) {
            current.started.push(now)
            current.idleAt = Math.max(current.idleAt, now + rule.windowMillis)
            return 0
          }
          return current.started[0]! + rule.windowMillis - now
        })
      ),
    penalize: (key, rule) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          const now = clock.unsafeCurrentTimeMillis()
          const current = use(key, now)
          if (current.pausedUntil > now) return current.pausedUntil - now
          const pause = Math.min(rule.pauseCapMillis, rule.pauseBaseMillis * 2 ** current.penalties)
          current.penalties += 1
          current.pausedUntil = now + pause
          current.idleAt = Math.max(current.idleAt, current.pausedUntil)
          return pause
        })
      ),
    reset: (key) =>
      Effect.sync(() => {
        const current = entries.get(key)
        if (current !== undefined) current.penalties = 0
      }),
    size: Effect.sync(() => entries.size)
  }
})

/**
 * The settings of a rate limiter.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  /**
   * Calls per second for each key; may be fractional (`0.5` is one call every two seconds), down to one call a
   * day.
   */
  readonly requestsPerSecond: number
  /**
   * How much longer than nominal the window is, as a fraction: `0.1` (the default) pads 1 s to 1.1 s. The padded
   * window is at most a day.
   */
  readonly padding?: number | undefined
  /** The first pause after a rate-limited answer; 1 second by default, at most a day. */
  readonly pauseBase?: Duration.DurationInput | undefined
  /** The longest pause; 60 seconds by default, at most a day. */
  readonly pauseCap?: Duration.DurationInput | undefined
  /** Where the counts live; a fresh in-memory store by default. */
  readonly store?: Store | undefined
  /** Keys calls by application and token, so that each user of the application has the rate to itself. */
  readonly byToken?: boolean | undefined
}

// `Duration.decode` reads a negative or NaN number as zero: such input is a mistake, not a zero delay.
const finiteMillis = (input: unknown): number | undefined => {
  if (typeof input === "number" && !(input >= 0)) return undefined
  const decoded = Option.getOrUndefined(Duration.decodeUnknown(input))
  return decoded !== undefined && Duration.isFinite(decoded) ? Duration.toMillis(decoded) : undefined
}

const configurationError = (option: string, detail: string) =>
  new ConfigurationError({ option: `RateLimit.${option}`, detail })

const dayMillis = 24 * 60 * 60 * 1000

/**
 * Checks the settings and turns them into the rule a store enforces, so that no call waits forever:
 * `requestsPerSecond` a finite number of at least one call a day (1/86400), `padding` a finite number of at
 * least 0, the padded window (`max(1, floor(r)) / r` seconds times `1 + padding`) at most a day, `pauseBase` a
 * positive duration of at most a day, `pauseCap` a duration from `pauseBase` to a day.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeRule = (options: Options): Effect.Effect<Rule, ConfigurationError> =>
  Effect.suspend(() => {
    const rate = options.requestsPerSecond
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0) {
      return Effect.fail(configurationError("requestsPerSecond", `${String(rate)} is not a positive finite number`))
    }
    const padding = options.padding ?? 0.1
    if (typeof padding !== "number" || !Number.isFinite(padding) || padding < 0) {
      return Effect.fail(configurationError("padding", `${String(padding)} is not a finite number of at least 0`))
    }
    // A fractional rate below 1 becomes one call per longer window; above 1, whole calls per a shorter window.
    const limit = Math.max(1, Math.floor(rate))
    // Less a trace, so that float noise (1000 * 1.1 is 1100.0000000000002) does not add a millisecond.
    const window = (factor: number) => Math.ceil((limit / rate) * 1000 * factor - 1e-6)
    if (!(window(1) <= dayMillis)) {
      return Effect.fail(configurationError("requestsPerSecond", `${rate} is less than one call a day`))
    }
    const windowMillis = window(1 + padding)
    if (!(windowMillis <= dayMillis)) {
      return Effect.fail(configurationError("padding", `${padding} pads the window of the rate beyond a day`))
    }
    const pauseBaseMillis = finiteMillis(options.pauseBase ?? Duration.seconds(1))
    if (pauseBaseMillis === undefined || pauseBaseMillis <= 0 || pauseBaseMillis > dayMillis) {
      return Effect.fail(configurationError("pauseBase", "not a positive duration of at most a day"))
    }
    const pauseCapMillis = finiteMillis(options.pauseCap ?? Duration.seconds(60))
    if (pauseCapMillis === undefined || pauseCapMillis < pauseBaseMillis || pauseCapMillis > dayMillis) {
      return Effect.fail(configurationError("pauseCap", "not a duration from pauseBase to a day"))
    }
    return Effect.succeed({ limit, windowMillis, pauseBaseMillis, pauseCapMillis })
  })

/**
 * Makes a rate limiter over `options.store` (a fresh in-memory store by default); malformed options fail with a
 * `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options): Effect.Effect<Service, ConfigurationError> =>
  Effect.gen(function*() {
    const rule = yield* makeRule(options)
    const store = options.store ?? (yield* makeMemoryStore)
    // Waiting and asking again, rather than reserving a future slot, lets a pause reported meanwhile hold back
    // callers that are already waiting.
    const take = (key: string): Effect.Effect<void> =>
      Effect.flatMap(store.tryTake(key, rule), (wait) =>
        wait <= 0 ? Effect.void : Effect.zipRight(Effect.sleep(Duration.millis(wait)), take(key)))
    return {
      take,
      penalize: (key) => Effect.asVoid(store.penalize(key, rule)),
      succeeded: (key) => store.reset(key),
      byToken: options.byToken ?? false
    }
  })

/**
 * Provides a rate limiter over an in-memory store (or `options.store`); malformed options fail the layer with a
 * `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<RateLimit, ConfigurationError> =>
  Layer.effect(RateLimit, make(options))

/**
 * Provides the limiter that lets every call go at once, as when none is provided: `none`, not the default value.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerNone: Layer.Layer<RateLimit> = Layer.succeed(RateLimit, none)

/**
 * The key of an application, or of one user of it when `token` is given. The token enters the key only as a
 * short MD5 fingerprint, so that keys can be logged and kept in a shared store.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const key = (application: string, token?: Redacted.Redacted<string>): string =>
  token === undefined ? application : `${application}/${hex(Redacted.value(token)).slice(0, 16)}`

/**
 * Runs `effect`, a call of `application` with `token`, when the current `RateLimit` lets it start: keyed by the
 * application, or by the application and the token when the limiter is set `byToken`.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const limitCall = (application: string, token: Option.Option<Token>) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(RateLimit, (limiter) => limitWith(effect, limiter, callKey(limiter, application, token)))

/**
 * The key `limiter` counts a call of `application` with `token` under: the application, or the application and
 * the token when the limiter is set `byToken`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const callKey = (limiter: Service, application: string, token: Option.Option<Token>): string =>
  limiter.byToken && Option.isSome(token) ? key(application, token.value.accessToken) : application

/**
 * Tells whether a failure is the server saying too many calls: a `RateLimitedError`, or HTTP status 429.
 *
 * @since 0.1.0
 * @category Guards
 */
export const isRateLimited = (error: unknown): boolean =>
  Predicate.isTagged(error, "RateLimitedError") ||
  (Predicate.isTagged(error, "StatusError") && Predicate.hasProperty(error, "status") && error.status === 429)

/**
 * Runs `effect`, a call for `key`, when the current `RateLimit` lets it start; a rate-limited failure pauses the
 * key, a success resets its pauses, other failures change nothing. Data-first (`limit(effect, key)`) or data-last
 * (`effect.pipe(limit(key))`).
 *
 * @since 0.1.0
 * @category Combinators
 */
export const limit: {
  /**
   * Runs the call for `key` when the current `RateLimit` lets it start (data-last).
   *
   * @since 0.1.0
   * @category Combinators
   */
  (key: string): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Runs the call for `key` when the current `RateLimit` lets it start (data-first).
   *
   * @since 0.1.0
   * @category Combinators
   */
  <A, E, R>(effect: Effect.Effect<A, E, R>, key: string): Effect.Effect<A, E, R>
} = dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, key: string): Effect.Effect<A, E, R> =>
    Effect.flatMap(RateLimit, (limiter) => limitWith(effect, limiter, key))
)

/**
 * Runs `effect`, a call for `key`, when `limiter` lets it start, for clients that hold their limiter; a limiter
 * that lets everything through (`unlimited`, `none`) adds nothing to the call.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const limitWith = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  limiter: Service,
  key: string
): Effect.Effect<A, E, R> =>
  limiter === unlimited || limiter === none ? effect : limiter.take(key).pipe(
    Effect.zipRight(effect),
    Effect.tapBoth({
      onFailure: (error) => isRateLimited(error) ? limiter.penalize(key) : Effect.void,
      onSuccess: () => limiter.succeeded(key)
    })
  )
