/**
 * A small browser for the login and permission pages of the implicit flows: it keeps cookies across requests,
 * follows redirects by hand and records each hop, and stops at the redirect URI so that the fragment carrying
 * the token is read, never fetched (fetch hides `Location` fragments when it follows redirects itself).
 *
 * The pages it reads are not trusted: it sends nothing to a URL its `refuse` check turns down (the user's
 * password goes in the login form's body), reads each body streamed up to a size cap, never fetches a redirect
 * whose fragment could hold a token, keeps cookies by RFC 6265's rules (a host cannot plant cookies for
 * another, `Secure` cookies never travel over `http:`), and decodes each page in the charset it declares.
 *
 * @since 0.1.0
 */
import type * as Cookies from "@effect/platform/Cookies"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
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
 * Why the browser would not go on, before sending anything that could leak: a URL its `refuse` check turned down
 * (`UntrustedHost`), a page larger than the cap (`TooLarge`), a redirect that is no URL or that carries a
 * fragment elsewhere than the redirect URI (`BadRedirect`). `url` is reduced to origin and path.
 *
 * @since 0.1.0
 * @category Errors
 */
export class LoginRefusal extends Data.TaggedError("LoginRefusal")<{
  readonly reason: "UntrustedHost" | "TooLarge" | "BadRedirect"
  readonly url: string
  readonly detail: string
}> {}

/**
 * The operations of a login browser.
 *
 * @since 0.1.0
 * @category Models
 */
export interface LoginBrowser {
  /** Loads a page, following redirects. */
  readonly get: (url: string | URL) => Effect.Effect<Page, NetworkError | LoginRefusal>
  /** Submits form fields to a URL, following redirects. */
  readonly submit: (
    method: "GET" | "POST",
    url: string | URL,
    fields: ReadonlyArray<readonly [string, string]>
  ) => Effect.Effect<Page, NetworkError | LoginRefusal>
  /** The names of the cookies the browser holds now, for diagnostics; values stay inside. */
  readonly cookieNames: Effect.Effect<ReadonlyArray<string>>
}

/**
 * Options of a login browser: `stopAt` says which URLs end a walk unfetched (the redirect URI), `refuse` why a
 * URL may not be fetched (`undefined` when it may; see `trust`), `maxRedirects` bounds each walk, `maxBodyBytes`
 * each page (4 MiB unless given), `userAgent` is sent with every request.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly stopAt: (url: URL) => boolean
  readonly refuse: (url: URL) => string | undefined
  readonly maxRedirects?: number
  readonly maxBodyBytes?: number
  readonly userAgent?: string
}

/**
 * The largest page body read when none is given: 4 MiB, well above any login page.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaultMaxBodyBytes = 4 * 1024 * 1024

// The same name, or for `*.domain` any name under the domain (not the domain itself).
const hostMatches = (pattern: string, host: string): boolean => {
  const wanted = pattern.toLowerCase()
  const name = host.toLowerCase()
  return wanted.startsWith("*.") ? name.endsWith(wanted.slice(1)) : name === wanted
}

/**
 * A `refuse` check: `origins` are trusted whatever their scheme (the authorize URL's own, so that a server on a
 * loopback `http:` port works), `hosts` (exact names or `*.domain`) over `https:` only. Anything else is turned
 * down with the reason, so that a page cannot send the walk, and the password, to a host of its choosing, nor
 * down from `https:` to `http:`.
 *
 * @since 0.1.0
 * @category Trust
 */
export const trust = (options: { readonly hosts: ReadonlyArray<string>; readonly origins: ReadonlyArray<string> }) =>
(url: URL): string | undefined => {
  if (options.origins.includes(url.origin)) return undefined
  if (url.protocol !== "https:") return `${url.protocol} is allowed only for the authorize URL's origin`
  return options.hosts.some((pattern) => hostMatches(pattern, url.hostname))
    ? undefined
    : `${url.hostname} is not a trusted login host`
}

interface StoredCookie {
  readonly name: string
  readonly valueEncoded: string
  /** The host that set it (host-only) or its `Domain` attribute, lower case without the leading dot. */
  readonly domain: string
  readonly hostOnly: boolean
  readonly path: string
  readonly secure: boolean
  /** When the cookie stops being sent, in milliseconds of the `Clock`; a session cookie has none. */
  readonly expiresAt: number | undefined
}

const isIpAddress = (host: string): boolean => host.startsWith("[") || /^[\d.]+$/.test(host)

// RFC 6265 5.1.3: the domain itself or a name under it; an IP address matches only itself.
const domainMatches = (host: string, domain: string): boolean =>
  host === domain || (!isIpAddress(host) && host.endsWith(`.${domain}`))

