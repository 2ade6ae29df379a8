/**
 * The Mail.Ru authorization flows, each a plain Effect returning a `Token` (with `userId` = `x_mailru_vid`),
 * usable without any session layer: the authorize-URL builder, the authorization-code grant, the implicit flow
 * through the login and permission pages, the password grant and the refresh-token grant.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import {
  AccessDeniedError,
  AppNotAvailableError,
  LoginPageError,
  OAuthError,
  UnknownClientError,
  UserBlockedError,
  WrongCredentialsError
} from "@okmail/core/AuthError"
import { ConfigurationError, requireSecret, requireText } from "@okmail/core/ConfigurationError"
import { redactUrl } from "@okmail/core/Endpoint"
import * as HtmlForm from "@okmail/core/HtmlForm"
import * as LoginBrowser from "@okmail/core/LoginBrowser"
import * as OAuth from "@okmail/core/OAuth"
import type * as Token from "@okmail/core/Token"
import { StatusError, TimeoutError } from "@okmail/core/TransportError"
import type { NetworkError, TransportError } from "@okmail/core/TransportError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
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
  | UserBlockedError
  | WrongCredentialsError
  | TransportError
  | ConfigurationError

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

const requireUrl = (option: string, value: string) =>
  Effect.try({
    try: () => new URL(value),
    catch: () => new ConfigurationError({ option, detail: "not an absolute URL" })
  })

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
  Effect.gen(function*() {
    const config = yield* MailRuConfig
    const appId = yield* requireText("appId", options.appId)
    const redirectUri = options.redirectUri ?? defaultRedirectUri
    yield* requireUrl("redirectUri", redirectUri)
    const url = new URL(config.authorizeUrl)
    url.searchParams.set("client_id", appId)
    url.searchParams.set("response_type", options.responseType)
    url.searchParams.set("redirect_uri", redirectUri)
    const scope = scopeString(options.scope)
    if (scope !== undefined && scope !== "") url.searchParams.set("scope", scope)
    if (options.state !== undefined) url.searchParams.set("state", options.state)
    return url.href
  })

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

const tokenRequest = (
  endpoint: string,
  url: string,
  fields: Record<string, string>,
  options: { readonly keep?: Token.Token | undefined; readonly scopes?: ReadonlyArray<string> | undefined } = {}
) =>
  Effect.gen(function*() {
    const config = yield* MailRuConfig
    const body = yield* OAuth.requestToken({ api: "mailru", endpoint, url, fields, timeout: config.timeout })
    return yield* OAuth.toToken("mailru", endpoint, body, {
      url,
      userIdField: "x_mailru_vid",
      keep: options.keep,
      scopes: options.scopes
    })
  })

/**
 * Exchanges an authorization code for a token at the configured `codeTokenUrl`.
 *
 * @since 0.1.0
 * @category Flows
 */
