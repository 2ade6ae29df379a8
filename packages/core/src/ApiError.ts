/**
 * Errors the APIs themselves answer with, classified so that a program can recover by tag.
 *
 * Both OK.ru and Mail.Ru answer errors with HTTP 200 and an error body; each package reads its own body shape and
 * classifies its own codes with one table, into these shared classes, so that the token refresh and retry
 * machinery of `@okmail/core` serves both APIs alike.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Which API answered: the short name its package gives it (`ok`, `mailru`), shown in brackets in messages.
 *
 * @since 0.1.0
 * @category Models
 */
export const Api = Schema.String

/**
 * Which API answered.
 *
 * @since 0.1.0
 * @category Models
 */
export type Api = typeof Api.Type

const fields = {
  api: Api,
  code: Schema.Number,
  description: Schema.String,
  data: Schema.optional(Schema.Unknown),
  method: Schema.String
}

const describe = (self: { api: Api; code: number; description: string; method: string }, what: string) =>
  `[${self.api}] ${what} (error ${self.code} in ${self.method}): ${self.description}`

/**
 * The access token has expired: refresh it and call again.
 *
 * @since 0.1.0
 * @category Errors
 */
export class SessionExpiredError extends Schema.TaggedError<SessionExpiredError>(
  "@okmail/core/SessionExpiredError"
)("SessionExpiredError", fields) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "session expired")
  }
}

/**
 * The session is not valid (revoked, unknown or required): authorize again.
 *
 * @since 0.1.0
 * @category Errors
 */
export class InvalidSessionError extends Schema.TaggedError<InvalidSessionError>(
  "@okmail/core/InvalidSessionError"
)("InvalidSessionError", fields) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "invalid session")
  }
}

/**
 * The server computed another signature: a wrong secret or a wrong circuit.
 *
 * @since 0.1.0
 * @category Errors
 */
export class BadSignatureError extends Schema.TaggedError<BadSignatureError>("@okmail/core/BadSignatureError")(
  "BadSignatureError",
  fields
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "bad signature")
  }
}

/**
 * The session may not do this: a missing scope, a private object, not the owner.
 *
 * @since 0.1.0
 * @category Errors
 */
export class PermissionDeniedError extends Schema.TaggedError<PermissionDeniedError>(
  "@okmail/core/PermissionDeniedError"
)("PermissionDeniedError", fields) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "permission denied")
  }
}

/**
 * Too many calls: back off and try later.
 *
 * @since 0.1.0
 * @category Errors
 */
export class RateLimitedError extends Schema.TaggedError<RateLimitedError>("@okmail/core/RateLimitedError")(
  "RateLimitedError",
  fields
) {
  /** @since 0.1.0 */
  readonly retryable = true
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "rate limit reached")
  }
}

/**
 * The service failed for a moment: try again with backoff.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ServiceUnavailableError extends Schema.TaggedError<ServiceUnavailableError>(
  "@okmail/core/ServiceUnavailableError"
)("ServiceUnavailableError", fields) {
  /** @since 0.1.0 */
  readonly retryable = true
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "service unavailable")
  }
}

/**
 * A parameter is missing or wrong.
 *
 * @since 0.1.0
 * @category Errors
 */
export class InvalidParameterError extends Schema.TaggedError<InvalidParameterError>(
  "@okmail/core/InvalidParameterError"
)("InvalidParameterError", fields) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "invalid parameter")
  }
}

/**
 * No such method.
 *
 * @since 0.1.0
 * @category Errors
 */
export class UnknownMethodError extends Schema.TaggedError<UnknownMethodError>("@okmail/core/UnknownMethodError")(
  "UnknownMethodError",
  fields
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "unknown method")
  }
}

/**
 * The API failed for a reason it does not give and asks for the request to be sent again (Mail.Ru's 1, "unknown
 * error, please resubmit the request"). It is worth one retry, not more: `retryLimit` caps what the retry policy
 * spends on it.
 *
 * @since 0.1.0
 * @category Errors
 */
