/**
 * A small browser for the login and permission pages of the implicit flows: it keeps cookies across requests,
 * follows redirects by hand and records each hop, and stops at the redirect URI so that the fragment carrying
 * the token is read, never fetched (fetch hides `Location` fragments when it follows redirects itself).
 *
 * @since 0.1.0
 */
import * as Cookies from "@effect/platform/Cookies"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import { redactUrl } from "./url.js"
import { NetworkError } from "../TransportError.js"

/**
 * One request of a walk: the method, the URL without its query, and the status answered.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Hop {
  readonly method: string
  readonly url: string
  readonly status: number
}

/**
 * Where a walk ended. `stopped` means the browser reached a URL it was told to stop at (the redirect URI) and
 * did not fetch it: `url` then holds the whole redirect target, fragment included, and `body` is empty.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Page {
  readonly url: URL
  readonly status: number
  readonly body: string
  readonly stopped: boolean
  readonly hops: ReadonlyArray<Hop>
}

/**
 * The operations of a login browser.
 *
 * @since 0.1.0
 * @category Models
 */
export interface LoginBrowser {
  /** Loads a page, following redirects. */
  readonly get: (url: string | URL) => Effect.Effect<Page, NetworkError>
  /** Submits form fields to a URL, following redirects. */
  readonly submit: (
    method: "GET" | "POST",
    url: string | URL,
    fields: ReadonlyArray<readonly [string, string]>
  ) => Effect.Effect<Page, NetworkError>
  /** The names of the cookies the browser holds now, for diagnostics; values stay inside. */
  readonly cookieNames: Effect.Effect<ReadonlyArray<string>>
}

/**
 * Options of a login browser: `stopAt` says which URLs end a walk unfetched (the redirect URI), `maxRedirects`
 * bounds each walk, `userAgent` is sent with every request.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly stopAt: (url: URL) => boolean
  readonly maxRedirects?: number
  readonly userAgent?: string
}

interface StoredCookie {
  readonly host: string
  readonly cookie: Cookies.Cookie
  // When the cookie stops being sent, in milliseconds of the `Clock`; a session cookie has none.
  readonly expiresAt: number | undefined
}

const cookieApplies = (stored: StoredCookie, host: string): boolean => {
  const domain = stored.cookie.options?.domain?.replace(/^\./, "").toLowerCase()
  if (domain === undefined || domain === "") return stored.host === host
  return host === domain || host.endsWith(`.${domain}`)
}

// Max-Age counts from receipt and wins over Expires, as in RFC 6265; zero or less expires the cookie at once.
const expiresAt = (cookie: Cookies.Cookie, now: number): number | undefined => {
  const { expires, maxAge } = cookie.options ?? {}
  const age = maxAge === undefined ? Option.none() : Duration.decodeUnknown(maxAge)
  if (Option.isSome(age)) return now + Duration.toMillis(age.value)
  return expires?.getTime()
}

// `now` comes from the `Clock`, so that a `TestClock` decides when a cookie has expired.
const isExpired = (stored: StoredCookie, now: number): boolean =>
  stored.expiresAt !== undefined && stored.expiresAt <= now

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * A browser whose cookie jar lives as long as the scope; closing the scope empties it.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options): Effect.Effect<LoginBrowser, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const jar = yield* Ref.make<ReadonlyArray<StoredCookie>>([])
    yield* Effect.addFinalizer(() => Ref.set(jar, []))
    const maxRedirects = options.maxRedirects ?? 10

    // A cookie that arrives expired deletes the one of the same name; expired ones are dropped on the way.
    const storeCookies = (host: string, setCookie: Cookies.Cookies) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.update(jar, (stored) => {
          let next = stored.filter((old) => !isExpired(old, now))
          for (const cookie of Object.values(setCookie.cookies)) {
            next = next.filter((old) => !(old.cookie.name === cookie.name && old.host === host))
            const entry: StoredCookie = { host, cookie, expiresAt: expiresAt(cookie, now) }
            if (!isExpired(entry, now)) next = [...next, entry]
          }
          return next
        }))

    const liveCookies = Effect.zipWith(
      Ref.get(jar),
      Clock.currentTimeMillis,
      (stored, now) => stored.filter((entry) => !isExpired(entry, now))
    )

    const cookieHeader = (host: string) =>
      Effect.map(liveCookies, (stored) =>
        stored
          .filter((entry) => cookieApplies(entry, host))
          .map((entry) => `${entry.cookie.name}=${entry.cookie.valueEncoded}`)
          .join("; "))

    const fetchOnce = (method: "GET" | "POST", url: URL, fields: ReadonlyArray<readonly [string, string]>) =>
      Effect.gen(function*() {
        const cookie = yield* cookieHeader(url.hostname)
        let request = method === "GET"
          ? HttpClientRequest.get(url)
          : HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUrlParams(fields))
        if (method === "GET" && fields.length > 0) request = HttpClientRequest.appendUrlParams(request, fields)
        if (cookie !== "") request = HttpClientRequest.setHeader(request, "cookie", cookie)
        if (options.userAgent !== undefined) {
          request = HttpClientRequest.setHeader(request, "user-agent", options.userAgent)
        }
        const response = yield* client.execute(request)
        yield* storeCookies(url.hostname, response.cookies)
        const body = REDIRECTS.has(response.status) ? "" : yield* response.text
        return { status: response.status, location: response.headers["location"], body }
      }).pipe(
        Effect.scoped,
        // fetch must hand redirects back unfollowed, or the fragment of the last one is lost.
        Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" }),
        // A Location header may carry the token in its fragment: keep it out of spans.
        Effect.locallyWith(Headers.currentRedactedNames, (names) => [...names, "location"]),
        Effect.mapError((error) =>
          new NetworkError({ method: "login page", url: redactUrl(url), detail: error.message.split("\n", 1)[0]! })
        )
      )

    const walk = (
      method: "GET" | "POST",
      start: string | URL,
      fields: ReadonlyArray<readonly [string, string]>
    ): Effect.Effect<Page, NetworkError> =>
      Effect.gen(function*() {
        const hops: Array<Hop> = []
        let url = new URL(start)
        let currentMethod = method
        let currentFields = fields
        for (let redirects = 0; ; redirects++) {
          if (options.stopAt(url)) return { url, status: 0, body: "", stopped: true, hops }
          const answer = yield* fetchOnce(currentMethod, url, currentFields)
          hops.push({ method: currentMethod, url: redactUrl(url), status: answer.status })
          if (!REDIRECTS.has(answer.status) || answer.location === undefined) {
            return { url, status: answer.status, body: answer.body, stopped: false, hops }
          }
          if (redirects >= maxRedirects) {
            return yield* new NetworkError({
              method: "login page",
              url: redactUrl(url),
              detail: `more than ${maxRedirects} redirects`
            })
          }
          const next = new URL(answer.location, url)
          // A redirect without a fragment keeps the one of the URL it came from, as browsers do.
          if (next.hash === "" && url.hash !== "") next.hash = url.hash
          url = next
          if (answer.status !== 307 && answer.status !== 308) {
            currentMethod = "GET"
            currentFields = []
          }
        }
      })

    return {
      get: (url) => walk("GET", url, []),
      submit: (method, url, fields) => walk(method, url, fields),
      cookieNames: Effect.map(liveCookies, (stored) => stored.map((entry) => entry.cookie.name))
    }
  })

