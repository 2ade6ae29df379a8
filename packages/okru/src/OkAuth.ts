/**
 * The OK.ru authorization flows, as plain Effects returning a `Token`: the authorize-URL builder, the
 * authorization-code grant, the implicit flow through the login and permission pages, the password session
 * (`auth.login`) and the refresh-token grant. Each is usable without any session layer, e.g. in the OAuth
 * callback of a web server.
 *
 * @since 0.1.0
 */
import * as ApiError from "@okmail/core/ApiError"
import * as ApiHttp from "@okmail/core/ApiHttp"
import {
  AccessDeniedError,
  LoginPageError,
  type OAuthError,
  UnknownClientError,
  WrongCredentialsError
} from "@okmail/core/AuthError"
import { ConfigurationError, requireSecret, requireText } from "@okmail/core/ConfigurationError"
import { redactUrl } from "@okmail/core/Endpoint"
import * as HtmlForm from "@okmail/core/HtmlForm"
import * as LoginBrowser from "@okmail/core/LoginBrowser"
import * as OAuth from "@okmail/core/OAuth"
import { UnexpectedResultError } from "@okmail/core/ResultError"
import * as Token from "@okmail/core/Token"
import type { TransportError } from "@okmail/core/TransportError"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as EffectScope from "effect/Scope"
import { OkConfig } from "./OkConfig.js"
import * as OkError from "./OkError.js"
import * as OkSigner from "./OkSigner.js"
import { requireUrl } from "./internal/check.js"

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
  yield* requireText("applicationId", options.applicationId)
  yield* requireUrl("redirectUri", options.redirectUri)
  const url = new URL(config.authorizeUrl)
  url.searchParams.set("client_id", options.applicationId)
  if (options.scopes !== undefined && options.scopes.length > 0) url.searchParams.set("scope", options.scopes.join(";"))
  url.searchParams.set("response_type", options.responseType ?? "code")
  url.searchParams.set("redirect_uri", options.redirectUri)
  url.searchParams.set("layout", options.layout ?? "w")
  if (options.state !== undefined) url.searchParams.set("state", options.state)
  return url.href
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
 * Exchanges an authorization code for a token at `/oauth/token.do`, with the raw application secret key as the
 * client secret.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const authorizationCode: (
  options: CodeOptions
) => Effect.Effect<
  Token.Token,
  OAuthError | TransportError | LoginPageError | ConfigurationError,
  HttpClient.HttpClient
> = Effect.fn("OkAuth.authorizationCode")(function*(options: CodeOptions) {
  const config = yield* OkConfig
  yield* requireText("applicationId", options.applicationId)
  const secret = yield* requireSecret("applicationSecretKey", options.applicationSecretKey)
  const code = yield* requireSecret("code", options.code)
  yield* requireUrl("redirectUri", options.redirectUri)
  const endpoint = "oauth/token.do (authorization_code)"
  const body = yield* OAuth.requestToken({
    api: "ok",
    endpoint,
    url: config.tokenUrl,
    timeout: config.timeout,
    fields: {
      code,
      client_id: options.applicationId,
      client_secret: secret,
      redirect_uri: options.redirectUri,
      grant_type: "authorization_code"
    }
  })
  return yield* OAuth.toToken("ok", endpoint, body, { url: config.tokenUrl })
})

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
) => Effect.Effect<
  Token.Token,
  OAuthError | TransportError | LoginPageError | ConfigurationError,
  HttpClient.HttpClient
> = Effect.fn("OkAuth.refresh")(function*(options: RefreshOptions) {
  const config = yield* OkConfig
  yield* requireText("applicationId", options.applicationId)
  const secret = yield* requireSecret("applicationSecretKey", options.applicationSecretKey)
  const refreshToken = yield* requireSecret("refreshToken", options.refreshToken)
  const endpoint = "oauth/token.do (refresh_token)"
  const body = yield* OAuth.requestToken({
    api: "ok",
    endpoint,
    url: config.tokenUrl,
    timeout: config.timeout,
    fields: {
      refresh_token: refreshToken,
      client_id: options.applicationId,
      client_secret: secret,
      grant_type: "refresh_token"
    }
  })
  const keep = options.keep ?? new Token.Token({ accessToken: Redacted.make(""), refreshToken: options.refreshToken })
  return yield* OAuth.toToken("ok", endpoint, body, {
    url: config.tokenUrl,
    keep: new Token.Token({ ...keep, refreshToken: options.refreshToken })
  })
})

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
 * Logs in with `auth.login`: the answer's `session_key` is the access token and its `session_secret_key` signs
 * from then on (client-server circuit). A refused login (codes 401–403) is a `WrongCredentialsError`.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const password: (
  options: PasswordOptions
) => Effect.Effect<
  Token.Token,
  | WrongCredentialsError
  | ApiError.ApiError
  | TransportError
  | ConfigurationError
  | UnexpectedResultError,
  HttpClient.HttpClient
