/**
 * The ways an authorization flow fails, shared by both APIs.
 *
 * None of them carries a login, a password, a code or a token: a URL is reduced to its origin and path.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { Api } from "./ApiError.js"

const apiName = (api: Api) => `[${api}]`

/**
 * The login or the password is wrong.
 *
 * @since 0.1.0
 * @category Errors
 */
export class WrongCredentialsError extends Schema.TaggedError<WrongCredentialsError>(
  "@okmail/core/WrongCredentialsError"
)("WrongCredentialsError", {
  api: Api,
  detail: Schema.optional(Schema.String)
}) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${apiName(this.api)} refused the login or password${this.detail ? `: ${this.detail}` : ""}`
  }
}

/**
 * The application (client id) is not known to the service.
 *
 * @since 0.1.0
 * @category Errors
 */
export class UnknownClientError extends Schema.TaggedError<UnknownClientError>("@okmail/core/UnknownClientError")(
  "UnknownClientError",
  { api: Api, clientId: Schema.String }
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${apiName(this.api)} does not know the application ${this.clientId}`
  }
}

/**
 * The user's account is blocked and must be recovered on the service's site.
 *
 * @since 0.1.0
 * @category Errors
 */
export class UserBlockedError extends Schema.TaggedError<UserBlockedError>("@okmail/core/UserBlockedError")(
  "UserBlockedError",
  { api: Api }
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${apiName(this.api)} has blocked this user's account; it must be recovered on the site`
  }
}

/**
 * The application may not authorize users (it is still in development, or disabled).
 *
 * @since 0.1.0
 * @category Errors
 */
export class AppNotAvailableError extends Schema.TaggedError<AppNotAvailableError>(
  "@okmail/core/AppNotAvailableError"
)("AppNotAvailableError", { api: Api, clientId: Schema.String }) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${apiName(this.api)} does not let application ${this.clientId} authorize users (still in development?)`
  }
}

/**
 * The user, or the service on the user's behalf, refused the access the application asked for.
 *
 * @since 0.1.0
 * @category Errors
 */
export class AccessDeniedError extends Schema.TaggedError<AccessDeniedError>("@okmail/core/AccessDeniedError")(
  "AccessDeniedError",
  { api: Api, detail: Schema.optional(Schema.String) }
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `Access denied by ${apiName(this.api)}${this.detail ? `: ${this.detail}` : ""}`
  }
}

/**
 * A login or permission page was not what the flow expects: the service changed its pages.
 *
 * @since 0.1.0
 * @category Errors
 */
export class LoginPageError extends Schema.TaggedError<LoginPageError>("@okmail/core/LoginPageError")(
  "LoginPageError",
  {
    api: Api,
    /** The page's origin and path, never its query. */
    url: Schema.String,
    step: Schema.String,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${apiName(this.api)} ${this.step}: the page at ${this.url} was not understood (${this.detail})`
  }
}

/**
 * A login or permission page sent the walk to a host it does not trust (a form posting elsewhere, a redirect to
 * another host or down to `http:`); nothing was sent there. If the service really moved its pages, add the
 * host to the API's `loginHosts` setting.
 *
 * @since 0.1.0
 * @category Errors
 */
export class UntrustedHostError extends Schema.TaggedError<UntrustedHostError>("@okmail/core/UntrustedHostError")(
  "UntrustedHostError",
  {
    api: Api,
    /** The refused URL's origin and path, never its query. */
    url: Schema.String,
    step: Schema.String,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${apiName(this.api)} ${this.step}: refused to send anything to ${this.url} (${this.detail})`
  }
}

/**
 * The OAuth server answered `{ error, error_description }`.
 *
 * @since 0.1.0
 * @category Errors
 */
export class OAuthError extends Schema.TaggedError<OAuthError>("@okmail/core/OAuthError")("OAuthError", {
  api: Api,
  error: Schema.String,
  errorDescription: Schema.optional(Schema.String),
  status: Schema.Number,
  endpoint: Schema.String
}) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${apiName(this.api)} OAuth ${this.endpoint} answered ${this.error}${
      this.errorDescription ? `: ${this.errorDescription}` : ""
    } (HTTP ${this.status})`
  }
}

/**
 * Any failure of an authorization flow that is not a transport failure.
 *
 * @since 0.1.0
 * @category Errors
 */
export type AuthError =
  | WrongCredentialsError
  | UnknownClientError
  | UserBlockedError
  | AppNotAvailableError
  | AccessDeniedError
  | LoginPageError
  | UntrustedHostError
  | OAuthError

/**
 * The schema of every authorization failure.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const AuthError = Schema.Union(
  WrongCredentialsError,
  UnknownClientError,
  UserBlockedError,
  AppNotAvailableError,
  AccessDeniedError,
  LoginPageError,
  UntrustedHostError,
  OAuthError
)
