/**
 * The Mail.Ru authorization flows, each a plain Effect returning a `Token` (with `userId` = `x_mailru_vid`),
 * usable without any session layer: the authorize-URL builder, the authorization-code grant, the implicit flow
 * through the login and permission pages, the password grant and the refresh-token grant.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Auth from "@okmail/core/Auth"
import {
  type AccessDeniedError,
  AppNotAvailableError,
  LoginPageError,
  type OAuthError,
  UnknownClientError,
  type UntrustedHostError,
  UserBlockedError,
  WrongCredentialsError
} from "@okmail/core/AuthError"
import { ConfigurationError, requireSecret, requireText, requireUrl } from "@okmail/core/ConfigurationError"
import * as Settings from "@okmail/core/Settings"
import type * as Token from "@okmail/core/Token"
import { StatusError } from "@okmail/core/TransportError"
import type { TransportError } from "@okmail/core/TransportError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { MailRuConfig } from "./MailRuConfig.js"

/**
 * The permissions an application can ask for.
 *
 * @since 0.1.0
 * @category Models
 */
export type Scope = "photos" | "guestbook" | "stream" | "messages" | "events"

/**
 * The redirect URI of the implicit flow for applications without a site of their own.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaultRedirectUri = "http://connect.mail.ru/oauth/success.html"

/**
 * Any failure of a flow that talks to the OAuth server or walks its pages.
 *
 * @since 0.1.0
 * @category Errors
 */
export type FlowError =
  | AccessDeniedError
  | AppNotAvailableError
  | LoginPageError
  | OAuthError
  | UnknownClientError
  | UntrustedHostError
  | UserBlockedError
  | WrongCredentialsError
  | TransportError
  | ConfigurationError

/**
 * What the code, password and refresh grants can fail with: the application refused (`UnknownClientError`), a
 * wrong e-mail or password (`WrongCredentialsError`), a blocked user (`UserBlockedError`), the code or refresh
 * token refused (`OAuthError` with its raw `error`), an answer without a token, the transport, the options.
 *
 * @since 0.1.0
 * @category Errors
 */
export type GrantError = Auth.GrantError | ConfigurationError

/**
 * What the authorize URL asks for.
 *
 * @since 0.1.0
 * @category Models
 */
export interface AuthorizeUrlOptions {
  readonly appId: string
  readonly responseType: "code" | "token"
  /** Defaults to `defaultRedirectUri`. */
  readonly redirectUri?: string | undefined
  readonly scope?: ReadonlyArray<Scope | (string & {})> | undefined
  readonly state?: string | undefined
}

const scopeString = (scope: ReadonlyArray<string> | undefined) =>
  scope === undefined ? undefined : scope.filter((s) => s !== "").join(" ")

/**
 * The authorization page's URL: `client_id`, `response_type`, `redirect_uri`, the scopes joined by spaces and the
 * state, on the configured `authorizeUrl`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const authorizeUrl = (options: AuthorizeUrlOptions): Effect.Effect<string, ConfigurationError> =>
  Effect.flatMap(MailRuConfig, (config) =>
    Auth.authorizeUrl(config.authorizeUrl, {
      client_id: options.appId,
      response_type: options.responseType,
      redirect_uri: options.redirectUri ?? defaultRedirectUri,
      scope: scopeString(options.scope),
      state: options.state
    }, { clientId: "appId" }))

/**
 * What the authorization-code grant needs: the application, its secret key (the `client_secret`), the code and
 * the redirect URI the code was issued for.
 *
 * @since 0.1.0
 * @category Models
 */
export interface AuthorizationCodeOptions {
  readonly appId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly code: Redacted.Redacted<string>
  readonly redirectUri: string
}

const grant = (
  grantType: Auth.GrantOptions["grantType"],
  url: (config: MailRuConfig["Type"]) => string,
  fields: Record<string, string>,
  options: { readonly keep?: Token.Token | undefined; readonly scopes?: ReadonlyArray<string> | undefined } = {}
) =>
  Effect.flatMap(MailRuConfig, (config) =>
    Auth.grant({
      api: "mailru",
      url: url(config),
      grantType,
      fields,
      clientId: fields["client_id"] ?? "",
      timeout: config.timeout,
      userIdField: "x_mailru_vid",
      keep: options.keep,
      scopes: options.scopes
    }))

