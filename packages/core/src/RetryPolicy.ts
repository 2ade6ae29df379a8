/**
 * When to call an API method again after it failed: a retry policy as data (exponential backoff with jitter and a
 * capped delay, a number of retries, whether writes may be repeated), the schedule it stands for, and a
 * combinator that applies it to one call.
 *
 * Only failures that say so are retried: every API and transport error carries a `retryable` flag, and a call
 * that writes (posts, sends, uploads, deletes…) is not repeated unless the policy or the call allows it, because
 * a write whose answer was lost may have happened already.
 *
 * Clients read the policy from `CurrentRetryPolicy`, which holds `defaults` unless a program provides another.
 * Put the retry outside the rate limit (`effect.pipe(RateLimit.limit(key), RetryPolicy.retry(method))`) so that
 * every attempt waits for its turn and a rate-limited answer pauses the key before the next attempt.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { dual } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import { ConfigurationError } from "./ConfigurationError.js"
import { isRateLimited } from "./RateLimit.js"

/**
 * A retry policy: the n-th retry (from 0) waits `base * factor ** n`, spread by ±20% when `jitter` is on, never
 * longer than `maxDelay`, and never shorter than `rateLimitedDelay` after a rate-limited answer; at most
 * `maxRetries` retries follow the first attempt.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RetryPolicy {
  /** The delay before the first retry. */
  readonly base: Duration.Duration
  /** What each delay is multiplied by for the next one. */
  readonly factor: number
  /** The longest delay between two attempts, jitter included. */
  readonly maxDelay: Duration.Duration
  /** How many times a call may be repeated after its first attempt; `0` turns retries off. */
  readonly maxRetries: number
  /** Spreads each delay over 80% to 120% of its value, so that clients failing together do not retry together. */
  readonly jitter: boolean
  /** Repeats calls of write methods too; off by default, because a write whose answer was lost may have happened. */
  readonly retryWrites: boolean
  /** The shortest delay after a rate-limited answer. */
  readonly rateLimitedDelay: Duration.Duration
}

/**
 * The policy used when none is provided: 200 ms doubling to at most 10 s, jittered, at most 4 retries, writes not
 * repeated, at least 1 s after a rate-limited answer.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaults: RetryPolicy = {
  base: Duration.millis(200),
  factor: 2,
  maxDelay: Duration.seconds(10),
  maxRetries: 4,
  jitter: true,
  retryWrites: false,
  rateLimitedDelay: Duration.seconds(1)
}

/**
 * The policy that never retries.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const none: RetryPolicy = { ...defaults, maxRetries: 0 }

/**
 * The retry policy of the current program; providing one is optional, `defaults` apply otherwise.
 *
 * @since 0.1.0
 * @category Context
 */
export class CurrentRetryPolicy extends Context.Reference<CurrentRetryPolicy>()("@okmail/core/CurrentRetryPolicy", {
  defaultValue: () => defaults
}) {}

