/**
 * The errors of the Mail.Ru Platform API: the one table that classifies its error codes, the reading of its
 * nested error bodies, and the union of every way the client fails.
 *
 * @since 0.1.0
 */
import * as ApiError from "@okmail/core/ApiError"
import type * as Client from "@okmail/core/Client"
import * as Option from "effect/Option"

/**
 * Error codes to classes, from the "Коды ошибок" table every REST method page of api.mail.ru carries (for example
 * api.mail.ru/docs/reference/rest/photos-getalbums/ and photos-get): [doc] marks a code from those pages, [3p] one
 * seen elsewhere. There is no documented rate-limit code. Codes absent from the table are `OtherApiError`.
 *
 * - 1, "unknown error, please resubmit the request": the vendor asks for the request again, so it is worth one
 *   retry (`TransientApiError`, whose `retryLimit` is 1) but no more — a failure that persists is not transient.
 * - 102, "user authorization failed (session key or uid incorrect)": the body does not tell an expired session
 *   from a wrong one. It is a `SessionExpiredError`, so that a session that can renew its token renews it once and
 *   replays the call: the cheapest recovery when the token merely expired; when it was revoked, the renewal itself
 *   fails with the OAuth server's verdict (`invalid_grant`), which is the truthful error.
 *
 * @since 0.1.0
 * @category Classification
 */
export const table: ReadonlyMap<number, ApiError.ErrorClass> = new Map<number, ApiError.ErrorClass>([
  [1, "TransientApiError"], // unknown error, please resubmit the request [doc]
  [2, "UnknownMethodError"], // unknown method called [doc]
  [3, "ServiceUnavailableError"], // service temporarily unavailable, please try again later [doc]
  [4, "MethodDeprecatedError"], // method is deprecated [doc]
  [100, "InvalidParameterError"], // one of the parameters is missing or invalid [doc]
  [102, "SessionExpiredError"], // user authorization failed: session key or uid incorrect [doc] (see above)
  [103, "ApplicationNotFoundError"], // application lookup failed: wrong application id [doc]
  [104, "BadSignatureError"], // incorrect signature [doc]
  [105, "ApplicationNotInstalledError"], // application is not installed for this user [doc]
  [200, "PermissionDeniedError"], // permission error: the user has not granted it [doc]
  [202, "PermissionDeniedError"], // access to this object is denied [doc]
  [501, "InvalidParameterError"] // incorrect image [3p]
])

/**
 * The class of an error code.
 *
 * @since 0.1.0
 * @category Classification
 */
export const classify = (code: number): ApiError.ErrorClass => table.get(code) ?? "OtherApiError"

const codeOf = (value: unknown): number | undefined => {
  if (typeof value === "number" && Number.isInteger(value)) return value
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value)
  return undefined
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * The API error an answer holds, if it is a Mail.Ru error body: `{"error":{"error_code":N,"error_msg":"…"}}`
 * (the flat form `{"error_code":N,"error_msg":"…"}` is read too). The error's other fields are left out: the
 * Facebook-style bodies may echo the request's arguments, session key and signature included.
 *
 * @since 0.1.0
 * @category Classification
 */
export const fromBody = (body: unknown, method: string): Option.Option<ApiError.ApiError> => {
  if (!isRecord(body)) return Option.none()
  const nested = body["error"]
  const error = isRecord(nested) ? nested : "error_code" in body ? body : undefined
  if (error === undefined || !("error_code" in error || "error_msg" in error)) return Option.none()
  const code = codeOf(error["error_code"]) ?? 1
  const message = error["error_msg"]
  const description = typeof message === "string" && message !== "" ? message : "no description"
  return Option.some(ApiError.make(classify(code), { api: "mailru", code, description, method }))
}

/**
 * Every way a Mail.Ru call can fail: an API error, the transport, the configuration or the parameters, the
 * token store, a token renewal, and a typed result that does not decode.
 *
 * @since 0.1.0
 * @category Errors
 */
export type MailRuError = Client.Error