/**
 * Exchanges an authorization code for a token at the configured `codeTokenUrl`.
 *
 * @since 0.1.0
 * @category Flows
 */
export const authorizationCode: (
  options: AuthorizationCodeOptions
) => Effect.Effect<Token.Token, GrantError, HttpClient.HttpClient> =
  Effect.fn("MailRuAuth.authorizationCode")(function*(options: AuthorizationCodeOptions) {
    const appId = yield* requireText("appId", options.appId)
    const redirectUri = yield* requireText("redirectUri", options.redirectUri)
    const fields = {
      client_id: appId,
      client_secret: yield* requireSecret("secretKey", options.secretKey),
      code: yield* requireSecret("code", options.code),
      redirect_uri: redirectUri
    }
    return yield* grant("authorization_code", (c) => c.codeTokenUrl, fields)
  })

/**
 * What the password grant needs: the application, its secret key, the user's e-mail and password, the scopes.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PasswordOptions {
  readonly appId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly email: string
  readonly password: Redacted.Redacted<string>
  readonly scope?: ReadonlyArray<Scope | (string & {})> | undefined
}

/**
 * Gets a token for the user's e-mail and password at the configured `tokenUrl` (a grant Mail.Ru enables per
 * application on request).
 *
 * @since 0.1.0
 * @category Flows
 */
export const password: (
  options: PasswordOptions
) => Effect.Effect<Token.Token, GrantError, HttpClient.HttpClient> =
  Effect.fn("MailRuAuth.password")(function*(options: PasswordOptions) {
    const fields: Record<string, string> = {
      client_id: yield* requireText("appId", options.appId),
      client_secret: yield* requireSecret("secretKey", options.secretKey),
      username: yield* requireText("email", options.email),
      password: yield* requireSecret("password", options.password)
    }
    const scope = scopeString(options.scope)
    if (scope !== undefined) fields["scope"] = scope
    return yield* grant("password", (c) => c.tokenUrl, fields, { scopes: options.scope })
  })

/**
 * What the refresh-token grant needs: the application, its secret key and the refresh token; `keep` is the token
 * being renewed, whose user id and scopes carry over when the answer omits them.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RefreshOptions {
  readonly appId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
  readonly keep?: Token.Token | undefined
}

/**
 * Renews a token at the configured `tokenUrl`. Mail.Ru answers with a new refresh token, which the returned
 * token holds; the old one should be forgotten.
 *
 * @since 0.1.0
 * @category Flows
 */
export const refresh: (
  options: RefreshOptions
) => Effect.Effect<Token.Token, GrantError, HttpClient.HttpClient> =
  Effect.fn("MailRuAuth.refresh")(function*(options: RefreshOptions) {
    const fields = {
      client_id: yield* requireText("appId", options.appId),
      client_secret: yield* requireSecret("secretKey", options.secretKey),
      refresh_token: yield* requireSecret("refreshToken", options.refreshToken)
    }
    return yield* grant("refresh_token", (c) => c.tokenUrl, fields, { keep: options.keep })
  })

/**
 * What the implicit flow needs: the application, the user's e-mail (its local part and domain fill the login
 * form) and password, the scopes, and the redirect URI (`defaultRedirectUri` unless given).
 *
 * @since 0.1.0
 * @category Models
 */
export interface ImplicitOptions {
  readonly appId: string
  readonly email: string
  readonly password: Redacted.Redacted<string>
  readonly scope?: ReadonlyArray<Scope | (string & {})> | undefined
  readonly redirectUri?: string | undefined
}

// Page texts the flow recognizes; the login page itself carries the permission heading too, so forms decide.
const TEXT_UNKNOWN_CLIENT = "Не указано приложение"
const TEXT_IN_DEVELOPMENT = "Авторизация запрещена"
const TEXT_PERMISSION = "Необходим доступ к вашим данным"
const MAX_PAGES = 6

const splitEmail = (email: string): Effect.Effect<readonly [string, string], ConfigurationError> => {
  const at = email.lastIndexOf("@")
  return at > 0 && at < email.length - 1 && !/\s/.test(email)
    ? Effect.succeed([email.slice(0, at), email.slice(at + 1)] as const)
    : Effect.fail(new ConfigurationError({ option: "email", detail: "not an e-mail address (local part @ domain)" }))
}

