/**
 * The checks both clients' settings share: endpoint URLs, the HTTP verb and the time limit. Each gives the
 * value to keep, or a `ConfigurationError` naming the option and what is wrong with it.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
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
 * The time limit of a request: a positive duration.
 *
 * @since 0.1.0
 * @category Validation
 */
export const timeout = (value: unknown): Either.Either<Duration.Duration, ConfigurationError> => {
  const decoded = Option.getOrUndefined(Duration.decodeUnknown(value))
  return decoded !== undefined && Duration.greaterThan(decoded, Duration.zero)
    ? Either.right(decoded)
    : Either.left(new ConfigurationError({ option: "timeout", detail: "not a positive duration" }))
}

/**
 * The settings a client shares with the other: its endpoint URLs (named by `urlKeys`), the HTTP verb and the
 * time limit.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Settings {
  readonly httpMethod: "POST" | "GET"
  readonly timeout: Duration.Duration
}

/**
 * Checks `options` and merges them over `defaults`: the URLs named by `urlKeys` with `url`, then `httpMethod`
 * and `timeout`; an option left `undefined` keeps its default. Options of other keys are the caller's.
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
  return Either.right(out)
}
