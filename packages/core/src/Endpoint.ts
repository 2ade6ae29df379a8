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
