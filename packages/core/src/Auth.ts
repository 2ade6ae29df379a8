/**
 * The authorization machinery both APIs' flows use: the login walk through an API's login and permission
 * pages, the OAuth token grants, the reading of the implicit flow's redirect, and one-off requests outside a
 * session. An API's package describes its pages (which form is which, what a refusal looks like) and its
 * endpoints; the same refusal gets the same tag whichever flow or grant met it.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import { ConfigurationError, requireText, requireUrl } from "./ConfigurationError.js"
import {
  AccessDeniedError,
  LoginPageError,
  OAuthError,
  UnknownClientError,
  UntrustedHostError,
  UserBlockedError,
  WrongCredentialsError
} from "./AuthError.js"
import * as ApiHttp from "./internal/apiHttp.js"
import * as HtmlForm from "./internal/htmlForm.js"
import * as LoginBrowser from "./internal/loginBrowser.js"
import * as OAuth from "./internal/oauth.js"
import { redactUrl } from "./internal/url.js"
import type { WireParams } from "./Params.js"
import type * as Token from "./Token.js"
import { type NetworkError, TimeoutError, type TransportError } from "./TransportError.js"

/**
 * The URL of an authorization page: `base` with each parameter that has a non-empty value, in the order given; the
 * application id and the redirect URI are checked first.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const authorizeUrl = (
  base: string,
  params: {
    readonly client_id: string
    readonly redirect_uri: string
    readonly [name: string]: string | undefined
  },
  names: { readonly clientId: string } = { clientId: "clientId" }
): Effect.Effect<string, ConfigurationError> =>
  Effect.gen(function*() {
    yield* requireText(names.clientId, params.client_id)
    yield* requireUrl("redirectUri", params.redirect_uri)
    const url = new URL(base)
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== "") url.searchParams.set(name, value)
    }
    return url.href
  })

/**
 * A form read from a page.
 *
 * @since 0.1.0
 * @category Models
 */
export type Form = HtmlForm.Form

/**
 * A page of a login walk: where it is, its status and text; `stopped` when the walk reached the redirect URI,
 * which it does not fetch (`url` then holds the redirect, fragment included).
 *
 * @since 0.1.0
 * @category Models
 */
export interface Page {
  readonly url: URL
  readonly status: number
  readonly body: string
  readonly stopped: boolean
}

/**
 * What a walk does next: submit a form (the `kind` of form — login, permission — is remembered, so that a step
 * sees which forms it already sent), or end with a token.
 *
 * @since 0.1.0
 * @category Models
 */
export type Step =
  | {
    readonly _tag: "Submit"
    readonly kind: string
    readonly form: Form
    readonly fill?: Readonly<Record<string, string>> | undefined
    readonly button?: string | undefined
  }
  | { readonly _tag: "Done"; readonly token: Token.Token }

/**
 * Submits `form`, with `fill` replacing field values and `button` pressed.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const submit = (
  kind: string,
  form: Form,
  options: { readonly fill?: Readonly<Record<string, string>>; readonly button?: string } = {}
): Step => ({ _tag: "Submit", kind, form, fill: options.fill, button: options.button })

/**
 * Ends the walk with a token.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const done = (token: Token.Token): Step => ({ _tag: "Done", token })

/**
 * The first form of the page that has every field or button named.
 *
 * @since 0.1.0
 * @category Reading
 */
export const findForm = (page: Page, names: ReadonlyArray<string>): Option.Option<Form> =>
  HtmlForm.findForm(page.body, page.url, names)

/**
 * Every form of a page's HTML, with actions resolved against the page's URL.
 *
 * @since 0.1.0
 * @category Reading
 */
export const readForms: (html: string, pageUrl: string | URL) => Array<Form> = HtmlForm.readForms

/**
 * The fields a form submits: its own, with `fill` replacing values and the named `button` pressed; the name of a
 * missing button otherwise.
 *
 * @since 0.1.0
 * @category Reading
 */
export const formFields: (
  form: Form,
  options?: { readonly fill?: Readonly<Record<string, string>>; readonly button?: string }
) => Either.Either<Array<readonly [string, string]>, string> = HtmlForm.submission

