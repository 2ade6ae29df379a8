/**
 * Failures of the transport under an API call: the network, the time limit, the HTTP status and the body.
 *
 * Every error names the API method (or OAuth endpoint) and the URL without its query, so that it can be logged
 * as it is: no token or signature travels in these errors.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The request never got an answer: the connection failed, was refused or dropped.
 *
 * @since 0.1.0
 * @category Errors
 */
export class NetworkError extends Schema.TaggedError<NetworkError>("@okmail/core/NetworkError")("NetworkError", {
  method: Schema.String,
  url: Schema.String,
  detail: Schema.String
}) {
  /** @since 0.1.0 */
  readonly retryable = true
  /** @since 0.1.0 */
  override get message(): string {
    return `Network failure calling ${this.method} at ${this.url}: ${this.detail}`
  }
}

/**
 * The request did not finish within its time limit.
 *
 * @since 0.1.0
 * @category Errors
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>("@okmail/core/TimeoutError")("TimeoutError", {
  method: Schema.String,
  url: Schema.String,
  timeoutMillis: Schema.Number
}) {
  /** @since 0.1.0 */
  readonly retryable = true
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.method} at ${this.url} did not answer within ${this.timeoutMillis} ms`
  }
}

/**
 * The server answered with an HTTP status the API never uses for a result (a proxy error, a 5xx, a 404), or
 * with a redirect (a 3xx), which API and token requests never follow: `location` then holds its target without
 * query or fragment.
 *
 * @since 0.1.0
 * @category Errors
 */
export class StatusError extends Schema.TaggedError<StatusError>("@okmail/core/StatusError")("StatusError", {
  method: Schema.String,
  url: Schema.String,
  status: Schema.Number,
  location: Schema.optional(Schema.String)
}) {
  /** A 5xx or 429 may pass; a 4xx or a redirect will not. @since 0.1.0 */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408
  }
  /** @since 0.1.0 */
  override get message(): string {
    return this.status >= 300 && this.status < 400
      ? `${this.method} at ${this.url} answered with a redirect (HTTP status ${this.status}) to ${
        this.location ?? "no location"
      }, which API requests do not follow`
      : `${this.method} at ${this.url} answered with HTTP status ${this.status}`
  }
}

/**
 * The body is not JSON (an HTML page from a proxy, a truncated answer). `detail` describes the body — its length
 * and the kind of its first character — and never quotes it, since a body may hold a secret.
 *
 * @since 0.1.0
 * @category Errors
 */
export class NotJsonError extends Schema.TaggedError<NotJsonError>("@okmail/core/NotJsonError")("NotJsonError", {
  method: Schema.String,
  url: Schema.String,
  status: Schema.Number,
  contentType: Schema.String,
  detail: Schema.String
}) {
  /** Such bodies come from proxies and overloaded front ends, so a later try may pass. @since 0.1.0 */
  readonly retryable = true
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.method} at ${this.url} answered with a body that is not JSON (HTTP ${this.status}, ${
      this.contentType || "no content type"
    }): ${this.detail}`
  }
}

/**
 * The body is empty or the JSON value `null`, which no API method returns as a result.
 *
 * @since 0.1.0
 * @category Errors
 */
export class EmptyResponseError extends Schema.TaggedError<EmptyResponseError>("@okmail/core/EmptyResponseError")(
  "EmptyResponseError",
  {
    method: Schema.String,
    url: Schema.String,
    status: Schema.Number
  }
) {
  /** @since 0.1.0 */
  readonly retryable = true
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.method} at ${this.url} answered with an empty body (HTTP ${this.status})`
  }
}

/**
 * The body is larger than the limit (`maxBytes`): the rest of it was not read. A later try would get the same
 * answer, so it is not retried.
 *
 * @since 0.1.0
 * @category Errors
 */
export class ResponseTooLargeError extends Schema.TaggedError<ResponseTooLargeError>(
  "@okmail/core/ResponseTooLargeError"
)("ResponseTooLargeError", {
  method: Schema.String,
  url: Schema.String,
  status: Schema.Number,
  maxBytes: Schema.Number
}) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return `${this.method} at ${this.url} answered with a body over the limit of ${this.maxBytes} bytes (HTTP ${
      this.status
    })`
  }
}

/**
 * Any transport failure.
 *
 * @since 0.1.0
 * @category Errors
 */
export type TransportError =
  | NetworkError
  | TimeoutError
  | StatusError
  | NotJsonError
  | EmptyResponseError
  | ResponseTooLargeError

/**
 * The schema of every transport failure.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const TransportError: Schema.Union<
  [
    typeof NetworkError,
    typeof TimeoutError,
    typeof StatusError,
    typeof NotJsonError,
    typeof EmptyResponseError,
    typeof ResponseTooLargeError
  ]
> = Schema.Union(NetworkError, TimeoutError, StatusError, NotJsonError, EmptyResponseError, ResponseTooLargeError)