/**
 * Settings to replace; the others keep their defaults.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly base?: Duration.DurationInput | undefined
  readonly factor?: number | undefined
  readonly maxDelay?: Duration.DurationInput | undefined
  readonly maxRetries?: number | undefined
  readonly jitter?: boolean | undefined
  readonly retryWrites?: boolean | undefined
  readonly rateLimitedDelay?: Duration.DurationInput | undefined
}

// `Duration.decode` reads a negative or NaN number as zero: such input is a mistake, not a zero delay.
const finiteDuration = (input: unknown): Duration.Duration | undefined => {
  if (typeof input === "number" && !(input >= 0)) return undefined
  const decoded = Option.getOrUndefined(Duration.decodeUnknown(input))
  return decoded !== undefined && Duration.isFinite(decoded) ? decoded : undefined
}

/**
 * Checks the options and merges them over the defaults: `base` a positive duration, `factor` a number of at least
 * 1, `maxDelay` a finite duration not shorter than `base`, `maxRetries` a whole number of at least 0,
 * `rateLimitedDelay` a finite duration. A bad option is a `ConfigurationError`, never a throw.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options = {}): Either.Either<RetryPolicy, ConfigurationError> => {
  const fail = (option: string, detail: string) =>
    Either.left(new ConfigurationError({ option: `RetryPolicy.${option}`, detail }))
  const out: { -readonly [K in keyof RetryPolicy]: RetryPolicy[K] } = { ...defaults }
  if (options.base !== undefined) {
    const base = finiteDuration(options.base)
    if (base === undefined || !Duration.greaterThan(base, Duration.zero)) {
      return fail("base", "not a positive finite duration")
    }
    out.base = base
  }
  if (options.factor !== undefined) {
    if (typeof options.factor !== "number" || !Number.isFinite(options.factor) || options.factor < 1) {
      return fail("factor", `${String(options.factor)} is not a finite number of at least 1`)
    }
    out.factor = options.factor
  }
  if (options.maxDelay !== undefined) {
    const maxDelay = finiteDuration(options.maxDelay)
    if (maxDelay === undefined) return fail("maxDelay", "not a finite duration")
    out.maxDelay = maxDelay
  }
  if (Duration.lessThan(out.maxDelay, out.base)) {
    return fail("maxDelay", "shorter than the base delay")
  }
  if (options.maxRetries !== undefined) {
    if (!Number.isSafeInteger(options.maxRetries) || options.maxRetries < 0) {
      return fail("maxRetries", `${String(options.maxRetries)} is not a whole number of at least 0`)
    }
    out.maxRetries = options.maxRetries
  }
  if (options.jitter !== undefined) {
    if (typeof options.jitter !== "boolean") return fail("jitter", "not a boolean")
    out.jitter = options.jitter
  }
  if (options.retryWrites !== undefined) {
    if (typeof options.retryWrites !== "boolean") return fail("retryWrites", "not a boolean")
    out.retryWrites = options.retryWrites
  }
  if (options.rateLimitedDelay !== undefined) {
    const rateLimitedDelay = finiteDuration(options.rateLimitedDelay)
    if (rateLimitedDelay === undefined) return fail("rateLimitedDelay", "not a finite duration")
    out.rateLimitedDelay = rateLimitedDelay
  }
  return Either.right(out)
}

/**
 * Provides the retry policy with `options` replacing the defaults; malformed options fail the layer with a
 * `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<CurrentRetryPolicy, ConfigurationError> =>
  Layer.effect(CurrentRetryPolicy, make(options))

/**
 * Provides the policy that never retries.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerNone: Layer.Layer<CurrentRetryPolicy> = Layer.succeed(CurrentRetryPolicy, none)

/**
 * The schedule a policy stands for, fed with the failures of the call: jitter is applied before the cap, so that
 * `maxDelay` holds, and the rate-limited floor after it.
 *
 * @since 0.1.0
 * @category Schedules
 */
export const schedule = (policy: RetryPolicy): Schedule.Schedule<unknown, unknown> => {
  const backoff = Schedule.exponential(policy.base, policy.factor)
  const spread = policy.jitter ? Schedule.jittered(backoff) : backoff
  const capped = Schedule.modifyDelay(spread, (_, delay) => Duration.min(delay, policy.maxDelay))
  const counted = Schedule.intersect(capped, Schedule.recurs(policy.maxRetries))
  return Schedule.modifyDelay(
    Schedule.passthrough(counted),
    (error, delay) => isRateLimited(error) ? Duration.max(delay, policy.rateLimitedDelay) : delay
  )
}

// An error may cap the retries spent on it (`retryLimit`, such as a "please resubmit" answer worth one retry): a
// failure whose kind has been retried that many times in this call is final, whatever the policy allows.
const withinErrorLimits = () => {
  const retried = new Map<unknown, number>()
  return (error: unknown): boolean => {
    if (!Predicate.hasProperty(error, "retryLimit") || typeof error.retryLimit !== "number") return true
    const kind = Predicate.hasProperty(error, "_tag") ? error._tag : error
    const count = retried.get(kind) ?? 0
    retried.set(kind, count + 1)
    return count < error.retryLimit
  }
}

/**
 * Tells whether a failure may pass on a later try: only an error whose `retryable` flag is `true` (service
 * unavailable, rate limited, a network failure, a timeout, a 5xx, 408 or 429 status, a body that is not JSON or is
 * empty); anything else, including values that are not errors of this library, is final.
 *
 * @since 0.1.0
 * @category Guards
 */
export const isRetryable = (error: unknown): boolean =>
  Predicate.hasProperty(error, "retryable") && error.retryable === true

// The one place that knows which methods write: the name after the group starts with a verb that changes state,
// followed by the end of the name or the next camelCase word (so `settings` is not `set`). Unknown names read.
const WRITE_VERBS = [
  "post",
  "send",
  "add",
  "set",
  "delete",
  "remove",
  "edit",
  "create",
  "update",
  "join",
  "leave",
  "like",
  "unlike",
  "upload",
  "publish",
  "share",
  "comment",
  "commit",
  "invite",
  "mark",
  "hide",
  "unhide",
  "block",
  "unblock",
  "vote",
  "subscribe",
  "unsubscribe"
]
const WRITE_VERB = new RegExp(`^(?:${WRITE_VERBS.join("|")})(?:[A-Z0-9_]|$)`)
// Writes whose names start with no such verb.
const WRITE_METHODS: ReadonlySet<string> = new Set(["friends.appInvite"])

