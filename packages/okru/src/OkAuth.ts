/**
 * The OK.ru authorization flows, as plain Effects returning a `Token`: the authorize-URL builder, the
 * authorization-code grant, the implicit flow through the login and permission pages, the password session
 * (`auth.login`) and the refresh-token grant. Each is usable without any session layer, e.g. in the OAuth
 * callback of a web server.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ApiError from "@okmail/core/ApiError"
import * as Auth from "@okmail/core/Auth"
import {
  type AccessDeniedError,
  LoginPageError,
  type OAuthError,
  UnknownClientError,
  type UntrustedHostError,
  WrongCredentialsError
} from "@okmail/core/AuthError"
import { ConfigurationError, isSecret, requireSecret, requireText, requireUrl } from "@okmail/core/ConfigurationError"
import { UnexpectedResultError } from "@okmail/core/ResultError"
import * as Settings from "@okmail/core/Settings"
import * as Token from "@okmail/core/Token"
import type { TransportError } from "@okmail/core/TransportError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { OkConfig } from "./OkConfig.js"
import * as OkError from "./OkError.js"
import * as OkSigner from "./OkSigner.js"

/**
 * The redirect URI of the implicit flow on OK.ru's own blank page, as aiookru uses it.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const blankRedirectUri = "https://oauth.mycdn.me/blank.html"

/**
 * The scopes (permissions) an application may ask for; any other string is passed as it is.
 *
 * @since 0.1.0
 * @category Models
 */
export type Scope =
  | "VALUABLE_ACCESS"
  | "LONG_ACCESS_TOKEN"
  | "PHOTO_CONTENT"
  | "GROUP_CONTENT"
  | "VIDEO_CONTENT"
  | "APP_INVITE"
  | "GET_EMAIL"
  | "SET_STATUS"
  | (string & {})

/**
 * The options of the authorization page URL.
 *
 * @since 0.1.0
 * @category Models
 */
export interface AuthorizeUrlOptions {
  readonly applicationId: string
  readonly redirectUri: string
  readonly scopes?: ReadonlyArray<Scope> | undefined
  /** `code` (the default) for the authorization-code grant, `token` for the implicit flow. */
  readonly responseType?: "code" | "token" | undefined
  /** `w` (web, the default), `m` (mobile) or `a` (application). */
  readonly layout?: "w" | "m" | "a" | undefined
  readonly state?: string | undefined
}

/**
 * The URL of the authorization page: scopes joined by `;`, the state, the layout and the response type.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const authorizeUrl = Effect.fn("OkAuth.authorizeUrl")(function*(options: AuthorizeUrlOptions) {
  const config = yield* OkConfig
  return yield* Auth.authorizeUrl(config.authorizeUrl, {
    client_id: options.applicationId,
    scope: options.scopes?.join(";"),
    response_type: options.responseType ?? "code",
    redirect_uri: options.redirectUri,
    layout: options.layout ?? "w",
    state: options.state
  }, { clientId: "applicationId" })
})

/**
 * The options of the authorization-code grant.
 *
 * @since 0.1.0
 * @category Models
 */
export interface CodeOptions {
  readonly applicationId: string
  readonly applicationSecretKey: Redacted.Redacted<string>
  readonly code: Redacted.Redacted<string>
  readonly redirectUri: string
}

/**
 * What the code and refresh grants can fail with: the application refused (`UnknownClientError`), the code or
 * refresh token refused (`OAuthError` with its raw `error`), an answer without a token, the transport, the options.
 *
 * @since 0.1.0
 * @category Errors
 */
export type GrantError = Auth.GrantError | ConfigurationError

