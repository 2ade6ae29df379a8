// What every route shares: reading a request's parameters, knowing under which URLs the emulator is reached,
// answering in each API's shape, applying injected faults and recording the log.
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type { Api, LogEntry } from "../EmulatorControl.js"
import type { Fault } from "../Fault.js"
import type { World } from "./state.js"

/** The in-process transport turns this into a dropped connection. */
export class Disconnected extends Data.TaggedError("Disconnected")<{}> {}

/** The bases under which each vendor host of the emulator is reached by the requester. */
export interface Sites {
  readonly okApi: string
  readonly okConnect: string
  readonly mailruApi: string
  readonly mailruConnect: string
  readonly mailruAuth: string
  /** Whether the requester reached the emulator under the vendors' own host names (the in-process transport). */
  readonly vendorHosts: boolean
}

/** Which internal prefix serves each vendor host; the in-process transport maps URLs with it. */
export const vendorHosts: Readonly<Record<string, "" | "/mailru">> = {
  "api.ok.ru": "",
  "connect.ok.ru": "",
  "ok.ru": "",
  "www.ok.ru": "",
  "appsmail.ru": "/mailru",
  "www.appsmail.ru": "/mailru",
  "connect.mail.ru": "/mailru",
  "auth.mail.ru": "/mailru",
  "e.mail.ru": "/mailru"
}

const vendorSites: Sites = {
  okApi: "https://api.ok.ru",
  okConnect: "https://connect.ok.ru",
  mailruApi: "https://appsmail.ru",
  mailruConnect: "https://connect.mail.ru",
  mailruAuth: "https://auth.mail.ru",
  vendorHosts: true
}

export const sitesOf = (host: string, protocol: string): Sites => {
  if (Object.hasOwn(vendorHosts, host.toLowerCase())) return vendorSites
  const base = `${protocol}//${host}`
  return {
    okApi: base,
    okConnect: base,
    mailruApi: `${base}/mailru`,
    mailruConnect: `${base}/mailru`,
    mailruAuth: `${base}/mailru`,
    vendorHosts: false
  }
}

export interface Incoming {
  readonly request: HttpServerRequest.HttpServerRequest
  readonly httpMethod: string
  /** The path as the emulator routes it (the `/mailru` prefix removed). */
  readonly path: string
  readonly query: URLSearchParams
  /** Query and form body together; the body wins. */
  readonly params: Readonly<Record<string, string>>
  readonly cookies: Readonly<Record<string, string>>
  readonly sites: Sites
  readonly host: string
}

export const incoming: Effect.Effect<Incoming, never, HttpServerRequest.HttpServerRequest> = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  // In process the request keeps the URL it was sent to; over a socket, the Host header names it.
  const original = request.originalUrl.startsWith("/") ? undefined : new URL(request.originalUrl)
  const host = original?.host ?? request.headers["host"] ?? "localhost"
  const protocol = original?.protocol ?? (request.headers["x-forwarded-proto"] === "https" ? "https:" : "http:")
  const url = new URL(request.url, `${protocol}//${host}`)
  const params: Record<string, string> = {}
  for (const [key, value] of url.searchParams) params[key] = value
  const contentType = request.headers["content-type"] ?? ""
  if (request.method === "POST" && contentType.includes("application/x-www-form-urlencoded")) {
    const body = yield* Effect.orElseSucceed(request.urlParamsBody, () => [] as ReadonlyArray<readonly [string, string]>)
    for (const [key, value] of body) params[key] = value
  }
  return {
    request,
    httpMethod: request.method,
    path: url.pathname.replace(/^\/mailru(?=\/)/, ""),
    query: url.searchParams,
    params,
    cookies: request.cookies,
    sites: sitesOf(host, protocol),
    host
  }
})

export const now = Clock.currentTimeMillis

export const record = (world: World, entry: Omit<LogEntry, "at">) =>
  Effect.flatMap(now, (at) => Effect.sync(() => world.record({ at, ...entry })))

export const okErrorMessages: Readonly<Record<number, string>> = {
  1: "UNKNOWN : Unknown error",
  2: "SERVICE : Service temporarily unavailable",
  3: "METHOD : Method not found",
  4: "REQUEST : Request is invalid",
  8: "FLOOD_BLOCKED : Too many requests",
  10: "PERMISSION_DENIED : Permission denied",
  100: "PARAM : Missing or invalid parameter",
  101: "PARAM_API_KEY : Application key is invalid",
  102: "PARAM_SESSION_EXPIRED : Session expired",
  103: "PARAM_SESSION_KEY : Invalid session key",
  104: "PARAM_SIGNATURE : Invalid signature",
  300: "NOT_FOUND : Not found",
  401: "AUTH_LOGIN : Invalid login or password",
  453: "SESSION_REQUIRED : Session required",
  9999: "SYSTEM : Critical system error"
}

/** OK's flat error body, with HTTP 200 and the `Invocation-Error` header. */
export const okError = (code: number, message?: string) =>
  HttpServerResponse.unsafeJson(
    { error_code: code, error_msg: message ?? okErrorMessages[code] ?? `ERROR ${code}`, error_data: null },
    { headers: { "invocation-error": String(code) }, contentType: "application/json;charset=utf-8" }
  )