// RFC 6265 5.1.4.
const defaultPath = (url: URL): string => {
  const slash = url.pathname.lastIndexOf("/")
  return slash <= 0 ? "/" : url.pathname.slice(0, slash)
}

const pathMatches = (path: string, cookiePath: string): boolean =>
  path === cookiePath ||
  (path.startsWith(cookiePath) && (cookiePath.endsWith("/") || path[cookiePath.length] === "/"))

// Max-Age counts from receipt and wins over Expires, as in RFC 6265; zero or less expires the cookie at once.
const expiresAt = (cookie: Cookies.Cookie, now: number): number | undefined => {
  const { expires, maxAge } = cookie.options ?? {}
  const age = maxAge === undefined ? Option.none() : Duration.decodeUnknown(maxAge)
  if (Option.isSome(age)) return now + Duration.toMillis(age.value)
  return expires?.getTime()
}

// RFC 6265 5.3: a `Domain` the responding host does not domain-match is ignored with its cookie, so that a host
// cannot plant cookies for another; a `Domain` without a dot is taken for a public suffix. A `Secure` cookie
// from `http:` is ignored too (RFC 6265bis), as an `http:` answer may come from anyone on the path.
const received = (cookie: Cookies.Cookie, url: URL, now: number): StoredCookie | undefined => {
  const host = url.hostname.toLowerCase()
  const attribute = cookie.options?.domain?.toLowerCase().replace(/^\./, "")
  const foreign = attribute !== undefined &&
    (!domainMatches(host, attribute) || (attribute !== host && !attribute.includes(".")))
  if (foreign) return undefined
  const secure = cookie.options?.secure === true
  if (secure && url.protocol !== "https:") return undefined
  return {
    name: cookie.name,
    valueEncoded: cookie.valueEncoded,
    domain: attribute ?? host,
    hostOnly: attribute === undefined,
    path: cookie.options?.path ?? defaultPath(url),
    secure,
    expiresAt: expiresAt(cookie, now)
  }
}

const applies = (stored: StoredCookie, url: URL): boolean => {
  const host = url.hostname.toLowerCase()
  return (stored.hostOnly ? host === stored.domain : domainMatches(host, stored.domain)) &&
    pathMatches(url.pathname, stored.path) && (!stored.secure || url.protocol === "https:")
}

// `now` comes from the `Clock`, so that a `TestClock` decides when a cookie has expired.
const isExpired = (stored: StoredCookie, now: number): boolean =>
  stored.expiresAt !== undefined && stored.expiresAt <= now

const sameSlot = (a: StoredCookie, b: StoredCookie): boolean =>
  a.name === b.name && a.domain === b.domain && a.path === b.path && a.hostOnly === b.hostOnly

const charsetOf = (contentType: string | undefined, head: Uint8Array): string => {
  const declared = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? "")?.[1]
  // As browsers do, a page without a charset in its header may declare one in a `<meta>` near its start.
  return declared ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(new TextDecoder().decode(head.subarray(0, 1024)))?.[1] ??
    "utf-8"
}

const decode = (bytes: Uint8Array, charset: string): string => {
  try {
    return new TextDecoder(charset).decode(bytes)
  } catch {
    // An unknown label: read as UTF-8 rather than fail on a page that may still be understood.
    return new TextDecoder().decode(bytes)
  }
}

// Reads the body chunk by chunk and gives up as soon as it passes `limit`, so that a huge or endless page costs
// at most `limit` bytes of memory; the stream's end cancels the rest of the download.
const readBody = (
  response: HttpClientResponse.HttpClientResponse,
  url: URL,
  limit: number
): Effect.Effect<string, HttpClientError.ResponseError | LoginRefusal> => {
  const tooLarge = new LoginRefusal({
    reason: "TooLarge",
    url: redactUrl(url),
    detail: `the page is larger than ${limit} bytes`
  })
  if (Number(response.headers["content-length"]) > limit) return Effect.fail(tooLarge)
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return response.stream.pipe(
      Stream.runForEach((chunk) => {
        size += chunk.length
        if (size > limit) return Effect.fail(tooLarge)
        chunks.push(chunk)
        return Effect.void
      }),
      Effect.map(() => {
        const bytes = new Uint8Array(size)
        let offset = 0
        for (const chunk of chunks) {
          bytes.set(chunk, offset)
          offset += chunk.length
        }
        return decode(bytes, charsetOf(response.headers["content-type"], bytes))
      })
    )
  })
}

