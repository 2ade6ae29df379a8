import * as HtmlForm from "../src/internal/htmlForm.js"
import * as LoginBrowser from "../src/internal/loginBrowser.js"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { createServer } from "node:http"
import * as Pages from "./pages.js"

// A small site on a loopback port with the flow of a login: a session cookie, a login form, a permission form
// and a final redirect whose fragment carries the token.
const site = HttpRouter.empty.pipe(
  HttpRouter.get(
    "/start",
    Effect.succeed(
      HttpServerResponse.redirect("/dk?st.cmd=OAuth2Login", { status: 302 }).pipe(
        HttpServerResponse.unsafeSetCookie("sid", "cookie-1", { path: "/" })
      )
    )
  ),
  HttpRouter.get(
    "/dk",
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      if (request.cookies["sid"] !== "cookie-1") return HttpServerResponse.text("no session", { status: 403 })
      const url = new URL(request.url, "http://site")
      return HttpServerResponse.html(
        url.searchParams.get("st.cmd") === "OAuth2Permissions" ? Pages.okPermissionsPage : Pages.okLoginPage
      )
    })
  ),
  HttpRouter.post(
    "/dk",
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const url = new URL(request.url, "http://site")
      const body = new URLSearchParams(yield* request.text)
      if (url.searchParams.get("st.cmd") === "OAuth2Login") {
        return body.get("fr.password") === "right"
          ? HttpServerResponse.redirect("/dk?st.cmd=OAuth2Permissions", { status: 303 })
          : HttpServerResponse.html(Pages.okLoginPage)
      }
      return body.get("fr.token") === "perm-token-123" && body.has("button_accept_request")
        ? HttpServerResponse.redirect("https://oauth.mycdn.me/blank.html#access_token=SECRET-TOKEN&state=s1", {
          status: 302
        })
        : HttpServerResponse.text("bad permission form", { status: 400 })
    })
  ),
  HttpRouter.get("/loop", Effect.succeed(HttpServerResponse.redirect("/loop", { status: 302 }))),
  HttpRouter.get("/hop", Effect.succeed(HttpServerResponse.redirect("/landing", { status: 301 }))),
  HttpRouter.get("/landing", Effect.succeed(HttpServerResponse.text("landed"))),
  // Sets the cookie `flavour` until the instant `at` (ms since the epoch) or for `seconds`, as the query asks.
  HttpRouter.get(
    "/cookie/set",
    Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const url = new URL(request.url, "http://site")
      const at = url.searchParams.get("at")
      const seconds = url.searchParams.get("seconds")
      return HttpServerResponse.text("set").pipe(
        HttpServerResponse.unsafeSetCookie("flavour", "oat", {
          path: "/",
          ...(at === null ? {} : { expires: new Date(Number(at)) }),
          ...(seconds === null ? {} : { maxAge: `${Number(seconds)} seconds` as const })
        })
      )
    })
  ),
  // Answers with the value of the cookie `flavour` the request carried, or `none`.
  HttpRouter.get(
    "/cookie/echo",
    Effect.map(
      HttpServerRequest.HttpServerRequest,
      (request) => HttpServerResponse.text(request.cookies["flavour"] ?? "none")
    )
  )
)

const SiteLive = HttpServer.serve(site).pipe(
  Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
  Layer.provideMerge(FetchHttpClient.layer)
)

const baseUrl = HttpServer.addressFormattedWith((address) => Effect.succeed(address))

// The site is on a loopback port over http: its origin is the one the tests trust.
const trustAll = { refuse: () => undefined }

const stopAtBlank = { ...trustAll, stopAt: (url: URL) => url.href.startsWith("https://oauth.mycdn.me/blank.html") }