export const okResult = (value: unknown) =>
  HttpServerResponse.unsafeJson(value, { contentType: "application/json;charset=utf-8" })

export const mailruErrorMessages: Readonly<Record<number, string>> = {
  1: "Unknown error: please resubmit the request",
  2: "Unknown method called",
  3: "Service temporarily unavailable: please try again later",
  4: "Method is deprecated",
  100: "One of the parameters specified was missing or invalid",
  102: "User authorization failed: the session key or uid is incorrect",
  103: "Application lookup failed: the application id is not correct",
  104: "Incorrect signature",
  105: "Application is not installed for this user",
  200: "Permission error: the user has not granted the application this permission",
  202: "Access to this object is denied",
  501: "Incorrect image"
}

/** Mail.Ru answers JSON labelled `text/javascript`. */
export const mailruJson = (value: unknown, status = 200) =>
  HttpServerResponse.text(JSON.stringify(value), { status, contentType: "text/javascript; charset=utf-8" })

/** Mail.Ru's nested error body. */
export const mailruError = (code: number, message?: string, status = 200) =>
  mailruJson(
    { error: { error_code: code, error_msg: message ?? mailruErrorMessages[code] ?? `Error ${code}` } },
    status
  )

export const oauthError = (error: string, description: string, status = 400) =>
  HttpServerResponse.unsafeJson({ error, error_description: description }, { status })

export const htmlPage = (body: string, status = 200) =>
  HttpServerResponse.text(body, { status, contentType: "text/html; charset=utf-8" })

/** A `302` to `location`, as the vendors' pages redirect. */
export const found = (location: string) =>
  HttpServerResponse.empty({ status: 302, headers: { location } })

export type ResponseKind = "ok-api" | "mailru-api" | "oauth" | "page"

const faultName = (fault: Fault) => fault._tag

/**
 * Answers a fault. `Delay` sleeps by the emulator's clock and lets the request go on (undefined is returned);
 * every other fault is the whole answer.
 */
export const answerFault = (
  fault: Fault,
  kind: ResponseKind,
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<HttpServerResponse.HttpServerResponse | undefined, Disconnected> => {
  switch (fault._tag) {
    case "Delay":
      return Effect.as(Effect.sleep(fault.duration), undefined)
    case "Disconnect": {
      const socket = (request.source as { readonly socket?: { destroy?: () => void } } | undefined)?.socket
      if (socket !== undefined && typeof socket.destroy === "function") {
        return Effect.zipRight(Effect.sync(() => socket.destroy!()), Effect.interrupt)
      }
      return Effect.fail(new Disconnected())
    }
    case "ApiError":
      return Effect.succeed(
        kind === "ok-api"
          ? okError(fault.code, fault.message)
          : kind === "mailru-api"
          ? mailruError(fault.code, fault.message)
          : oauthError("server_error", fault.message ?? `error ${fault.code}`, 500)
      )
    case "OAuthError":
      return Effect.succeed(oauthError(fault.error, fault.description ?? fault.error, fault.status ?? 400))
    case "HttpStatus":
      return Effect.succeed(
        htmlPage(`<html><body><h1>${fault.status}</h1><p>nginx</p></body></html>`, fault.status)
      )
    case "Html":
      return Effect.succeed(
        htmlPage("<!DOCTYPE html><html><head><title>Технические работы</title></head><body>Сервис временно недоступен</body></html>")
      )
    case "MalformedJson":
      return Effect.succeed(
        kind === "mailru-api"
          ? HttpServerResponse.text(`[{"uid":"1324730981306483817","first_name":"Ив`, {
            contentType: "text/javascript; charset=utf-8"
          })
          : HttpServerResponse.text(`{"uid":"574635128830","name":"Ив`, { contentType: "application/json;charset=utf-8" })
      )
    case "EmptyBody":
      return Effect.succeed(HttpServerResponse.empty({ status: 200 }))
  }
}

/**
 * Runs `handle` unless a fault is queued for one of `targets`; a `Delay` runs it after the delay. Faulted
 * requests are logged here; `handle` logs its own.
 */
export const withFaults = <R>(
  world: World,
  api: Api,
  targets: ReadonlyArray<string>,
  kind: ResponseKind,
  entry: Omit<LogEntry, "at" | "verdict">,
  handle: Effect.Effect<HttpServerResponse.HttpServerResponse, never, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, Disconnected, R | HttpServerRequest.HttpServerRequest> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const fault = world.takeFault(api, targets)
    if (fault === undefined) return yield* handle
    if (fault._tag !== "Delay") yield* record(world, { ...entry, verdict: `fault ${faultName(fault)}` })
    const answered = yield* answerFault(fault, kind, request)
    return answered ?? (yield* handle)
  })

/**
 * Answers only the verbs named: any other is refused with 405 and an `Allow` header, before the API sees it, as
 * the vendors' endpoints are documented and used with GET and POST only (Mail.Ru's public data with GET).
 */
export const onlyVerbs = <E, R>(
  verbs: ReadonlyArray<string>,
  answer: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
): Effect.Effect<HttpServerResponse.HttpServerResponse, E, R | HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    verbs.includes(request.method)
      ? answer
      : Effect.succeed(
        HttpServerResponse.text("Method Not Allowed", { status: 405, headers: { allow: verbs.join(", ") } })
      ))