> = Effect.fn("OkAuth.password")(function*(options: PasswordOptions) {
  const config = yield* OkConfig
  const method = "auth.login"
  yield* requireText("applicationKey", options.applicationKey)
  yield* requireText("login", options.login)
  const pass = yield* requireSecret("password", options.password)
  const fields = {
    method,
    user_name: options.login,
    password: pass,
    verification_supported: "1",
    verification_supported_v: "1"
  }
  const secret = options.applicationSecretKey
  const params = secret !== undefined && Redacted.value(secret) !== ""
    ? yield* OkSigner.make({ applicationKey: options.applicationKey, circuit: "application", applicationSecretKey: secret })
      .sign(fields, Option.none())
    : { ...fields, application_key: options.applicationKey, format: "json" }
  const request: ApiHttp.Request = {
    api: "ok",
    method,
    url: config.apiUrl,
    httpMethod: "POST",
    params,
    timeout: config.timeout
  }
  const response = yield* ApiHttp.send(request)
  const body = yield* ApiHttp.parseJson(request, response)
  const error = OkError.fromBody(body, method)
  if (Option.isSome(error)) {
    if (OkError.loginRefusedCodes.has(error.value.code)) {
      return yield* new WrongCredentialsError({ api: "ok", detail: error.value.description })
    }
    return yield* error.value
  }
  const record = ApiHttp.isRecord(body) ? body : {}
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
})

/**
 * The options of the implicit flow. `browser` lets the caller own the login browser (and so its cookie jar);
 * without it the flow makes one that lives as long as the flow.
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
  readonly browser?: LoginBrowser.LoginBrowser | undefined
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
  | LoginPageError
  | TransportError
  | ConfigurationError

const sameEndpoint = (redirectUri: URL) => (url: URL) =>
  url.origin === redirectUri.origin && url.pathname === redirectUri.pathname

/**
 * A login browser that stops, unfetched, at the redirect URI, for `implicit`.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const makeBrowser = (
  redirectUri: string = blankRedirectUri
): Effect.Effect<LoginBrowser.LoginBrowser, ConfigurationError, HttpClient.HttpClient | EffectScope.Scope> =>
  Effect.flatMap(requireUrl("redirectUri", redirectUri), (url) => LoginBrowser.make({ stopAt: sameEndpoint(url) }))

const LOGIN_FIELDS = ["fr.email", "fr.password"]
const PERMISSION_FIELDS = ["fr.token", "button_accept_request"]
const MAX_PAGES = 8

const pageCommand = (page: LoginBrowser.Page): string | undefined => {
  const fromUrl = page.url.searchParams.get("st.cmd")
  if (fromUrl !== null) return fromUrl
  return /st\.cmd=([A-Za-z0-9]+)/.exec(page.body)?.[1]
}

/**
 * Logs in with the user's login and password through OK.ru's login and permission pages, as aiookru's
 * `ImplicitSession` does, and reads the token from the fragment of the final redirect: the access token, the
 * session secret key, the lifetime and the state.
 *
 * @since 0.1.0
 * @category Authorization
 */