// What to do on each of Mail.Ru's pages: the login form (once), the permission form (once), the redirect; each
// way a walk can end has its own error.
const step = (options: ImplicitOptions, login: string, domain: string, password: string) =>
(page: Auth.Page, posted: ReadonlySet<string>): Effect.Effect<Auth.Step, FlowError> => {
  const appId = options.appId
  if (page.stopped) {
    return Effect.map(
      Auth.fromRedirect(page, { api: "mailru", clientId: appId, userIdField: "x_mailru_vid", scopes: options.scope }),
      Auth.done
    )
  }
  const pageError = (detail: string) =>
    new LoginPageError({
      api: "mailru",
      url: Settings.redactUrl(page.url),
      step: [...posted].pop() ?? "authorize",
      detail
    })
  if (page.body.includes(TEXT_UNKNOWN_CLIENT)) {
    return Effect.fail(new UnknownClientError({ api: "mailru", clientId: appId }))
  }
  if (page.url.pathname.replace(/\/+$/, "").endsWith("/recovery")) {
    return Effect.fail(new UserBlockedError({ api: "mailru" }))
  }
  if (page.url.searchParams.get("fail") === "1") return Effect.fail(new WrongCredentialsError({ api: "mailru" }))
  if (page.body.includes(TEXT_IN_DEVELOPMENT)) {
    return Effect.fail(new AppNotAvailableError({ api: "mailru", clientId: appId }))
  }
  if (page.status >= 400) {
    return Effect.fail(
      new StatusError({ method: "oauth/authorize", url: Settings.redactUrl(page.url), status: page.status })
    )
  }
  const loginForm = Auth.findForm(page, ["Login", "Password"])
  if (Option.isSome(loginForm)) {
    if (posted.has("login")) return Effect.fail(pageError("the login form came back after it was posted"))
    return Effect.succeed(
      Auth.submit("login", loginForm.value, { fill: { Login: login, Domain: domain, Password: password } })
    )
  }
  const permissionForm = Auth.findForm(page, ["agree"])
  if (page.body.includes(TEXT_PERMISSION) && Option.isSome(permissionForm)) {
    if (posted.has("permission")) return Effect.fail(pageError("the permission form came back after it was agreed to"))
    return Effect.succeed(Auth.submit("permission", permissionForm.value, { button: "agree" }))
  }
  return Effect.fail(pageError("neither a login form, a permission form nor a redirect with a token"))
}

/**
 * Gets a token through the login and permission pages, as a user's browser would: the authorize page, the login
 * form (posted to its absolute action with `Login`, `Domain` and `Password` filled), the permission form (agreed
 * to), and the redirect to the redirect URI whose fragment holds the token. Each way a walk can end has its own
 * error: an unknown application, wrong credentials, a blocked user, an application still in development, a
 * refusal, and a page the flow does not understand. Each page has the configured time limit, the whole walk
 * twice that; the walk sends requests only to the configured `loginHosts` (and the authorize URL's own origin),
 * so a page that would post the password elsewhere is an `UntrustedHostError`.
 *
 * @since 0.1.0
 * @category Flows
 */
export const implicit: (
  options: ImplicitOptions
) => Effect.Effect<Token.Token, FlowError, HttpClient.HttpClient> = Effect.fn("MailRuAuth.implicit")(
  function*(options: ImplicitOptions) {
    const config = yield* MailRuConfig
    const appId = yield* requireText("appId", options.appId)
    const [login, domain] = yield* splitEmail(options.email)
    const password = yield* requireSecret("password", options.password)
    const redirectUri = yield* requireUrl("redirectUri", options.redirectUri ?? defaultRedirectUri)
    const start = yield* authorizeUrl({
      appId,
      responseType: "token",
      redirectUri: redirectUri.href,
      scope: options.scope
    })
    return yield* Auth.walk({
      api: "mailru",
      start,
      redirectUri,
      maxPages: MAX_PAGES,
      timeout: config.timeout,
      loginHosts: config.loginHosts,
      step: step(options, login, domain, password)
    })
  }
)
