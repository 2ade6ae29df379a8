/**
 * A result that does not have the shape a typed method promises.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Api } from "./ApiError.js"

/**
 * The API answered, but not with what the typed method decodes: `detail` says which field did not match. The
 * untyped `call` of the same method still returns the value as it came.
 *
 * @since 0.1.0
 * @category Errors
 */
export class UnexpectedResultError extends Schema.TaggedError<UnexpectedResultError>(
  "@okmail/core/UnexpectedResultError"
)("UnexpectedResultError", {
  api: Api,
  method: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `[${this.api}] ${this.method} answered with an unexpected result: ${this.detail}`
  }
}