export const authorizationCode: (
  options: AuthorizationCodeOptions
) => Effect.Effect<Token.Token, OAuthError | LoginPageError | TransportError | ConfigurationError, HttpClient.HttpClient> =
  Effect.fn("MailRuAuth.authorizationCode")(function*(options: AuthorizationCodeOptions) {
    const config = yield* MailRuConfig
    const appId = yield* requireText("appId", options.appId)
    const redirectUri = yield* requireText("redirectUri", options.redirectUri)
    const fields = {
      client_id: appId,
      client_secret: yield* requireSecret("secretKey", options.secretKey),
      grant_type: "authorization_code",
      code: yield* requireSecret("code", options.code),
      redirect_uri: redirectUri
    }
    return yield* tokenRequest("oauth/token (authorization_code)", config.codeTokenUrl, fields)
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
) => Effect.Effect<Token.Token, OAuthError | LoginPageError | TransportError | ConfigurationError, HttpClient.HttpClient> =
  Effect.fn("MailRuAuth.password")(function*(options: PasswordOptions) {
    const config = yield* MailRuConfig
    const fields: Record<string, string> = {
      grant_type: "password",
      client_id: yield* requireText("appId", options.appId),
      client_secret: yield* requireSecret("secretKey", options.secretKey),
      username: yield* requireText("email", options.email),
      password: yield* requireSecret("password", options.password)
    }
    const scope = scopeString(options.scope)
    if (scope !== undefined) fields["scope"] = scope
    return yield* tokenRequest("oauth/token (password)", config.tokenUrl, fields, { scopes: options.scope })
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
) => Effect.Effect<Token.Token, OAuthError | LoginPageError | TransportError | ConfigurationError, HttpClient.HttpClient> =
  Effect.fn("MailRuAuth.refresh")(function*(options: RefreshOptions) {
    const config = yield* MailRuConfig
    const fields = {
      grant_type: "refresh_token",
      client_id: yield* requireText("appId", options.appId),
      client_secret: yield* requireSecret("secretKey", options.secretKey),
      refresh_token: yield* requireSecret("refreshToken", options.refreshToken)
    }
    return yield* tokenRequest("oauth/token (refresh_token)", config.tokenUrl, fields, { keep: options.keep })
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

const withTimeout = (timeout: Duration.Duration, url: URL) => <A>(effect: Effect.Effect<A, NetworkError>) =>
  Effect.timeoutFail(effect, {
    duration: timeout,
    onTimeout: () =>
      new TimeoutError({ method: "oauth/authorize", url: redactUrl(url), timeoutMillis: Duration.toMillis(timeout) })
  })

const fromRedirect = (page: LoginBrowser.Page, appId: string, scopes: ReadonlyArray<string> | undefined) =>
  Effect.gen(function*() {
    const query = page.url.searchParams
    const fragment = OAuth.fragmentParams(page.url)
    const error = fragment.get("error") ?? query.get("error")
    if (error !== null) {
      const description = fragment.get("error_description") ?? query.get("error_description") ?? undefined
      if (error === "access_denied") {
        return yield* new AccessDeniedError({ api: "mailru", ...(description ? { detail: description } : {}) })
      }
      if (error === "invalid_client" || error === "unauthorized_client") {
        return yield* new UnknownClientError({ api: "mailru", clientId: appId })
      }
      return yield* new OAuthError({
        api: "mailru",
        error,
        ...(description ? { errorDescription: description } : {}),
        status: page.status,
        endpoint: "oauth/authorize"
      })
    }
    return yield* OAuth.toToken("mailru", "oauth/authorize (token)", Object.fromEntries(fragment), {
      url: page.url.href,
      userIdField: "x_mailru_vid",
      scopes
    })
  })

/**
 * Gets a token through the login and permission pages, as a user's browser would: the authorize page, the login
 * form (posted to its absolute action with `Login`, `Domain` and `Password` filled), the permission form (agreed
 * to), and the redirect to the redirect URI whose fragment holds the token. Each way a walk can end has its own
 * error: an unknown application, wrong credentials, a blocked user, an application still in development, a
 * refusal, and a page the flow does not understand.
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
    yield* requireSecret("password", options.password)
    const redirectUri = yield* requireUrl("redirectUri", options.redirectUri ?? defaultRedirectUri)
    const start = yield* authorizeUrl({
      appId,
      responseType: "token",
      redirectUri: redirectUri.href,
      scope: options.scope
    })
    const stopAt = (url: URL) => url.origin === redirectUri.origin && url.pathname === redirectUri.pathname

    return yield* Effect.scoped(Effect.gen(function*() {
      const browser = yield* LoginBrowser.make({ stopAt })
      const pageError = (page: LoginBrowser.Page, step: string, detail: string) =>
        new LoginPageError({ api: "mailru", url: redactUrl(page.url), step, detail })
      let page = yield* browser.get(start).pipe(withTimeout(config.timeout, new URL(start)))
      let step = "authorize"
      let loginPosted = false
      let permissionPosted = false
      for (let n = 0; n < MAX_PAGES; n++) {
        if (page.stopped) return yield* fromRedirect(page, appId, options.scope)
        if (page.body.includes(TEXT_UNKNOWN_CLIENT)) {
          return yield* new UnknownClientError({ api: "mailru", clientId: appId })
        }
        if (page.url.pathname.replace(/\/+$/, "").endsWith("/recovery")) {
          return yield* new UserBlockedError({ api: "mailru" })
        }
        if (page.url.searchParams.get("fail") === "1") {
          return yield* new WrongCredentialsError({ api: "mailru" })
        }
        if (page.body.includes(TEXT_IN_DEVELOPMENT)) {
          return yield* new AppNotAvailableError({ api: "mailru", clientId: appId })
        }
        if (page.status >= 400) {
          return yield* new StatusError({ method: "oauth/authorize", url: redactUrl(page.url), status: page.status })
        }
        const loginForm = HtmlForm.findForm(page.body, page.url, ["Login", "Password"])
        if (Option.isSome(loginForm)) {
          if (loginPosted) return yield* pageError(page, step, "the login form came back after it was posted")
          const fields = HtmlForm.submission(loginForm.value, {
            fill: { Login: login, Domain: domain, Password: Redacted.value(options.password) }
          })
          if (Either.isLeft(fields)) return yield* pageError(page, step, "the login form cannot be submitted")
          loginPosted = true
          step = "login"
          page = yield* browser.submit(loginForm.value.method, loginForm.value.action, fields.right).pipe(
            withTimeout(config.timeout, loginForm.value.action)
          )
          continue
        }
        const permissionForm = HtmlForm.findForm(page.body, page.url, ["agree"])
        if (page.body.includes(TEXT_PERMISSION) && Option.isSome(permissionForm)) {
          if (permissionPosted) {
            return yield* pageError(page, step, "the permission form came back after it was agreed to")
          }
          const fields = HtmlForm.submission(permissionForm.value, { button: "agree" })
          if (Either.isLeft(fields)) return yield* pageError(page, step, "the permission form has no agree button")
          permissionPosted = true
          step = "permission"
          page = yield* browser.submit(permissionForm.value.method, permissionForm.value.action, fields.right).pipe(
            withTimeout(config.timeout, permissionForm.value.action)
          )
          continue
        }
        return yield* pageError(page, step, "neither a login form, a permission form nor a redirect with a token")
      }
      return yield* pageError(page, step, `no token after ${MAX_PAGES} pages`)
    }))
  }
)
