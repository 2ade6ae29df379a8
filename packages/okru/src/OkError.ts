/**
 * The errors of the OK.ru API: the one table that classifies its error codes, the reading of its flat error
 * bodies, and the union of every way the client fails.
 *
 * @since 0.1.0
 */
import * as ApiError from "@okmail/core/ApiError"
import type * as Client from "@okmail/core/Client"
import * as Option from "effect/Option"

type Entry = readonly [from: number, to: number, errorClass: ApiError.ErrorClass]

/**
 * Error codes to classes, as four matching third-party tables give them: no row is confirmed by the vendor's own
 * wording, since OK.ru's error-code page could not be read and its method pages do not list codes. The names agree
 * across those tables and with the codes the API was seen to answer (102 with `PARAM_SESSION_EXPIRED`, 9999 with
 * `SYSTEM`); the classes are our reading of the names. A correction is a one-line change here. Codes absent from
 * the table are `OtherApiError`.
 *
 * @since 0.1.0
 * @category Classification
 */
export const table: ReadonlyArray<Entry> = [
  [1, 1, "OtherApiError"], // UNKNOWN
  [2, 2, "ServiceUnavailableError"], // SERVICE
  [3, 3, "UnknownMethodError"], // METHOD
  [4, 4, "InvalidParameterError"], // REQUEST [?]
  [7, 9, "RateLimitedError"], // ACTION_BLOCKED, FLOOD_BLOCKED, IP_BLOCKED
  [10, 10, "PermissionDeniedError"], // PERMISSION_DENIED
  [11, 11, "RateLimitedError"], // LIMIT_REACHED
  [24, 24, "PermissionDeniedError"], // NOT_OWNER
  [26, 26, "RateLimitedError"], // TOTAL_LIMIT_REACHED
  [50, 50, "PermissionDeniedError"], // NOT_ADMIN
  [100, 101, "InvalidParameterError"], // PARAM, PARAM_API_KEY
  [102, 102, "SessionExpiredError"], // PARAM_SESSION_EXPIRED
  [103, 103, "InvalidSessionError"], // PARAM_SESSION_KEY
  [104, 105, "BadSignatureError"], // PARAM_SIGNATURE, PARAM_RESIGNATURE
  [106, 160, "InvalidParameterError"], // PARAM_*_ID
  [200, 200, "PermissionDeniedError"], // PARAM_PERMISSION
  [211, 214, "InvalidParameterError"], // PARAM_*
  [300, 300, "OtherApiError"], // NOT_FOUND
  [401, 403, "OtherApiError"], // AUTH_LOGIN*: auth.login reads them as wrong credentials
  [453, 453, "InvalidSessionError"], // SESSION_REQUIRED
  [455, 458, "PermissionDeniedError"], // *_RESTRICTION
  [1200, 1200, "OtherApiError"], // BATCH
  [9999, 9999, "ServiceUnavailableError"] // SYSTEM
]

/**
 * The class of an error code.
 *
 * @since 0.1.0
 * @category Classification
 */
export const classify = (code: number): ApiError.ErrorClass =>
  table.find(([from, to]) => code >= from && code <= to)?.[2] ?? "OtherApiError"

/**
 * The codes `auth.login` answers when it refuses the login or the password (or wants a captcha).
 *
 * @since 0.1.0
 * @category Classification
 */
export const loginRefusedCodes: ReadonlySet<number> = new Set([401, 402, 403])

const codeOf = (value: unknown): number | undefined => {
  if (typeof value === "number" && Number.isInteger(value)) return value
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return Number(value)
  return undefined
}

/**
 * The API error an answer holds, if it is an OK error body: an object with `error_code` or `error_msg`.
 *
 * @since 0.1.0
 * @category Classification
 */
export const fromBody = (body: unknown, method: string): Option.Option<ApiError.ApiError> => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return Option.none()
  const record = body as Readonly<Record<string, unknown>>
  if (!("error_code" in record) && !("error_msg" in record)) return Option.none()
  const code = codeOf(record["error_code"]) ?? 1
  const description = typeof record["error_msg"] === "string" ? record["error_msg"] : "no description"
  const data = record["error_data"]
  return Option.some(
    ApiError.make(classify(code), {
      api: "ok",
      code,
      description,
      method,
      ...(data === undefined || data === null ? {} : { data })
    })
  )
}

/**
 * Every way an OK.ru call can fail: an API error, the transport, the configuration or the parameters, the token
 * store, a token renewal, and a typed result that does not decode.
 *
 * @since 0.1.0
 * @category Errors
 */
export type OkError = Client.Error