// A host name (letters, digits, hyphens; punycode for others), maybe under `*.`, an IPv4 or a bracketed IPv6 address.
const HOST_PATTERN = /^(?:\*\.)?(?:[a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/

/**
 * Checks a list of trusted login hosts: each an exact host name (`connect.ok.ru`) or `*.domain` for any name
 * under a domain (`*.mail.ru`), kept in lower case; anything else (a scheme, a port, a path, an empty name) is a
 * `ConfigurationError` naming `option`.
 *
 * @since 0.1.0
 * @category Validation
 */
export const loginHosts = (
  option: string,
  patterns: ReadonlyArray<string>
): Either.Either<ReadonlyArray<string>, ConfigurationError> => {
  const out: Array<string> = []
  for (const pattern of patterns) {
    const host = pattern.toLowerCase()
    if (!HOST_PATTERN.test(host)) {
      return Either.left(
        new ConfigurationError({ option, detail: `${pattern} is not a host name or a *.domain pattern` })
      )
    }
    out.push(host)
  }
  // Structural equality, so that two settings values with the same hosts are the same settings.
  return Either.right(Data.array(out))
}

/**
 * A login walk: where it starts, where it stops (the redirect URI, matched by origin and path), how many pages
 * it may see, the time limit of each page, the hosts it may send requests to, the size cap of each page, and what
 * to do on each page.
 *
 * @since 0.1.0
 * @category Models
 */
export interface WalkOptions<E> {
  readonly api: string
  readonly start: string
  readonly redirectUri: URL
  readonly maxPages: number
  /** The time limit of each page, body included. */
  readonly timeout: Duration.DurationInput
  /** The time limit of the whole walk; twice `timeout` unless given. */
  readonly walkTimeout?: Duration.DurationInput | undefined
  /**
   * The hosts the walk may send requests to over `https:`, as exact names or `*.domain` for any name under a
   * domain. The redirect URI's host is always trusted over `https:`, and the start URL's own origin whatever its
   * scheme (so that a server on a loopback `http:` port can play the API); nothing is sent anywhere else.
   */
  readonly loginHosts?: ReadonlyArray<string> | undefined
  /** The largest page body the walk reads, in bytes; 4 MiB unless given. */
  readonly maxPageBytes?: number | undefined
  readonly step: (page: Page, posted: ReadonlySet<string>) => Effect.Effect<Step, E>
}

/**
 * Walks the login and permission pages as a user's browser would, with a cookie jar that lives as long as the
 * walk, until a step ends it with a token. Each page and the whole walk have a time limit (`TimeoutError`); a walk
 * that reaches no token in `maxPages` pages, a form that cannot be submitted, a page larger than `maxPageBytes`
 * and a redirect that is no URL, or that carries a fragment elsewhere than the redirect URI, are a
 * `LoginPageError`. A form or redirect that leads outside `loginHosts` is an `UntrustedHostError`, and nothing
 * is sent there.
 *
 * @since 0.1.0
 * @category Flows
 */
export const walk = <E>(
  options: WalkOptions<E>
): Effect.Effect<
  Token.Token,
  E | LoginPageError | UntrustedHostError | NetworkError | TimeoutError,
  HttpClient.HttpClient
> => {
  const hopLimit = Duration.decode(options.timeout)
  const walkLimit = options.walkTimeout === undefined
    ? Duration.times(hopLimit, 2)
    : Duration.decode(options.walkTimeout)
  const redirect = options.redirectUri
  const stopAt = (url: URL) => url.origin === redirect.origin && url.pathname === redirect.pathname
  const limited = (limit: Duration.Duration, url: string | URL, method: string) =>
  <A, E2, R>(effect: Effect.Effect<A, E2, R>) =>
    Effect.timeoutFail(effect, {
      duration: limit,
      onTimeout: () => new TimeoutError({ method, url: redactUrl(url), timeoutMillis: Duration.toMillis(limit) })
    })
  const refused = (step: string, effect: Effect.Effect<Page, NetworkError | LoginBrowser.LoginRefusal>) =>
    Effect.catchTag(effect, "LoginRefusal", (refusal) => {
      const fields = { api: options.api, url: refusal.url, step, detail: refusal.detail }
      return Effect.fail(
        refusal.reason === "UntrustedHost" ? new UntrustedHostError(fields) : new LoginPageError(fields)
      )
    })
  return Effect.scoped(Effect.gen(function*() {
    const origins = URL.canParse(options.start) ? [new URL(options.start).origin] : []
    const browser = yield* LoginBrowser.make({
      stopAt,
      refuse: LoginBrowser.trust({ hosts: [...(options.loginHosts ?? []), redirect.hostname], origins }),
      ...(options.maxPageBytes === undefined ? {} : { maxBodyBytes: options.maxPageBytes })
    })
    let page: Page = yield* refused("authorize", browser.get(options.start)).pipe(
      limited(hopLimit, options.start, "login page")
    )
    const posted = new Set<string>()
    for (let n = 0; n < options.maxPages; n++) {
      const next = yield* options.step(page, posted)
      if (next._tag === "Done") return next.token
      const fields = HtmlForm.submission(next.form, {
        ...(next.fill === undefined ? {} : { fill: next.fill }),
        ...(next.button === undefined ? {} : { button: next.button })
      })
      if (Either.isLeft(fields)) {
        return yield* new LoginPageError({
          api: options.api,
          url: redactUrl(page.url),
          step: next.kind,
          detail: `the ${next.kind} form has no button ${fields.left}`
        })
      }
      posted.add(next.kind)
      page = yield* refused(next.kind, browser.submit(next.form.method, next.form.action, fields.right)).pipe(
        limited(hopLimit, next.form.action, "login page")
      )
    }
    return yield* new LoginPageError({
      api: options.api,
      url: redactUrl(page.url),
      step: "authorize",
      detail: `no token after ${options.maxPages} pages`
    })
  })).pipe(limited(walkLimit, options.start, "login walk"))
}

/**
 * How to read the implicit flow's redirect: the application (for errors), the field of the user's id, the state
 * sent, the scopes asked for, and the field that lists the scopes granted, when the API sends one.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RedirectOptions {
  readonly api: string
  readonly clientId: string
  readonly userIdField?: string | undefined
  readonly state?: string | undefined
  readonly scopes?: ReadonlyArray<string> | undefined
  readonly scopesField?: string | undefined
}

/**
 * Reads the token from the redirect's fragment (and query): the access token, its lifetime, the secrets and the
 * user's id; an `error` in it is an `AccessDeniedError` (`access_denied`), an `UnknownClientError`
 * (`invalid_client`, `unauthorized_client`, `unknown_client`) or else an `OAuthError`.
 *
 * @since 0.1.0
 * @category Flows
 */
export const fromRedirect = (
  page: Page,
  options: RedirectOptions
): Effect.Effect<Token.Token, AccessDeniedError | UnknownClientError | OAuthError | LoginPageError> =>
  Effect.gen(function*() {
    const where = redactUrl(page.url)
    const params = OAuth.fragmentParams(page.url)
    for (const [key, value] of page.url.searchParams) if (!params.has(key)) params.set(key, value)
    const error = params.get("error")
    if (error !== null) {
      const description = params.get("error_description") ?? undefined
      if (error === "access_denied") {
        return yield* new AccessDeniedError({ api: options.api, ...(description ? { detail: description } : {}) })
      }
      if (CLIENT_REFUSED.has(error)) {
        return yield* new UnknownClientError({ api: options.api, clientId: options.clientId })
      }
      return yield* new OAuthError({
        api: options.api,
        error,
        ...(description ? { errorDescription: description } : {}),
        status: page.status,
        endpoint: "authorize"
      })
    }
    if (options.state !== undefined && params.get("state") !== options.state) {
      return yield* new LoginPageError({
        api: options.api,
        url: where,
        step: "redirect",
        detail: "the state in the redirect is not the one sent"
      })
    }
    const granted = options.scopesField === undefined ? null : params.get(options.scopesField)
    return yield* OAuth.toToken(options.api, "authorize (token)", Object.fromEntries(params), {
      url: where,
      ...(options.userIdField === undefined ? {} : { userIdField: options.userIdField }),
      scopes: granted !== null ? granted.split(/[;,]/).filter((s) => s !== "") : options.scopes
    })
  })

const CLIENT_REFUSED = new Set(["invalid_client", "unauthorized_client", "unknown_client"])

/**
 * A request to an OAuth token endpoint: its URL, the grant and its fields (`grant_type` is added), the
 * application (for errors), the time limit, the field of the user's id, and what the answer may omit (`keep`:
 * the token being renewed; `scopes`: the scopes asked for).
 *
 * @since 0.1.0
 * @category Models
 */
export interface GrantOptions {
  readonly api: string
  readonly url: string
  readonly grantType: "authorization_code" | "password" | "refresh_token"
  readonly fields: WireParams
  readonly clientId: string
  readonly timeout: Duration.DurationInput
  readonly userIdField?: string | undefined
  readonly keep?: Token.Token | undefined
  readonly scopes?: ReadonlyArray<string> | undefined
}

/**
 * Why a grant failed: the refusals every API shares by their tags (an unknown or unauthorized application, a
 * wrong login or password, a blocked user), any other OAuth answer as an `OAuthError` with its raw `error`, an
 * answer without a token, or the transport.
 *
 * @since 0.1.0
 * @category Errors
 */
export type GrantError =
  | UnknownClientError
  | WrongCredentialsError
  | UserBlockedError
  | OAuthError
  | LoginPageError
  | TransportError

/**
 * Posts a grant to a token endpoint and reads the token answered, with its expiry counted from the `Clock`.
 * `invalid_client` and `unauthorized_client` are an `UnknownClientError`; a password grant's `invalid_grant` is
 * a `UserBlockedError` when the server says the user is blocked, and a `WrongCredentialsError` otherwise. A code
 * or refresh grant's `invalid_grant` stays an `OAuthError`: the code or refresh token was refused, not the user.
 *
 * @since 0.1.0
 * @category Flows
 */
export const grant = (options: GrantOptions): Effect.Effect<Token.Token, GrantError, HttpClient.HttpClient> => {
  const endpoint = `${pathOf(options.url)} (${options.grantType})`
  return OAuth.requestToken({
    api: options.api,
    endpoint,
    url: options.url,
    fields: { ...options.fields, grant_type: options.grantType },
    timeout: options.timeout
  }).pipe(
    Effect.catchTag("OAuthError", (error): Effect.Effect<never, GrantError> => {
      if (CLIENT_REFUSED.has(error.error)) {
        return Effect.fail(new UnknownClientError({ api: options.api, clientId: options.clientId }))
      }
      if (options.grantType === "password" && error.error === "invalid_grant") {
        return Effect.fail(
          /block/i.test(error.errorDescription ?? "")
            ? new UserBlockedError({ api: options.api })
            : new WrongCredentialsError({
              api: options.api,
              ...(error.errorDescription ? { detail: error.errorDescription } : {})
            })
        )
      }
      return Effect.fail(error)
    }),
    Effect.flatMap((body) =>
      OAuth.toToken(options.api, endpoint, body, {
        url: options.url,
        ...(options.userIdField === undefined ? {} : { userIdField: options.userIdField }),
        keep: options.keep,
        scopes: options.scopes
      })
    )
  )
}

const pathOf = (url: string): string => {
  try {
    return new URL(url).pathname.replace(/^\/+/, "")
  } catch {
    return "token"
  }
}

/**
 * A one-off `POST` outside a session (such as a login method of the API): the body read as JSON, whatever the
 * status; transport failures typed.
 *
 * @since 0.1.0
 * @category Requests
 */
export const post = (options: {
  readonly api: string
  readonly method: string
  readonly url: string
  readonly params: WireParams
  readonly timeout: Duration.DurationInput
}): Effect.Effect<{ readonly status: number; readonly body: unknown }, TransportError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    return yield* ApiHttp.exchangeJson({ ...options, httpMethod: "POST" })
  })

/**
 * Whether a value is a JSON object (not an array, not `null`).
 *
 * @since 0.1.0
 * @category Guards
 */
export const isRecord: (value: unknown) => value is Readonly<Record<string, unknown>> = ApiHttp.isRecord