const parseUrl = (href: string | URL, base?: URL): URL | undefined => {
  try {
    return new URL(href, base)
  } catch {
    return undefined
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * A browser whose cookie jar lives as long as the scope; closing the scope empties it.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options): Effect.Effect<LoginBrowser, never, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    // No span of the HTTP client (its URL would hold the query, a Location header the token) and no trace
    // headers to the vendors' pages.
    const client = (yield* HttpClient.HttpClient).pipe(
      HttpClient.withTracerDisabledWhen(() => true),
      HttpClient.withTracerPropagation(false)
    )
    const jar = yield* Ref.make<ReadonlyArray<StoredCookie>>([])
    yield* Effect.addFinalizer(() => Ref.set(jar, []))
    const maxRedirects = options.maxRedirects ?? 10
    const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes

    // A cookie replaces the one of the same name, domain and path; one that arrives expired only deletes it.
    const storeCookies = (url: URL, setCookie: Cookies.Cookies) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.update(jar, (stored) => {
          let next = stored.filter((old) => !isExpired(old, now))
          for (const cookie of Object.values(setCookie.cookies)) {
            const entry = received(cookie, url, now)
            if (entry === undefined) continue
            next = next.filter((old) => !sameSlot(old, entry))
            if (!isExpired(entry, now)) next = [...next, entry]
          }
          return next
        }))

    const liveCookies = Effect.zipWith(
      Ref.get(jar),
      Clock.currentTimeMillis,
      (stored, now) => stored.filter((entry) => !isExpired(entry, now))
    )

    // Longer paths first, as RFC 6265 5.4 asks.
    const cookieHeader = (url: URL) =>
      Effect.map(liveCookies, (stored) =>
        stored
          .filter((entry) => applies(entry, url))
          .sort((a, b) => b.path.length - a.path.length)
          .map((entry) => `${entry.name}=${entry.valueEncoded}`)
          .join("; "))

    const fetchOnce = (method: "GET" | "POST", url: URL, fields: ReadonlyArray<readonly [string, string]>) =>
      Effect.gen(function*() {
        const cookie = yield* cookieHeader(url)
        let request = method === "GET"
          ? HttpClientRequest.get(url)
          : HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUrlParams(fields))
        if (method === "GET" && fields.length > 0) request = HttpClientRequest.appendUrlParams(request, fields)
        if (cookie !== "") request = HttpClientRequest.setHeader(request, "cookie", cookie)
        if (options.userAgent !== undefined) {
          request = HttpClientRequest.setHeader(request, "user-agent", options.userAgent)
        }
        const response = yield* client.execute(request)
        yield* storeCookies(url, response.cookies)
        const body = REDIRECTS.has(response.status) ? "" : yield* readBody(response, url, maxBodyBytes)
        return { status: response.status, location: response.headers["location"], body }
      }).pipe(
        Effect.scoped,
        // fetch must hand redirects back unfollowed, or the fragment of the last one is lost.
        Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" }),
        Effect.catchTags({
          // The error's own message repeats the URL: keep only what went wrong.
          RequestError: (error) => Effect.fail(toNetworkError(url, error)),
          ResponseError: (error) => Effect.fail(toNetworkError(url, error))
        })
      )

    const walk = (
      method: "GET" | "POST",
      start: string | URL,
      fields: ReadonlyArray<readonly [string, string]>
    ): Effect.Effect<Page, NetworkError | LoginRefusal> =>
      Effect.gen(function*() {
        const hops: Array<Hop> = []
        let url = parseUrl(start)
        if (url === undefined) return yield* badRedirect(String(start), "the address is not a URL")
        let currentMethod = method
        let currentFields = fields
        for (let redirects = 0;; redirects++) {
          if (options.stopAt(url)) return { url, status: 0, body: "", stopped: true, hops }
          const refused = options.refuse(url)
          if (refused !== undefined) {
            return yield* new LoginRefusal({ reason: "UntrustedHost", url: redactUrl(url), detail: refused })
          }
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
          const next = parseUrl(answer.location, url)
          if (next === undefined) return yield* badRedirect(url, "the Location of a redirect is not a URL")
          // A redirect without a fragment keeps the one of the URL it came from, as browsers do.
          if (next.hash === "" && url.hash !== "") next.hash = url.hash
          // A fragment is where the token travels: only the redirect URI may have one, and it is never fetched.
          if (next.hash !== "" && !options.stopAt(next)) {
            return yield* badRedirect(next, "a redirect carries a fragment to a URL that is not the redirect URI")
          }
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
      cookieNames: Effect.map(liveCookies, (stored) => stored.map((entry) => entry.name))
    }
  })

const badRedirect = (url: string | URL, detail: string) =>
  Effect.fail(new LoginRefusal({ reason: "BadRedirect", url: redactUrl(url), detail }))

const toNetworkError = (url: URL, error: HttpClientError.HttpClientError) =>
  new NetworkError({
    method: "login page",
    url: redactUrl(url),
    detail: `${error.reason}${error.description ? `: ${error.description.split("\n", 1)[0]}` : ""}`
  })
