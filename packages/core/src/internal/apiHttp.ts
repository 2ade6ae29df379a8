/**
 * The HTTP exchange under every API call and OAuth request of both APIs: one request with the wire parameters
 * in a form body (or, when asked, the query), a time limit, and a body read as JSON whatever its content type
 * says. Transport failures come out as the typed errors of `TransportError`, with URLs stripped of queries.
 *
 * The exchange trusts the server with nothing: a body is read up to a size limit and no further, a redirect is
 * never followed (it would send the request, and its token, to wherever the `Location` says), integers beyond
 * what a `number` holds keep their digits, and no error quotes a body.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { Api } from "../ApiError.js"
import { redactUrl } from "./url.js"
import type { WireParams } from "../Params.js"
import { defaultMaxBodyBytes } from "../Settings.js"
import type * as TimeLimit from "./timeLimit.js"
import {
  EmptyResponseError,
  NetworkError,
  NotJsonError,
  ResponseTooLargeError,
  StatusError,
  TimeoutError,
  type TransportError
} from "../TransportError.js"

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
  /** The largest body read, in bytes; `Settings.defaultMaxBodyBytes` (16 MiB) when absent. */
  readonly maxBodyBytes?: number | undefined
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

const locationOf = (response: HttpClientResponse.HttpClientResponse, base: string): string | undefined => {
  const location = response.headers["location"]
  if (location === undefined) return undefined
  try {
    return redactUrl(new URL(location, base))
  } catch {
    return redactUrl(location)
  }
}

// Ending the body's stream aborts the request, so a body left unread does not keep the connection busy.
const discard = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<void> =>
  Effect.ignore(Stream.runDrain(Stream.take(response.stream, 1)))

const decoder = new TextDecoder()

// Reads chunks until the limit is passed, and then no more: a server that sends without end costs `maxBytes`.
const readBody = (request: Request, response: HttpClientResponse.HttpClientResponse, maxBytes: number) =>
  Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    const keep = (chunk: Uint8Array) =>
      Effect.sync(() => {
        size += chunk.length
        if (size > maxBytes) return false
        chunks.push(chunk)
        return true
      })
    return response.stream.pipe(
      Stream.runForEachWhile(keep),
      // A response that cannot have a body (a 204) has no stream: its body is empty.
      Effect.catchIf((error) => error.reason === "EmptyBody", () => Effect.void),
      Effect.mapError(toNetworkError(request)),
      Effect.flatMap(() => {
        if (size > maxBytes) {
          const { method, url } = request
          const { status } = response
          return Effect.fail(new ResponseTooLargeError({ method, url: redactUrl(url), status, maxBytes }))
        }
        const body = new Uint8Array(size)
        let offset = 0
        for (const chunk of chunks) {
          body.set(chunk, offset)
          offset += chunk.length
        }
        return Effect.succeed(decoder.decode(body))
      })
    )
  })

// fetch follows redirects unless told not to; other clients (undici, node:http) hand them back as they are.
const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
    Effect.provideService(effect, FetchHttpClient.RequestInit, { ...Option.getOrUndefined(init), redirect: "manual" }))

/**
 * Sends the request with `client` and reads the body, up to the request's `maxBodyBytes`, within the time limit:
 * `timeLimit`, shared by the client's calls, or else the request's own `timeout`. A redirect is not followed but
 * fails as a `StatusError`, its body unread; a longer body fails as a `ResponseTooLargeError`, its rest unread.
 * The HTTP client's own span is off (the calling method has its span, and a `GET` would put the token and
 * signature in the span's URL) and no trace headers go to the vendors.
 *
 * @since 0.1.0
 * @category Sending
 */
export const sendWith = (
  client: HttpClient.HttpClient,
  request: Request,
  timeLimit?: TimeLimit.TimeLimit
): Effect.Effect<Response, NetworkError | TimeoutError | StatusError | ResponseTooLargeError> => {
  const entries = Object.entries(request.params)
  const httpRequest = request.httpMethod === "GET"
    ? HttpClientRequest.get(request.url).pipe(HttpClientRequest.appendUrlParams(entries))
    : HttpClientRequest.post(request.url).pipe(HttpClientRequest.bodyUrlParams(entries))
  const exchange = quiet(client).execute(httpRequest).pipe(
    Effect.mapError(toNetworkError(request)),
    Effect.flatMap((response): Effect.Effect<Response, NetworkError | StatusError | ResponseTooLargeError> => {
      if (response.status >= 300 && response.status < 400) {
        const location = locationOf(response, request.url)
        return Effect.zipRight(
          discard(response),
          Effect.fail(
            new StatusError({
              method: request.method,
              url: redactUrl(request.url),
              status: response.status,
              ...(location === undefined ? {} : { location })
            })
          )
        )
      }
      return Effect.map(
        readBody(request, response, request.maxBodyBytes ?? defaultMaxBodyBytes),
        (body): Response => ({ status: response.status, headers: response.headers, body })
      )
    }),
    withoutRedirects
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
export const send = (
  request: Request
): Effect.Effect<Response, NetworkError | TimeoutError | StatusError | ResponseTooLargeError, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) => sendWith(client, request))