describe("LoginBrowser", () => {
  it.scoped("walks a login: cookies kept, forms submitted, stops unfetched at the redirect URI", () =>
    Effect.gen(function*() {
      const base = yield* baseUrl
      const browser = yield* LoginBrowser.make(stopAtBlank)
      const login = yield* browser.get(`${base}/start`)
      assert.strictEqual(login.status, 200)
      assert.deepStrictEqual(login.hops.map((hop) => hop.status), [302, 200])
      assert.deepStrictEqual(yield* browser.cookieNames, ["sid"])

      const loginForm = Option.getOrThrow(HtmlForm.findForm(login.body, login.url, ["fr.email", "fr.password"]))
      const wrong = yield* browser.submit(
        loginForm.method,
        loginForm.action,
        Either.getOrThrow(HtmlForm.submission(loginForm, { fill: { "fr.email": "ivan", "fr.password": "wrong" } }))
      )
      assert.strictEqual(wrong.url.searchParams.get("st.cmd"), "OAuth2Login")

      const permissions = yield* browser.submit(
        loginForm.method,
        loginForm.action,
        Either.getOrThrow(HtmlForm.submission(loginForm, { fill: { "fr.email": "ivan", "fr.password": "right" } }))
      )
      assert.strictEqual(permissions.url.searchParams.get("st.cmd"), "OAuth2Permissions")
      assert.deepStrictEqual(permissions.hops.map((hop) => [hop.method, hop.status]), [["POST", 303], ["GET", 200]])

      const accept = Option.getOrThrow(HtmlForm.findForm(permissions.body, permissions.url, ["fr.token"]))
      const done = yield* browser.submit(
        accept.method,
        accept.action,
        Either.getOrThrow(HtmlForm.submission(accept, { button: "button_accept_request" }))
      )
      assert.isTrue(done.stopped)
      assert.strictEqual(done.url.origin + done.url.pathname, "https://oauth.mycdn.me/blank.html")
      assert.strictEqual(new URLSearchParams(done.url.hash.slice(1)).get("access_token"), "SECRET-TOKEN")
      for (const hop of done.hops) assert.notInclude(hop.url, "SECRET-TOKEN")
    }).pipe(Effect.provide(SiteLive)))

  it.scoped("keeps the fragment of the URL a redirect came from, as browsers do", () =>
    Effect.gen(function*() {
      const base = yield* baseUrl
      const browser = yield* LoginBrowser.make({ ...trustAll, stopAt: (url) => url.pathname === "/landing" })
      const page = yield* browser.get(`${base}/hop#keep=1`)
      assert.isTrue(page.stopped)
      assert.strictEqual(page.url.hash, "#keep=1")
    }).pipe(Effect.provide(SiteLive)))

  it.scoped("fails with a NetworkError after too many redirects, and when nothing listens", () =>
    Effect.gen(function*() {
      const base = yield* baseUrl
      const browser = yield* LoginBrowser.make({ ...trustAll, stopAt: () => false, maxRedirects: 3 })
      const loop = yield* Effect.flip(browser.get(`${base}/loop`))
      assert.strictEqual(loop._tag, "NetworkError")
      assert.include(loop.detail, "more than 3 redirects")
      const closed = yield* Effect.flip(browser.get("http://127.0.0.1:1/dk?st.cmd=secret-in-query"))
      assert.strictEqual(closed._tag, "NetworkError")
      assert.notInclude(closed.message, "secret-in-query")
    }).pipe(Effect.provide(SiteLive)))

  it.scoped("sends a cookie until its Expires date comes on the Clock, then no more", () =>
    Effect.gen(function*() {
      const base = yield* baseUrl
      const browser = yield* LoginBrowser.make({ ...trustAll, stopAt: () => false })
      const echo = Effect.map(browser.get(`${base}/cookie/echo`), (page) => page.body)
      // On a whole second, as an Expires date has no milliseconds.
      yield* TestClock.setTime(Date.UTC(2030, 0, 1))
      const expires = (yield* Clock.currentTimeMillis) + 60_000
      yield* browser.get(`${base}/cookie/set?at=${expires}`)
      assert.strictEqual(yield* echo, "oat")
      yield* TestClock.adjust("59 seconds")
      assert.strictEqual(yield* echo, "oat")
      assert.deepStrictEqual(yield* browser.cookieNames, ["flavour"])
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* echo, "none")
      assert.deepStrictEqual(yield* browser.cookieNames, [])
    }).pipe(Effect.provide(SiteLive)))

  it.scoped("counts Max-Age from receipt on the Clock, and a Max-Age of 0 deletes the cookie", () =>
    Effect.gen(function*() {
      const base = yield* baseUrl
      const browser = yield* LoginBrowser.make({ ...trustAll, stopAt: () => false })
      const echo = Effect.map(browser.get(`${base}/cookie/echo`), (page) => page.body)
      yield* TestClock.adjust("1 hour")
      yield* browser.get(`${base}/cookie/set?seconds=30`)
      yield* TestClock.adjust("29 seconds")
      assert.strictEqual(yield* echo, "oat")
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* echo, "none")

      yield* browser.get(`${base}/cookie/set?seconds=30`)
      assert.strictEqual(yield* echo, "oat")
      yield* browser.get(`${base}/cookie/set?seconds=0`)
      assert.strictEqual(yield* echo, "none")
      assert.deepStrictEqual(yield* browser.cookieNames, [])
    }).pipe(Effect.provide(SiteLive)))

  it.effect("empties its cookie jar when its scope closes", () =>
    Effect.gen(function*() {
      const base = yield* baseUrl
      const names = yield* Effect.scoped(
        Effect.gen(function*() {
          const browser = yield* LoginBrowser.make(stopAtBlank)
          yield* browser.get(`${base}/start`)
          return { during: yield* browser.cookieNames, browser }
        })
      )
      assert.deepStrictEqual(names.during, ["sid"])
      assert.deepStrictEqual(yield* names.browser.cookieNames, [])
    }).pipe(Effect.provide(SiteLive), Effect.scoped))
})
