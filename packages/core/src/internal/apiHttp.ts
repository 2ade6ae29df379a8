/**
 * The HTTP exchange under every API call and OAuth request of both APIs: one request with the wire parameters
 * in a form body (or, when asked, the query), a time limit, and a body read as JSON whatever its content type
 * says. Transport failures come out as the typed errors of `TransportError`, with URLs stripped of queries.
 *
 * @since 0.1.0
 */
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Api } from "../ApiError.js"
import { redactUrl } from "./url.js"
import type { WireParams } from "../Params.js"
import type * as TimeLimit from "./timeLimit.js"
import { EmptyResponseError, NetworkError, NotJsonError, StatusError, TimeoutError } from "../TransportError.js"

/**
 * One request: which API, the method name (an API method such as `users.getInfo`, or an OAuth endpoint) used
 * in errors and spans, the URL, the HTTP verb and the wire parameters.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Request {
  readonly api: Api
  readonly method: string
  readonly url: string
  readonly httpMethod: "GET" | "POST"
  readonly params: WireParams
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The answer as it came: status, headers and the body text.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Response {
  readonly status: number
  readonly headers: Headers.Headers
  readonly body: string
}

/**
 * The time limit of a request when none is given.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

const toNetworkError = (request: Request) => (error: HttpClientError.HttpClientError) =>
  new NetworkError({
    method: request.method,
    url: redactUrl(request.url),
    // The error's own message repeats the full URL, query included: keep only what went wrong.
    detail: `${error.reason}${error.description ? `: ${error.description.split("\n", 1)[0]}` : ""}`
  })

// The calls' own spans (OkClient.call, MailRuClient.call) cover the exchange: the HTTP client's span would only
// repeat it, and the vendors have no use for our trace headers. One such client per HTTP client, made once.
const quietClients = new WeakMap<HttpClient.HttpClient, HttpClient.HttpClient>()

const quiet = (client: HttpClient.HttpClient): HttpClient.HttpClient => {
  let found = quietClients.get(client)
  if (found === undefined) {
    found = client.pipe(HttpClient.withTracerDisabledWhen(() => true), HttpClient.withTracerPropagation(false))
    quietClients.set(client, found)
  }
  return found
}

/**
 * Sends the request with `client` and reads the whole body within the time limit: `timeLimit`, shared by the
 * client's calls, or else the request's own `timeout`. The HTTP client's own span is
 * off (the calling method has its span, and a `GET` would put the token and signature in the span's URL) and no
 * trace headers go to the vendors.
 *
 * @since 0.1.0
 * @category Sending
 */
export const sendWith = (
  client: HttpClient.HttpClient,
  request: Request,
  timeLimit?: TimeLimit.TimeLimit
): Effect.Effect<Response, NetworkError | TimeoutError> => {
  const entries = Object.entries(request.params)
  const httpRequest = request.httpMethod === "GET"
    ? HttpClientRequest.get(request.url).pipe(HttpClientRequest.appendUrlParams(entries))
    : HttpClientRequest.post(request.url).pipe(HttpClientRequest.bodyUrlParams(entries))
  const exchange = quiet(client).execute(httpRequest).pipe(
    Effect.flatMap((response) =>
      Effect.map(response.text, (body): Response => ({ status: response.status, headers: response.headers, body }))
    ),
    Effect.mapError(toNetworkError(request))
  )
  const timeout = timeLimit?.duration ?? Duration.decode(request.timeout ?? defaultTimeout)
  const onTimeout = () =>
    new TimeoutError({ method: request.method, url: redactUrl(request.url), timeoutMillis: Duration.toMillis(timeout) })
  return timeLimit !== undefined
    ? timeLimit.apply(exchange, onTimeout)
    : Effect.timeoutFail(exchange, { duration: timeout, onTimeout })
}

/**
 * Sends the request with the `HttpClient` of the context (see `sendWith`).
 *
 * @since 0.1.0
 * @category Sending
 */
export const send = (request: Request): Effect.Effect<Response, NetworkError | TimeoutError, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) => sendWith(client, request))

/**
 * The body as JSON, whatever the content type says. An empty body or `null` is an `EmptyResponseError`; a body
 * that does not parse is a `NotJsonError` (or a `StatusError` when the status already says the answer failed).
 * `{}`, `[]`, `false`, `0` and `""` are values like any other.
 *
 * @since 0.1.0
 * @category Decoding
 */
export const parseJson = (
  request: Request,
  response: Response
): Either.Either<unknown, EmptyResponseError | NotJsonError | StatusError> => {
  const url = redactUrl(request.url)
  const failedStatus = response.status >= 400
  const text = response.body.trim()
  if (text === "") {
    return Either.left(
      failedStatus
        ? new StatusError({ method: request.method, url, status: response.status })
        : new EmptyResponseError({ method: request.method, url, status: response.status })
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return Either.left(
      failedStatus
        ? new StatusError({ method: request.method, url, status: response.status })
        : new NotJsonError({
          method: request.method,
          url,
          status: response.status,
          contentType: response.headers["content-type"] ?? "",
          detail: text.startsWith("<") ? "an HTML page" : (error as Error).message.split("\n", 1)[0]!
        })
    )
  }
  if (value === null) {
    return Either.left(new EmptyResponseError({ method: request.method, url, status: response.status }))
  }
  return Either.right(value)
}

/**
 * Whether a JSON value is a plain object (not an array), the shape every error body has.
 *
 * @since 0.1.0
 * @category Decoding
 */
export const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
