/**
 * The token endpoints of both OAuth servers: a form `POST` answered with a token or `{ error,
 * error_description }`, read into a `Token`.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as ApiHttp from "./apiHttp.js"
import type { Api } from "../ApiError.js"
import { LoginPageError, OAuthError } from "../AuthError.js"
import { redactUrl } from "./url.js"
import type { WireParams } from "../Params.js"
import * as Token from "../Token.js"
import type { TransportError } from "../TransportError.js"
import { StatusError } from "../TransportError.js"

/**
 * A request to a token endpoint.
 *
 * @since 0.1.0
 * @category Models
 */
export interface TokenRequest {
  readonly api: Api
  /** Names the request in errors and spans, such as `oauth/token (refresh_token)`. */
  readonly endpoint: string
  readonly url: string
  readonly fields: WireParams
  readonly timeout?: Duration.DurationInput | undefined
  /** The largest answer read, in bytes; `Settings.defaultMaxBodyBytes` (16 MiB) when absent. */
  readonly maxBodyBytes?: number | undefined
}

const stringField = (body: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const value = body[key]
  if (typeof value === "string" && value !== "") return value
  if (typeof value === "number" || typeof value === "bigint") return String(value)
  return undefined
}

/**
 * Posts the form and returns the JSON object answered, or the OAuth error it names. The answer is read as
 * `ApiHttp.parseJson` reads it: up to `maxBodyBytes`, a redirect refused, and integers beyond the safe ones (a
 * user id such as `x_mailru_vid`) as strings of their digits.
 *
 * @since 0.1.0
 * @category Requests
 */
export const requestToken = (
  request: TokenRequest
): Effect.Effect<Readonly<Record<string, unknown>>, OAuthError | TransportError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const httpRequest: ApiHttp.Request = {
      api: request.api,
      method: request.endpoint,
      url: request.url,
      httpMethod: "POST",
      params: request.fields,
      timeout: request.timeout,
      maxBodyBytes: request.maxBodyBytes
    }
    const { body, status } = yield* ApiHttp.exchangeJson(httpRequest)
    if (ApiHttp.isRecord(body) && typeof body["error"] === "string") {
      return yield* new OAuthError({
        api: request.api,
        error: body["error"],
        errorDescription: stringField(body, "error_description"),
        status: status,
        endpoint: request.endpoint
      })
    }
    if (!ApiHttp.isRecord(body) || status >= 400) {
      return yield* new StatusError({ method: request.endpoint, url: redactUrl(request.url), status: status })
    }
    return body
  })

/**
 * Reads a token answer (`access_token`, `refresh_token`, `expires_in`, `token_type`, a user id field, `scope`)
 * into a `Token`, with the expiry counted from the current clock. An `expires_in` that is absent, not a finite
 * number or not positive gives no expiry; one beyond `Token.maxLifetime` (ten years) is taken at ten years.
 * `keep` supplies what the answer may omit, as OK's refresh answer omits the refresh token that stays valid.
 *
 * @since 0.1.0
 * @category Decoding
 */
export const toToken = (
  api: Api,
  endpoint: string,
  body: Readonly<Record<string, unknown>>,
  options: {
    readonly url: string
    readonly userIdField?: string
    readonly keep?: Token.Token | undefined
    readonly scopes?: ReadonlyArray<string> | undefined
  }
): Effect.Effect<Token.Token, LoginPageError> =>
  Effect.gen(function*() {
    const accessToken = stringField(body, "access_token")
    if (accessToken === undefined) {
      return yield* new LoginPageError({
        api,
        url: redactUrl(options.url),
        step: endpoint,
        detail: "the answer holds no access_token"
      })
    }
    const now = DateTime.unsafeMake(yield* Clock.currentTimeMillis)
    const expiresIn = Number(body["expires_in"])
    const refreshToken = stringField(body, "refresh_token")
    const sessionSecretKey = stringField(body, "session_secret_key")
    const userId = options.userIdField === undefined ? undefined : stringField(body, options.userIdField)
    const scope = stringField(body, "scope")
    const keep = options.keep
    return new Token.Token({
      accessToken: Redacted.make(accessToken),
      refreshToken: refreshToken === undefined ? keep?.refreshToken : Redacted.make(refreshToken),
      sessionSecretKey: sessionSecretKey === undefined ? keep?.sessionSecretKey : Redacted.make(sessionSecretKey),
      userId: userId ?? keep?.userId,
      expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? Token.expiresAtFrom(now, expiresIn) : undefined,
      scopes: scope !== undefined ? scope.split(/[ ;,]+/).filter((s) => s !== "") : options.scopes ?? keep?.scopes,
      tokenType: stringField(body, "token_type") ?? keep?.tokenType
    })
  })

/**
 * Reads the parameters of a URL's fragment (or query), as the implicit flows receive their token.
 *
 * @since 0.1.0
 * @category Decoding
 */
export const fragmentParams = (url: URL): URLSearchParams =>
  new URLSearchParams(url.hash.startsWith("#") ? url.hash.slice(1) : url.hash)

