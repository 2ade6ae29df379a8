/**
 * A session or client that cannot work as configured: a missing secret, a malformed option.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

/**
 * The configuration cannot work: `option` names what to fix, `detail` says why. Raised when a layer is built,
 * never when a module is imported.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>("@okmail/core/ConfigurationError")(
  "ConfigurationError",
  {
    option: Schema.String,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `Invalid configuration of ${this.option}: ${this.detail}`
  }
}

/**
 * A request parameter that has no wire form (a function, a symbol, a non-finite number, a cyclic object).
 *
 * @since 0.1.0
 * @category Errors
 */
export class ParamsError extends Schema.TaggedError<ParamsError>("@okmail/core/ParamsError")("ParamsError", {
  key: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `Request parameter "${this.key}" cannot be sent: ${this.detail}`
  }
}

/**
 * The option's value when it is a non-empty string; a `ConfigurationError` naming the option otherwise.
 *
 * @since 0.1.0
 * @category Validation
 */
export const requireText = (option: string, value: string | undefined): Effect.Effect<string, ConfigurationError> =>
  typeof value === "string" && value.trim() !== ""
    ? Effect.succeed(value)
    : Effect.fail(new ConfigurationError({ option, detail: "must be a non-empty string" }))

/**
 * The raw value of a secret option, which must be a non-empty `Redacted` string; the error names the option,
 * never the value.
 *
 * @since 0.1.0
 * @category Validation
 */
export const requireSecret = (
  option: string,
  value: Redacted.Redacted<string> | undefined
): Effect.Effect<string, ConfigurationError> => {
  if (value === undefined || !Redacted.isRedacted(value)) {
    return Effect.fail(new ConfigurationError({ option, detail: "must be given as a Redacted string" }))
  }
  const raw = Redacted.value(value)
  return typeof raw === "string" && raw !== ""
    ? Effect.succeed(raw)
    : Effect.fail(new ConfigurationError({ option, detail: "must be a non-empty secret" }))
}

/**
 * The option's value as a URL when it is an absolute `http:` or `https:` URL; a `ConfigurationError` otherwise.
 *
 * @since 0.1.0
 * @category Validation
 */
export const requireUrl = (option: string, value: string | undefined): Effect.Effect<URL, ConfigurationError> => {
  try {
    const url = new URL(value ?? "")
    if (url.protocol === "http:" || url.protocol === "https:") return Effect.succeed(url)
  } catch {
    // reported below
  }
  return Effect.fail(new ConfigurationError({ option, detail: "must be an absolute http(s) URL" }))
}

/**
 * Whether a secret option was given as a non-empty `Redacted` string.
 *
 * @since 0.1.0
 * @category Validation
 */
export const isSecret = (value: Redacted.Redacted<string> | undefined): value is Redacted.Redacted<string> =>
  value !== undefined && Redacted.isRedacted(value) && Redacted.value(value) !== ""