// A safe integer has at most 16 digits: a text without a run of 16 is parsed as it is.
const LONG_DIGITS = /\d{16}/
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
const BEFORE_COLON = /\s*:/y

/**
 * `JSON.parse`, except that an integer literal (digits only, no fraction or exponent) beyond the safe integers
 * (`|n| > 2^53 - 1`) comes out as the string of its exact digits, where `JSON.parse` would round it. It throws
 * where `JSON.parse` throws.
 *
 * Such literals are quoted before parsing; strings (escapes included) are skipped, and a literal followed by `:`
 * is left alone, so that a number in a key's place stays invalid JSON instead of becoming a key.
 *
 * @since 0.1.0
 * @category Decoding
 */
export const parse = (text: string): unknown => {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text)
  let out = ""
  let copied = 0
  let i = 0
  while (i < text.length) {
    const char = text[i]!
    if (char === "\"") {
      i++
      while (i < text.length && text[i] !== "\"") i += text[i] === "\\" ? 2 : 1
      i++
      continue
    }
    if (char !== "-" && (char < "0" || char > "9")) {
      i++
      continue
    }
    NUMBER.lastIndex = i
    const match = NUMBER.exec(text)
    if (match === null) {
      i++
      continue
    }
    const end = i + match[0].length
    BEFORE_COLON.lastIndex = end
    const unsafe = match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(Number(match[0]))
    if (unsafe && !BEFORE_COLON.test(text)) {
      out += `${text.slice(copied, i)}"${match[0]}"`
      copied = end
    }
    i = end
  }
  return JSON.parse(copied === 0 ? text : out + text.slice(copied))
}

const firstCharacter = (text: string): string => {
  const char = text[0]!
  if (char === "<") return "markup (<)"
  if (char === "{" || char === "[") return "a JSON bracket"
  if (/\p{L}/u.test(char)) return "a letter"
  if (/\p{N}/u.test(char)) return "a digit"
  return "another character"
}

/**
 * The body as JSON, whatever the content type says, parsed by `parse`: an integer beyond the safe integers (an
 * id such as `x_mailru_vid`) is the string of its digits. An empty body or `null` is an `EmptyResponseError`; a
 * body that does not parse is a `NotJsonError` that describes it (length, first character) without quoting it
 * (or a `StatusError` when the status already says the answer failed). `{}`, `[]`, `false`, `0` and `""` are
 * values like any other.
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
    value = parse(text)
  } catch {
    // The parser's message quotes the body, which may hold a token: describe it instead.
    return Either.left(
      failedStatus
        ? new StatusError({ method: request.method, url, status: response.status })
        : new NotJsonError({
          method: request.method,
          url,
          status: response.status,
          contentType: response.headers["content-type"] ?? "",
          detail: `${response.body.length} characters, starting with ${firstCharacter(text)}`
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

/**
 * Sends the request with `client` (see `sendWith`) and reads the answer's body as JSON (see `parseJson`): the one
 * exchange under API calls, token requests and one-off requests.
 *
 * @since 0.1.0
 * @category Sending
 */
export const exchangeJsonWith = (
  client: HttpClient.HttpClient,
  request: Request,
  timeLimit?: TimeLimit.TimeLimit
): Effect.Effect<{ readonly status: number; readonly body: unknown }, TransportError> =>
  Effect.flatMap(sendWith(client, request, timeLimit), (response) =>
    Effect.map(parseJson(request, response), (body) => ({ status: response.status, body })))

/**
 * `exchangeJsonWith` with the `HttpClient` of the context.
 *
 * @since 0.1.0
 * @category Sending
 */
export const exchangeJson = (
  request: Request
): Effect.Effect<{ readonly status: number; readonly body: unknown }, TransportError, HttpClient.HttpClient> =>
  Effect.flatMap(HttpClient.HttpClient, (client) => exchangeJsonWith(client, request))
