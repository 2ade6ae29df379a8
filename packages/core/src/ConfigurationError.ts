/**
 * A session or client that cannot work as configured: a missing secret, a malformed option.
 *
 * @since 0.1.0
 */
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
