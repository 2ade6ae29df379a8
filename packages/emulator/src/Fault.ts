/**
 * The faults the emulator can inject into the next calls of a method or endpoint, to show how a client copes
 * with what real services and the networks between do now and then.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"

/**
 * An API error answered in the API's own shape: OK's flat body with `Invocation-Error`, Mail.Ru's nested one.
 * On an OAuth endpoint it becomes `{ error: "server_error" }`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ApiError {
  readonly _tag: "ApiError"
  readonly code: number
  readonly message?: string | undefined
}

/**
 * An OAuth error body `{ error, error_description }` with an HTTP status (400 unless given).
 *
 * @since 0.1.0
 * @category Models
 */
export interface OAuthError {
  readonly _tag: "OAuthError"
  readonly error: string
  readonly description?: string | undefined
  readonly status?: number | undefined
}

/**
 * An answer with this HTTP status and a short HTML body, as a proxy or a failing front end gives.
 *
 * @since 0.1.0
 * @category Models
 */
export interface HttpStatus {
  readonly _tag: "HttpStatus"
  readonly status: number
}

/**
 * An HTML page with status 200 where JSON was due.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Html {
  readonly _tag: "Html"
}

/**
 * A JSON body cut off halfway.
 *
 * @since 0.1.0
 * @category Models
 */
export interface MalformedJson {
  readonly _tag: "MalformedJson"
}

/**
 * An empty body with status 200.
 *
 * @since 0.1.0
 * @category Models
 */
export interface EmptyBody {
  readonly _tag: "EmptyBody"
}

/**
 * The answer comes after this long, by the emulator's clock (a `TestClock` in tests).
 *
 * @since 0.1.0
 * @category Models
 */
export interface Delay {
  readonly _tag: "Delay"
  readonly duration: Duration.DurationInput
}

/**
 * The connection is dropped without an answer.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Disconnect {
  readonly _tag: "Disconnect"
}

/**
 * Any fault.
 *
 * @since 0.1.0
 * @category Models
 */
export type Fault = ApiError | OAuthError | HttpStatus | Html | MalformedJson | EmptyBody | Delay | Disconnect

/**
 * An API error with this code.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const apiError = (code: number, message?: string): ApiError => ({ _tag: "ApiError", code, message })

/**
 * An OAuth error.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const oauthError = (error: string, description?: string, status?: number): OAuthError => ({
  _tag: "OAuthError",
  error,
  description,
  status
})

/**
 * An answer with this HTTP status.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const httpStatus = (status: number): HttpStatus => ({ _tag: "HttpStatus", status })

/**
 * An HTML page where JSON was due.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const html: Html = { _tag: "Html" }

/**
 * A JSON body cut off halfway.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const malformedJson: MalformedJson = { _tag: "MalformedJson" }

/**
 * An empty body.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const emptyBody: EmptyBody = { _tag: "EmptyBody" }

/**
 * An answer after this long.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const delay = (duration: Duration.DurationInput): Delay => ({ _tag: "Delay", duration })

/**
 * A dropped connection.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const disconnect: Disconnect = { _tag: "Disconnect" }