export class TransientApiError extends Schema.TaggedError<TransientApiError>("@okmail/core/TransientApiError")(
  "TransientApiError",
  fields
) {
  /** @since 0.1.0 */
  readonly retryable = true
  /** @since 0.1.0 */
  readonly retryLimit = 1
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "unknown error, to be sent again")
  }
}

/**
 * The method is deprecated: it will not answer again, whatever the caller waits for.
 *
 * @since 0.1.0
 * @category Errors
 */
export class MethodDeprecatedError extends Schema.TaggedError<MethodDeprecatedError>(
  "@okmail/core/MethodDeprecatedError"
)("MethodDeprecatedError", fields) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "method deprecated")
  }
}

/**
 * The API does not know the application the call names (a wrong application id).
 *
 * @since 0.1.0
 * @category Errors
 */
export class ApplicationNotFoundError extends Schema.TaggedError<ApplicationNotFoundError>(
  "@okmail/core/ApplicationNotFoundError"
)("ApplicationNotFoundError", fields) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "application not found")
  }
}

/**
 * The session's user has not installed the application.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ApplicationNotInstalledError extends Schema.TaggedError<ApplicationNotInstalledError>(
  "@okmail/core/ApplicationNotInstalledError"
)("ApplicationNotInstalledError", fields) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "application not installed for this user")
  }
}

/**
 * Any other API error: the code and description say what.
 *
 * @since 0.1.0
 * @category Errors
 */
export class OtherApiError extends Schema.TaggedError<OtherApiError>("@okmail/core/OtherApiError")(
  "OtherApiError",
  fields
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return describe(this, "API error")
  }
}

/**
 * Any error an API answered with.
 *
 * @since 0.1.0
 * @category Errors
 */
export type ApiError =
  | SessionExpiredError
  | InvalidSessionError
  | BadSignatureError
  | PermissionDeniedError
  | RateLimitedError
  | ServiceUnavailableError
  | InvalidParameterError
  | UnknownMethodError
  | TransientApiError
  | MethodDeprecatedError
  | ApplicationNotFoundError
  | ApplicationNotInstalledError
  | OtherApiError

/**
 * The schema of every API error.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ApiError = Schema.Union(
  SessionExpiredError,
  InvalidSessionError,
  BadSignatureError,
  PermissionDeniedError,
  RateLimitedError,
  ServiceUnavailableError,
  InvalidParameterError,
  UnknownMethodError,
  TransientApiError,
  MethodDeprecatedError,
  ApplicationNotFoundError,
  ApplicationNotInstalledError,
  OtherApiError
)

/**
 * The class an error code falls into; a table from code to class is all an API needs to classify its errors.
 *
 * @since 0.1.0
 * @category Models
 */
export type ErrorClass = ApiError["_tag"]

const constructors: { readonly [K in ErrorClass]: new(args: typeof ApiErrorFields.Type) => ApiError } = {
  SessionExpiredError,
  InvalidSessionError,
  BadSignatureError,
  PermissionDeniedError,
  RateLimitedError,
  ServiceUnavailableError,
  InvalidParameterError,
  UnknownMethodError,
  TransientApiError,
  MethodDeprecatedError,
  ApplicationNotFoundError,
  ApplicationNotInstalledError,
  OtherApiError
}

const ApiErrorFields = Schema.Struct(fields)

/**
 * The fields every API error carries.
 *
 * @since 0.1.0
 * @category Models
 */
export type ApiErrorFields = typeof ApiErrorFields.Type

/**
 * Builds the error of the given class.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (errorClass: ErrorClass, args: ApiErrorFields): ApiError => new constructors[errorClass](args)

/**
 * Tells whether a value is an API error of either API.
 *
 * @since 0.1.0
 * @category Guards
 */
export const isApiError: (u: unknown) => u is ApiError = Schema.is(ApiError)