/**
 * Exchanges an authorization code for a token at `/oauth/token.do`, with the raw application secret key as the
 * client secret.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const authorizationCode: (
  options: CodeOptions
) => Effect.Effect<Token.Token, GrantError, HttpClient.HttpClient> = Effect.fn("OkAuth.authorizationCode")(
  function*(options: CodeOptions) {
    const config = yield* OkConfig
    yield* requireUrl("redirectUri", options.redirectUri)
    return yield* Auth.grant({
      api: "ok",
      url: config.tokenUrl,
      grantType: "authorization_code",
      clientId: yield* requireText("applicationId", options.applicationId),
      timeout: config.timeout,
      fields: {
        code: yield* requireSecret("code", options.code),
        client_id: options.applicationId,
        client_secret: yield* requireSecret("applicationSecretKey", options.applicationSecretKey),
        redirect_uri: options.redirectUri
      }
    })
  }
)

/**
 * The application's side of the refresh-token grant.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RefreshGrant {
  readonly applicationId: string
  readonly applicationSecretKey: Redacted.Redacted<string>
}

/**
 * The options of the refresh-token grant. `keep` is the token being renewed: what the answer omits (OK.ru sends
 * no new refresh token) is kept from it.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RefreshOptions {
  readonly applicationId: string
  readonly applicationSecretKey: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
  readonly keep?: Token.Token | undefined
}

/**
 * Renews a token with the refresh-token grant; the refresh token stays the same, as OK.ru sends no new one.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const refresh: (
  options: RefreshOptions
) => Effect.Effect<Token.Token, GrantError, HttpClient.HttpClient> = Effect.fn("OkAuth.refresh")(
  function*(options: RefreshOptions) {
    const config = yield* OkConfig
    const keep = options.keep ?? new Token.Token({ accessToken: Redacted.make(""), refreshToken: options.refreshToken })
    return yield* Auth.grant({
      api: "ok",
      url: config.tokenUrl,
      grantType: "refresh_token",
      clientId: yield* requireText("applicationId", options.applicationId),
      timeout: config.timeout,
      fields: {
        refresh_token: yield* requireSecret("refreshToken", options.refreshToken),
        client_id: options.applicationId,
        client_secret: yield* requireSecret("applicationSecretKey", options.applicationSecretKey)
      },
      keep: new Token.Token({ ...keep, refreshToken: options.refreshToken })
    })
  }
)

/**
 * The options of the password session: the application's public key, its secret key when the application
 * signs `auth.login` (no signature is sent without it), and the user's login and password.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PasswordOptions {
  readonly applicationKey: string
  readonly applicationSecretKey?: Redacted.Redacted<string> | undefined
  readonly login: string
  readonly password: Redacted.Redacted<string>
}

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined

/**
 * What the password session can fail with: the login refused, any other API error, a login answer without a
 * session, the transport, the options.
 *
 * @since 0.1.0
 * @category Errors
 */
export type PasswordError =
  | WrongCredentialsError
  | ApiError.ApiError
  | TransportError
  | ConfigurationError
  | UnexpectedResultError

/**
 * Logs in with `auth.login`: the answer's `session_key` is the access token and its `session_secret_key` signs
 * from then on (client-server circuit). A refused login (codes 401–403) is a `WrongCredentialsError`.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const password: (
  options: PasswordOptions
) => Effect.Effect<Token.Token, PasswordError, HttpClient.HttpClient> = Effect.fn("OkAuth.password")(
  function*(options: PasswordOptions) {
    const config = yield* OkConfig
    const method = "auth.login"
    yield* requireText("applicationKey", options.applicationKey)
    const fields = {
      method,
      user_name: yield* requireText("login", options.login),
      password: yield* requireSecret("password", options.password),
      verification_supported: "1",
      verification_supported_v: "1"
    }
    const secret = options.applicationSecretKey
    const params = isSecret(secret)
      ? yield* OkSigner.make({
        applicationKey: options.applicationKey,
        circuit: "application",
        applicationSecretKey: secret
      }).sign(fields, Option.none())
      : { ...fields, application_key: options.applicationKey, format: "json" }
    const { body } = yield* Auth.post({ api: "ok", method, url: config.apiUrl, params, timeout: config.timeout })
    const error = OkError.fromBody(body, method)
    if (Option.isSome(error)) {
      if (OkError.loginRefusedCodes.has(error.value.code)) {
        return yield* new WrongCredentialsError({ api: "ok", detail: error.value.description })
      }
      return yield* error.value
    }
    const record = Auth.isRecord(body) ? body : {}
    const sessionKey = str(record["session_key"])
    const sessionSecretKey = str(record["session_secret_key"])
    if (sessionKey === undefined || sessionSecretKey === undefined) {
      return yield* new UnexpectedResultError({
        api: "ok",
        method,
        detail: "the answer holds no session_key and session_secret_key"
      })
    }
    const userId = str(record["uid"])
    return new Token.Token({
      accessToken: Redacted.make(sessionKey),
      sessionSecretKey: Redacted.make(sessionSecretKey),
      ...(userId === undefined ? {} : { userId })
    })
  }
)

/**
 * The options of the implicit flow.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ImplicitOptions {
  readonly applicationId: string
  readonly login: string
  readonly password: Redacted.Redacted<string>
  readonly scopes?: ReadonlyArray<Scope> | undefined
  readonly redirectUri?: string | undefined
  readonly state?: string | undefined
}

/**
 * The errors of the implicit flow.
 *
 * @since 0.1.0
 * @category Errors
 */
