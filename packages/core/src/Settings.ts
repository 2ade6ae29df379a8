/**
 * The settings every API's client has — its endpoint URLs, the HTTP verb, the time limit and the largest body it
 * reads — and their checks: each gives the value to keep, or a `ConfigurationError` naming the option and what is
 * wrong with it.
 *
 * The rule: whatever is provided to a client's layer applies to its calls, and a session built on a flow hands
 * its client the settings its flows ran with (see `reconcile`).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import type * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { ConfigurationError } from "./ConfigurationError.js"
import * as Url from "./internal/url.js"

/**
 * A URL as errors, logs and spans may show it: origin and path, without the query or fragment where tokens and
 * signatures travel.
 *
 * @since 0.1.0
 * @category Redaction
 */
export const redactUrl: (url: string | URL) => string = Url.redactUrl

/**
 * An endpoint URL: absolute `http:` or `https:`, without query, fragment or credentials; kept without trailing
 * slashes.
 *
 * @since 0.1.0
 * @category Validation
 */
export const url = (option: string, value: string): Either.Either<string, ConfigurationError> => {
  const fail = (detail: string) => Either.left(new ConfigurationError({ option, detail }))
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    return fail("not an absolute URL")
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return fail(`the scheme ${parsed.protocol} is not HTTP`)
  if (parsed.search !== "" || parsed.hash !== "") return fail("an endpoint URL takes no query or fragment")
  if (parsed.username !== "" || parsed.password !== "") return fail("an endpoint URL takes no credentials")
  return Either.right(value.replace(/\/+$/, ""))
}

/**
 * The HTTP verb of API calls: `POST` or `GET`.
 *
 * @since 0.1.0
 * @category Validation
 */
export const httpMethod = (value: unknown): Either.Either<"POST" | "GET", ConfigurationError> =>
  value === "POST" || value === "GET"
    ? Either.right(value)
    : Either.left(new ConfigurationError({ option: "httpMethod", detail: `${String(value)} is not POST or GET` }))

/**
 * The longest time limit, about 24.8 days: timers count in signed 32-bit milliseconds, a longer delay overflows
 * (Node then fires it at once) and an infinite one never fires.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const maxTimeout: Duration.Duration = Duration.millis(2 ** 31 - 1)

/**
 * The time limit of a request: a positive duration of at most `maxTimeout` (so never an infinite one, which
 * would let a call wait forever).
 *
 * @since 0.1.0
 * @category Validation
 */
export const timeout = (value: unknown): Either.Either<Duration.Duration, ConfigurationError> => {
  const decoded = Option.getOrUndefined(Duration.decodeUnknown(value))
  if (decoded === undefined || !Duration.greaterThan(decoded, Duration.zero)) {
    return Either.left(new ConfigurationError({ option: "timeout", detail: "not a positive duration" }))
  }
  return Duration.lessThanOrEqualTo(decoded, maxTimeout) ? Either.right(decoded) : Either.left(
    new ConfigurationError({
      option: "timeout",
      detail: `longer than ${Duration.toMillis(maxTimeout)} ms, the longest time limit a timer can keep`
    })
  )
}

/**
 * The largest body a client reads when its settings name none: 16 MiB, far above any answer of either API.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaultMaxBodyBytes: number = 16 * 1024 * 1024

/**
 * The largest body a client reads, in bytes: a positive whole number.
 *
 * @since 0.1.0
 * @category Validation
 */
export const maxBodyBytes = (value: unknown): Either.Either<number, ConfigurationError> =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0
    ? Either.right(value)
    : Either.left(new ConfigurationError({ option: "maxBodyBytes", detail: "not a positive whole number of bytes" }))

/**
 * The settings every API's client has: the HTTP verb of its calls, their time limit and the largest body they
 * read (`defaultMaxBodyBytes` when absent); its endpoint URLs are its own.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Settings {
  readonly httpMethod: "POST" | "GET"
  readonly timeout: Duration.Duration
  readonly maxBodyBytes?: number | undefined
}

/**
 * Checks `options` and merges them over `defaults`: the URLs named by `urlKeys` with `url`, then `httpMethod`,
 * `timeout` and `maxBodyBytes`; an option left `undefined` keeps its default. Options of other keys are the
 * caller's.
 *
 * @since 0.1.0
 * @category Validation
 */
export const merge = <S extends Settings, K extends keyof S & string>(
  defaults: S,
  urlKeys: ReadonlyArray<K>,
  options: { readonly [P in K]?: string | undefined } & {
    readonly httpMethod?: unknown
    readonly timeout?: unknown
    readonly maxBodyBytes?: unknown
  }
): Either.Either<S, ConfigurationError> => {
  const out = { ...defaults }
  for (const key of urlKeys) {
    const value = options[key]
    if (value === undefined) continue
    const checked = url(key, value)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    ;(out as Record<K, string>)[key] = checked.right
  }
  if (options.httpMethod !== undefined) {
    const checked = httpMethod(options.httpMethod)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    ;(out as { httpMethod: "POST" | "GET" }).httpMethod = checked.right
  }
  if (options.timeout !== undefined) {
    const checked = timeout(options.timeout)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    ;(out as { timeout: Duration.Duration }).timeout = checked.right
  }
  if (options.maxBodyBytes !== undefined) {
    const checked = maxBodyBytes(options.maxBodyBytes)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    ;(out as { maxBodyBytes: number }).maxBodyBytes = checked.right
  }
  return Either.right(out)
}

/**
 * Whether two settings values hold the same settings, field by field.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const same = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const key of keys) {
    if (!Equal.equals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false
  }
  return true
}

/**
 * The settings a client holds: its own when provided, the session's flows' when not; a session whose flows ran
 * with other settings than the ones provided to its client is a `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const reconcile = <C>(
  own: C,
  ownIsDefault: boolean,
  session: Option.Option<unknown>
): Either.Either<C, ConfigurationError> => {
  if (Option.isNone(session) || session.value === undefined) return Either.right(own)
  if (ownIsDefault) return Either.right(session.value as C)
  return same(own, session.value) ? Either.right(own) : Either.left(
    new ConfigurationError({
      option: "config",
      detail: "the session's flows ran with other endpoints than its client's: provide the settings to the layer " +
        "that holds both the client and its session"
    })
  )
}

/**
 * An optional setting read from a `Config`: `undefined` when absent, so that its default applies.
 *
 * @since 0.1.0
 * @category Config
 */
export const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

/**
 * Provides an API's settings read from `config` and checked by `make`: a missing variable is a `ConfigError`, a
 * malformed value a `ConfigurationError`, both when the layer is built.
 *
 * @since 0.1.0
 * @category Config
 */
export const layerConfig = <I, C, O>(
  tag: Context.Tag<I, C>,
  make: (options: O) => Either.Either<C, ConfigurationError>,
  config: Config.Config<O>
): Layer.Layer<I, ConfigurationError | ConfigError.ConfigError> =>
  Layer.effect(tag, Effect.flatMap(config, make))