/**
 * Tells whether an API method changes state (OK.ru `mediatopic.post`, `users.setStatus`, `photosV2.commit`;
 * Mail.Ru `guestbook.post`, `stream.publish`, `messages.send`, `photos.upload`…), which makes repeating it unsafe
 * when its first answer was lost.
 *
 * @since 0.1.0
 * @category Guards
 */
export const isWrite = (method: string): boolean => {
  if (WRITE_METHODS.has(method)) return true
  const name = method.slice(Math.max(method.lastIndexOf("."), method.lastIndexOf("/")) + 1)
  return WRITE_VERB.test(name)
}

/**
 * Per-call settings of `apply` and `retry`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface CallOptions {
  /** Repeats this call even when it writes, whatever the policy says: for writes known to be idempotent. */
  readonly retryWrites?: boolean | undefined
}

/**
 * Runs `effect`, the call of API method `method`, again per the policy's schedule while it fails with a retryable
 * error; a write method runs once unless the policy or `options` allow repeating writes. Data-first
 * (`apply(effect, policy, method)`) or data-last (`effect.pipe(apply(policy, method))`).
 *
 * @since 0.1.0
 * @category Combinators
 */
export const apply: {
  /**
   * Runs the call, per `policy`, again while it fails with a retryable error (data-last).
   *
   * @since 0.1.0
   * @category Combinators
   */
  (
    policy: RetryPolicy,
    method: string,
    options?: CallOptions
  ): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Runs the call, per `policy`, again while it fails with a retryable error (data-first).
   *
   * @since 0.1.0
   * @category Combinators
   */
  <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    policy: RetryPolicy,
    method: string,
    options?: CallOptions
  ): Effect.Effect<A, E, R>
} = dual(
  // The options are optional, so the number of arguments cannot tell the two forms apart.
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    policy: RetryPolicy,
    method: string,
    options?: CallOptions
  ): Effect.Effect<A, E, R> => {
    if (policy.maxRetries === 0) return effect
    if (isWrite(method) && !(options?.retryWrites ?? policy.retryWrites)) return effect
    return Effect.suspend(() => {
      const withinLimits = withinErrorLimits()
      return Effect.retry(Effect.tapError(effect, (error) => logRetryable(method, error)), {
        schedule: scheduleOf(policy),
        while: (error) => isRetryable(error) && withinLimits(error)
      })
    })
  }
)

// Policies are immutable: each one's schedule is built once, not on every call.
const schedules = new WeakMap<RetryPolicy, Schedule.Schedule<unknown, unknown>>()

const scheduleOf = (policy: RetryPolicy): Schedule.Schedule<unknown, unknown> => {
  let found = schedules.get(policy)
  if (found === undefined) {
    found = schedule(policy)
    schedules.set(policy, found)
  }
  return found
}

// Errors of this library carry messages without secrets, so the message is what the log line says.
const logRetryable = (method: string, error: unknown) =>
  isRetryable(error)
    ? Effect.logDebug(`${method} failed and may be tried again: ${(error as { message?: string }).message ?? ""}`)
    : Effect.void

/**
 * Like `apply`, with the policy of `CurrentRetryPolicy`. Data-first (`retry(effect, method)`) or data-last
 * (`effect.pipe(retry(method))`).
 *
 * @since 0.1.0
 * @category Combinators
 */
export const retry: {
  /**
   * Like `apply`, with the policy of `CurrentRetryPolicy` (data-last).
   *
   * @since 0.1.0
   * @category Combinators
   */
  (method: string, options?: CallOptions): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /**
   * Like `apply`, with the policy of `CurrentRetryPolicy` (data-first).
   *
   * @since 0.1.0
   * @category Combinators
   */
  <A, E, R>(effect: Effect.Effect<A, E, R>, method: string, options?: CallOptions): Effect.Effect<A, E, R>
} = dual(
  (args) => Effect.isEffect(args[0]),
  <A, E, R>(effect: Effect.Effect<A, E, R>, method: string, options?: CallOptions): Effect.Effect<A, E, R> =>
    Effect.flatMap(CurrentRetryPolicy, (policy) => apply(effect, policy, method, options))
)