export type ImplicitError =
  | WrongCredentialsError
  | AccessDeniedError
  | UnknownClientError
  | OAuthError
  | LoginPageError
  | UntrustedHostError
  | TransportError
  | ConfigurationError

const LOGIN_FIELDS = ["fr.email", "fr.password"]
const PERMISSION_FIELDS = ["fr.token", "button_accept_request"]
const MAX_PAGES = 8

const pageCommand = (page: Auth.Page): string | undefined =>
  page.url.searchParams.get("st.cmd") ?? /st\.cmd=([A-Za-z0-9]+)/.exec(page.body)?.[1]

// What to do on each of OK.ru's pages: the login form (once), the permission form (once), the redirect.
const step = (options: ImplicitOptions, password: string) =>
(page: Auth.Page, posted: ReadonlySet<string>): Effect.Effect<Auth.Step, ImplicitError> => {
  if (page.stopped) {
    return Effect.map(
      Auth.fromRedirect(page, {
        api: "ok",
        clientId: options.applicationId,
        state: options.state,
        scopes: options.scopes,
        scopesField: "permissions_granted"
      }),
      Auth.done
    )
  }
  const where = Settings.redactUrl(page.url)
  const stepName = posted.has("login") ? "after login" : "authorize"
  if (page.status >= 400) {
    if (!posted.has("login") && /client|application|приложени/i.test(page.body)) {
      return Effect.fail(new UnknownClientError({ api: "ok", clientId: options.applicationId }))
    }
    return Effect.fail(
      new LoginPageError({ api: "ok", url: where, step: stepName, detail: `HTTP status ${page.status}` })
    )
  }
  const loginForm = Auth.findForm(page, LOGIN_FIELDS)
  if (Option.isSome(loginForm) || (posted.has("login") && pageCommand(page) === "OAuth2Login")) {
    if (posted.has("login")) {
      return Effect.fail(new WrongCredentialsError({ api: "ok", detail: "the login page was shown again" }))
    }
    if (Option.isSome(loginForm)) {
      return Effect.succeed(
        Auth.submit("login", loginForm.value, { fill: { "fr.email": options.login, "fr.password": password } })
      )
    }
  }
  const permissionForm = Auth.findForm(page, PERMISSION_FIELDS)
  if (Option.isSome(permissionForm) && !posted.has("permission")) {
    return Effect.succeed(Auth.submit("permission", permissionForm.value, { button: "button_accept_request" }))
  }
  return Effect.fail(
    new LoginPageError({
      api: "ok",
      url: where,
      step: stepName,
      detail: posted.has("permission")
        ? "the permission page did not lead to the redirect URI"
        : "neither the login form nor the permission form is on the page"
    })
  )
}

/**
 * Logs in with the user's login and password through OK.ru's login and permission pages, as aiookru's
 * `ImplicitSession` does, and reads the token from the fragment of the final redirect: the access token, the
 * session secret key, the lifetime and the state. Each page has the configured time limit, the whole walk twice
 * that; the walk sends requests only to the configured `loginHosts` (and the authorize URL's own origin), so a
 * page that would post the password elsewhere is an `UntrustedHostError`.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const implicit: (
  options: ImplicitOptions
) => Effect.Effect<Token.Token, ImplicitError, HttpClient.HttpClient> = Effect.fn("OkAuth.implicit")(
  function*(options: ImplicitOptions) {
    const config = yield* OkConfig
    const redirectUri = yield* requireUrl("redirectUri", options.redirectUri ?? blankRedirectUri)
    yield* requireText("login", options.login)
    const password = yield* requireSecret("password", options.password)
    const start = yield* authorizeUrl({
      applicationId: options.applicationId,
      redirectUri: redirectUri.href,
      scopes: options.scopes,
      responseType: "token",
      layout: "w",
      state: options.state
    })
    return yield* Auth.walk({
      api: "ok",
      start,
      redirectUri,
      maxPages: MAX_PAGES,
      timeout: config.timeout,
      loginHosts: config.loginHosts,
      step: step(options, password)
    })
  }
)