export const implicit: (
  options: ImplicitOptions
) => Effect.Effect<Token.Token, ImplicitError, HttpClient.HttpClient> = Effect.fn("OkAuth.implicit")(
  function*(options: ImplicitOptions) {
    const redirectUri = options.redirectUri ?? blankRedirectUri
    yield* requireText("login", options.login)
    const pass = yield* requireSecret("password", options.password)
    const start = yield* authorizeUrl({
      applicationId: options.applicationId,
      redirectUri,
      scopes: options.scopes,
      responseType: "token",
      layout: "w",
      state: options.state
    })
    const walk = (browser: LoginBrowser.LoginBrowser) =>
      Effect.gen(function*() {
        let page = yield* browser.get(start)
        let loginPosted = false
        let permissionPosted = false
        for (let step = 0; step < MAX_PAGES; step++) {
          if (page.stopped) {
            return yield* readRedirect(page.url, options)
          }
          const where = redactUrl(page.url)
          const stepName = loginPosted ? "after login" : "authorize"
          if (page.status >= 400) {
            if (!loginPosted && /client|application|приложени/i.test(page.body)) {
              return yield* new UnknownClientError({ api: "ok", clientId: options.applicationId })
            }
            return yield* new LoginPageError({
              api: "ok",
              url: where,
              step: stepName,
              detail: `HTTP status ${page.status}`
            })
          }
          const loginForm = HtmlForm.findForm(page.body, page.url, LOGIN_FIELDS)
          if (Option.isSome(loginForm)) {
            if (loginPosted) {
              return yield* new WrongCredentialsError({ api: "ok", detail: "the login page was shown again" })
            }
            const fields = yield* fill(loginForm.value, { "fr.email": options.login, "fr.password": pass }, where)
            loginPosted = true
            page = yield* browser.submit(loginForm.value.method, loginForm.value.action, fields)
            continue
          }
          if (loginPosted && pageCommand(page) === "OAuth2Login") {
            return yield* new WrongCredentialsError({ api: "ok", detail: "the login page was shown again" })
          }
          const permissionForm = HtmlForm.findForm(page.body, page.url, PERMISSION_FIELDS)
          if (Option.isSome(permissionForm) && !permissionPosted) {
            const fields = yield* fill(permissionForm.value, {}, where, "button_accept_request")
            permissionPosted = true
            page = yield* browser.submit(permissionForm.value.method, permissionForm.value.action, fields)
            continue
          }
          return yield* new LoginPageError({
            api: "ok",
            url: where,
            step: stepName,
            detail: permissionPosted
              ? "the permission page did not lead to the redirect URI"
              : "neither the login form nor the permission form is on the page"
          })
        }
        return yield* new LoginPageError({
          api: "ok",
          url: redactUrl(page.url),
          step: "authorize",
          detail: `no token after ${MAX_PAGES} pages`
        })
      })
    return yield* options.browser !== undefined
      ? walk(options.browser)
      : Effect.scoped(Effect.flatMap(makeBrowser(redirectUri), walk))
  }
)

const fill = (
  form: HtmlForm.Form,
  values: Readonly<Record<string, string>>,
  where: string,
  button?: string
) => {
  const submission = HtmlForm.submission(form, button === undefined ? { fill: values } : { fill: values, button })
  return submission._tag === "Right"
    ? Effect.succeed(submission.right)
    : Effect.fail(
      new LoginPageError({ api: "ok", url: where, step: "submit", detail: `no button ${submission.left}` })
    )
}

const readRedirect = (url: URL, options: ImplicitOptions) =>
  Effect.gen(function*() {
    const where = redactUrl(url)
    const params = OAuth.fragmentParams(url)
    for (const [key, value] of url.searchParams) if (!params.has(key)) params.set(key, value)
    const error = params.get("error")
    if (error !== null) {
      if (error === "invalid_client" || error === "unknown_client") {
        return yield* new UnknownClientError({ api: "ok", clientId: options.applicationId })
      }
      const description = params.get("error_description")
      return yield* new AccessDeniedError({ api: "ok", detail: description === null ? error : `${error}: ${description}` })
    }
    if (options.state !== undefined && params.get("state") !== options.state) {
      return yield* new LoginPageError({
        api: "ok",
        url: where,
        step: "redirect",
        detail: "the state in the redirect is not the one sent"
      })
    }
    const body = Object.fromEntries(params)
    const granted = params.get("permissions_granted")
    return yield* OAuth.toToken("ok", "implicit", body, {
      url: where,
      scopes: granted !== null ? granted.split(/[;,]/).filter((s) => s !== "") : options.scopes
    })
  })
