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
 * Error codes to classes. Only 202 is confirmed by Mail.Ru's own pages; the others are believed to follow the
 * old Facebook REST table the Mail.Ru Platform copied, so a correction is a one-line change here. Codes absent
 * from the table are `OtherApiError`.
 *
 * Mail.Ru answers 102 for a session that is "invalid or expired" alike and the body does not tell which. It is
 * classified as `SessionExpiredError`, so that a session that can renew its token renews it once and replays the
 * call: that is the cheapest recovery when the token merely expired, and when the session was revoked the
 * renewal itself fails with the OAuth server's own verdict (`invalid_grant`), which is the truthful error.
 *
 * @since 0.1.0
 * @category Classification
 */
export const table: ReadonlyMap<number, ApiError.ErrorClass> = new Map<number, ApiError.ErrorClass>([
  [1, "OtherApiError"], // unknown error [?]
  [2, "ServiceUnavailableError"], // service temporarily unavailable [?]
  [3, "UnknownMethodError"], // unknown method [?]
  [4, "RateLimitedError"], // too many calls [?]
  [100, "InvalidParameterError"], // invalid parameter [?]
  [102, "SessionExpiredError"], // invalid or expired session [?] (see above)
  [104, "BadSignatureError"], // incorrect signature [?]
  [200, "PermissionDeniedError"], // permission error [?]
  [202, "PermissionDeniedError"] // "Access to this object is denied" [doc]
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
