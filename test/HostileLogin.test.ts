// The login walk against hostile pages, each served by a loopback server started in the test: pages that send
// the password to another host or down to http, endless and trickling bodies, deep markup, broken redirects,
// tokens in fragments sent elsewhere, planted cookies, and pages in windows-1251. Every server records the
// connections and bytes it received, so that "nothing was sent there" is observed, not assumed.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Auth, Token } from "@okmail/core"
import { MailRuAuth, MailRuConfig } from "@okmail/mailru"
import { OkAuth, OkConfig } from "@okmail/okru"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Tracer from "effect/Tracer"
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import { createServer as createTlsServer } from "node:https"
import type { AddressInfo } from "node:net"

// A throwaway self-signed certificate for localhost and 127.0.0.1 (valid 2000–2100), trusted by the TLS client
// of these tests only.
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkg50xU17nf2aDhMy
1FBnwatTKRtaVTCVZjhZ0jJwvDihRANCAATncqvfmmcvHVJ/VDdQGKh12muGvxCC
/sNnAYDtMj4OEWhBBnYhfqIgc1BD7/ocBELEzDQUuEWCO+6QXROJUAWm
-----END PRIVATE KEY-----`
const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBaDCCAQ2gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOdyq9+aZy8dUn9U
N1AYqHXaa4a/EIL+w2cBgO0yPg4RaEEGdiF+oiBzUEPv+hwEQsTMNBS4RYI77pBd
E4lQBaajTjBMMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAPBgNVHRMBAf8E
BTADAQH/MB0GA1UdDgQWBBTkav+QD6W7e3cEsu2Ic+UxavmorTAKBggqhkjOPQQD
AgNJADBGAiEA3UCWzZX4kaPTiEg7ekfF3moqcvyhcdRbvo1LSbUlq9kCIQCsu1wp
Symqla4A1zNy/raNAbrP6OQ4m4Yf4vPjLKjc9g==
-----END CERTIFICATE-----`

/** The HTTP client most applications use. */
const FetchClient = FetchHttpClient.layer
/** Node's client, trusting the test certificate, for the servers that speak TLS. */
const TlsClient = NodeHttpClient.layerWithoutAgent.pipe(Layer.provide(NodeHttpClient.makeAgentLayer({ ca: TLS_CERT })))

interface Received {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

interface Site {
  readonly port: number
  /** `http://127.0.0.1:port`, or `https://` for a TLS site. */
  readonly origin: string
  readonly requests: ReadonlyArray<Received>
  /** Connections opened and bytes received, TLS handshakes included. */
  readonly connections: () => number
  readonly bytesReceived: () => number
}

type Handler = (request: Received, response: ServerResponse) => void

/** A server on a free loopback port for the test's scope, recording what reaches it. */
const serve = (handler: Handler, options: { readonly tls?: boolean } = {}) =>
  Effect.map(
    Effect.acquireRelease(
      Effect.async<{ readonly site: Site; readonly close: (done: () => void) => void }>((resume) => {
        const requests: Array<Received> = []
        let connections = 0
        let bytes = 0
        const onRequest = (incoming: IncomingMessage, response: ServerResponse) => {
          let body = ""
          incoming.setEncoding("utf8")
          incoming.on("data", (chunk: string) => body += chunk)
          incoming.on("end", () => {
            const request = { method: incoming.method!, path: incoming.url!, headers: incoming.headers, body }
            requests.push(request)
            handler(request, response)
          })
        }
        const server = options.tls === true
          ? createTlsServer({ key: TLS_KEY, cert: TLS_CERT }, onRequest)
          : createServer(onRequest)
        server.on("connection", (socket) => {
          connections++
          socket.on("data", (data: Buffer) => bytes += data.length)
        })
        server.listen(0, "127.0.0.1", () => {
          const port = (server.address() as AddressInfo).port
          resume(Effect.succeed({
            site: {
              port,
              origin: `${options.tls === true ? "https" : "http"}://127.0.0.1:${port}`,
              requests,
              connections: () => connections,
              bytesReceived: () => bytes
            },
            close: (done) => {
              server.closeAllConnections()
              server.close(() => done())
            }
          }))
        })
      }),
      ({ close }) => Effect.async<void>((resume) => close(() => resume(Effect.void)))
    ),
    ({ site }) => site
  )

/** A server that must receive nothing. */
const trap = (options: { readonly tls?: boolean } = {}) =>
  serve((_, response) => response.end("you should not be here"), options)

const html = (response: ServerResponse, body: string | Buffer, contentType = "text/html; charset=utf-8") => {
  response.writeHead(200, { "content-type": contentType })
  response.end(body)
}

const redirect = (response: ServerResponse, location: string, cookies: ReadonlyArray<string> = []) => {
  response.writeHead(302, { location, "set-cookie": [...cookies] })
  response.end()
}

const loginPage = (action: string) =>
  `<html><body><form method="post" action="${action}"><input name="login" value="ivan">` +
  `<input type="password" name="password"></form></body></html>`

const blank = "https://oauth.mycdn.me/blank.html"
const PASSWORD = "hunter2-password"
const token = new Token.Token({ accessToken: Redacted.make("test-token") })

/**
 * A walk that fills the password into the first login form it meets, and ends on the next page (or the redirect
 * URI), handing back every page it saw.
 */
const walkFrom = (start: string, options: Partial<Omit<Auth.WalkOptions<never>, "step">> = {}) => {
  const pages: Array<Auth.Page> = []
  return Auth.walk<never>({
    api: "ok",
    start,
    redirectUri: new URL(blank),
    maxPages: 4,
    timeout: "5 seconds",
    ...options,
    step: (page, posted) => {
      pages.push(page)
      const form = Auth.findForm(page, ["password"])
      return Effect.succeed(
        Option.isSome(form) && !posted.has("login")
          ? Auth.submit("login", form.value, { fill: { password: PASSWORD } })
          : Auth.done(token)
      )
    }
  }).pipe(Effect.as(pages))
}

const sentPassword = (site: Site) => site.requests.some((request) => request.body.includes(PASSWORD))

describe("host policy: the walk sends nothing outside the login hosts", () => {
  it.scoped("a login form posting to another origin over http is refused, and that host gets no byte", () =>
    Effect.gen(function*() {
      const evil = yield* trap()
      const login = yield* serve((_, response) => html(response, loginPage(`${evil.origin}/steal?user=ivan`)))
      const error = yield* Effect.flip(walkFrom(`${login.origin}/authorize?client_id=1`))
      assert.strictEqual(error._tag, "UntrustedHostError")
      if (error._tag !== "UntrustedHostError") return
      assert.strictEqual(error.step, "login")
      assert.strictEqual(error.url, `${evil.origin}/steal`)
      assert.include(error.detail, "http:")
      assert.include(error.message, "refused to send anything")
      assert.strictEqual(evil.connections(), 0)
      assert.strictEqual(evil.bytesReceived(), 0)
      assert.isFalse(sentPassword(login))
    }).pipe(Effect.provide(FetchClient)))

  it.scoped("a login form posting to an https host outside loginHosts is refused before any connection", () =>
    Effect.gen(function*() {
      const evil = yield* trap({ tls: true })
      const action = `https://localhost:${evil.port}/steal`
      const login = yield* serve((_, response) => html(response, loginPage(action)))
      const error = yield* Effect.flip(walkFrom(`${login.origin}/authorize`, { loginHosts: ["connect.ok.ru"] }))
      assert.strictEqual(error._tag, "UntrustedHostError")
      assert.include(error._tag === "UntrustedHostError" ? error.detail : "", "localhost is not a trusted login host")
      assert.strictEqual(evil.connections(), 0)
    }).pipe(Effect.provide(TlsClient)))

  it.scoped("a redirect to another host is not followed", () =>
    Effect.gen(function*() {
      const evil = yield* trap()
      const login = yield* serve((_, response) => redirect(response, `${evil.origin}/collect?code=1`))
      const error = yield* Effect.flip(walkFrom(`${login.origin}/authorize`))
      assert.strictEqual(error._tag, "UntrustedHostError")
      assert.strictEqual(error._tag === "UntrustedHostError" && error.step, "authorize")
      assert.strictEqual(evil.connections(), 0)
    }).pipe(Effect.provide(FetchClient)))

  it.scoped("from an https authorize page, neither a form nor a redirect may go down to http", () =>
    Effect.gen(function*() {
      const plain = yield* trap()
      const secure = yield* serve((request, response) => {
        if (request.path === "/form") return html(response, loginPage(`http://localhost:${plain.port}/login`))
        // The same host and port, only the scheme differs.
        redirect(response, `http://localhost:${plain.port}/authorize`)
      }, { tls: true })
      const https = `https://localhost:${secure.port}`
      const viaForm = yield* Effect.flip(walkFrom(`${https}/form`, { loginHosts: ["localhost"] }))
      const viaRedirect = yield* Effect.flip(walkFrom(`${https}/redirect`, { loginHosts: ["localhost"] }))
      for (const error of [viaForm, viaRedirect]) {
        assert.strictEqual(error._tag, "UntrustedHostError")
        assert.include(error._tag === "UntrustedHostError" ? error.detail : "", "http: is allowed only")
      }
      assert.strictEqual(plain.connections(), 0)
      assert.strictEqual(secure.requests.length, 2)
    }).pipe(Effect.provide(TlsClient)))

  it.scoped("an https host in loginHosts is followed, by exact name or *.domain; without it, refused", () =>
    Effect.gen(function*() {
      const secure = yield* serve((request, response) => {
        if (request.method === "GET") return html(response, loginPage("/login"))
        redirect(response, `${blank}#access_token=T`)
      }, { tls: true })
      const start = yield* serve((_, response) => redirect(response, `https://localhost:${secure.port}/form`))
      const refused = yield* Effect.flip(walkFrom(`${start.origin}/authorize`))
      assert.strictEqual(refused._tag, "UntrustedHostError")
      assert.strictEqual(secure.connections(), 0)

      const pages = yield* walkFrom(`${start.origin}/authorize`, { loginHosts: ["localhost"] })
      assert.isTrue(pages.at(-1)!.stopped)
      assert.isTrue(sentPassword(secure))
      // `*.domain` names hosts under the domain, not the domain itself.
      assert.strictEqual(
        (yield* Effect.flip(walkFrom(`${start.origin}/authorize`, { loginHosts: ["*.localhost"] })))._tag,
        "UntrustedHostError"
      )
    }).pipe(Effect.provide(TlsClient)))

  it.scoped("OkAuth.implicit and MailRuAuth.implicit keep the password from a host outside loginHosts", () =>
    Effect.gen(function*() {
      const evil = yield* trap()
      const site = yield* serve((request, response) =>
        request.path.startsWith("/ok/")
          ? html(
            response,
            `<form method="post" action="${evil.origin}/dk"><input name="fr.email"><input name="fr.password"></form>`
          )
          : html(
            response,
            `<form method="post" action="${evil.origin}/cgi-bin/auth"><input name="Login"><input name="Domain">` +
              `<input name="Password" type="password"></form>`
          )
      )
      const ok = yield* Effect.flip(
        OkAuth.implicit({ applicationId: "512", login: "ivan", password: Redacted.make(PASSWORD) }).pipe(
          Effect.provide(OkConfig.layer({ authorizeUrl: `${site.origin}/ok/oauth/authorize` }))
        )
      )
      const mailru = yield* Effect.flip(
        MailRuAuth.implicit({ appId: "123456", email: "ivan@mail.ru", password: Redacted.make(PASSWORD) }).pipe(
          Effect.provide(MailRuConfig.layer({ authorizeUrl: `${site.origin}/mailru/oauth/authorize` }))
        )
      )
      assert.deepStrictEqual([ok._tag, mailru._tag], ["UntrustedHostError", "UntrustedHostError"])
      assert.notInclude(`${ok.message} ${mailru.message}`, PASSWORD)
      assert.strictEqual(evil.connections(), 0)
    }).pipe(Effect.provide(FetchClient)))
})

describe("login hosts in OkConfig and MailRuConfig", () => {
  it.effect("default to the vendors' login and redirect hosts", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual([...(yield* OkConfig.OkConfig).loginHosts], [
        "connect.ok.ru",
        "ok.ru",
        "www.ok.ru",
        "oauth.mycdn.me"
      ])
      assert.deepStrictEqual([...(yield* MailRuConfig.MailRuConfig).loginHosts], [
        "connect.mail.ru",
        "auth.mail.ru",
        "account.mail.ru"
      ])
    }))

  it("take exact names and *.domain patterns in lower case, and refuse anything else by name", () => {
    const ok = Either.getOrThrow(OkConfig.make({ loginHosts: ["Connect.OK.ru", "*.ok.ru", "127.0.0.1"] }))
    assert.deepStrictEqual([...ok.loginHosts], ["connect.ok.ru", "*.ok.ru", "127.0.0.1"])
    for (const bad of ["https://ok.ru", "ok.ru:443", "ok.ru/dk", "", "*", "ok.*.ru", "ok ru"]) {
      const error = Either.flip(MailRuConfig.make({ loginHosts: [bad] }))
      assert.isTrue(Either.isRight(error), bad)
      assert.strictEqual(Either.getOrThrow(error).option, "loginHosts")
    }
    // Two settings values with the same hosts are the same settings (a session and its client compare them).
    const again = OkConfig.make({ loginHosts: ["connect.ok.ru", "*.ok.ru", "127.0.0.1"] })
    assert.deepStrictEqual(ok, Either.getOrThrow(again))
  })

  it.effect("read OK_LOGIN_HOSTS and MAILRU_LOGIN_HOSTS, comma-separated", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual([...(yield* OkConfig.OkConfig).loginHosts], ["ok.example", "*.ok.example"])
      assert.deepStrictEqual([...(yield* MailRuConfig.MailRuConfig).loginHosts], ["mail.example"])
    }).pipe(
      Effect.provide(Layer.merge(OkConfig.layerConfig(), MailRuConfig.layerConfig())),
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([["OK_LOGIN_HOSTS", "ok.example,*.ok.example"], ["MAILRU_LOGIN_HOSTS", "mail.example"]])
        )
      )
    ))
})

describe("page bodies: read streamed, capped, within the page's time limit", () => {
  it.scoped("a 50 MB page fails at the 4 MiB cap, and the server never has to send it all", () =>
    Effect.gen(function*() {
      const total = 50 * 1024 * 1024
      let sent = 0
      const huge = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "text/html" })
        const chunk = Buffer.alloc(64 * 1024, "x")
        // As fast as the client reads, a chunk per turn of the event loop; no Content-Length to go by.
        const pump = () => {
          if (response.destroyed) return
          if (sent >= total) return void response.end()
          sent += chunk.length
          if (response.write(chunk)) setImmediate(pump)
          else response.once("drain", pump)
        }
        pump()
      })
      const error = yield* Effect.flip(walkFrom(`${huge.origin}/authorize`))
      assert.strictEqual(error._tag, "LoginPageError")
      assert.include(error._tag === "LoginPageError" ? error.detail : "", "larger than 4194304 bytes")
      assert.isBelow(sent, total)
    }).pipe(Effect.provide(FetchClient)))

  it.scoped("a page that declares more than the cap is refused before its body is read; the cap is an option", () =>
    Effect.gen(function*() {
      const page = yield* serve((_, response) => html(response, `<html>${"x".repeat(2048)}</html>`))
      const error = yield* Effect.flip(walkFrom(`${page.origin}/authorize`, { maxPageBytes: 1024 }))
      assert.strictEqual(error._tag, "LoginPageError")
      assert.include(error._tag === "LoginPageError" ? error.detail : "", "larger than 1024 bytes")
      const pages = yield* walkFrom(`${page.origin}/authorize`, { maxPageBytes: 4096 })
      assert.strictEqual(pages[0]!.body.length, 2048 + 13)
    }).pipe(Effect.provide(FetchClient)))

  // A real 300 ms limit: the headers come at once, so the limit meets the walk reading the body.
  it.live("a page that trickles a byte a second is stopped by the per-page time limit", () =>
    Effect.gen(function*() {
      const slow = yield* serve((_, response) => {
        response.writeHead(200, { "content-type": "text/html" })
        response.write("<")
        const timer = setInterval(() => response.write("b"), 1000)
        response.on("close", () => clearInterval(timer))
      })
      const error = yield* Effect.flip(
        walkFrom(`${slow.origin}/authorize`, { timeout: "300 millis", walkTimeout: "1 minute" })
      )
      assert.strictEqual(error._tag, "TimeoutError")
      assert.strictEqual(error._tag === "TimeoutError" && error.method, "login page")
    }).pipe(Effect.provide(FetchClient), Effect.scoped))
})

describe("markup and redirects that would crash a reader", () => {
  it.scoped("a login form under 100,000 nested elements is found and submitted", () =>
    Effect.gen(function*() {
      const depth = 100_000
      const site = yield* serve((request, response) =>
        request.method === "GET"
          ? html(response, `${"<div>".repeat(depth)}${loginPage("/login")}${"</div>".repeat(depth)}`)
          : redirect(response, `${blank}#access_token=T`)
      )
      const pages = yield* walkFrom(`${site.origin}/authorize`)
      assert.isTrue(pages.at(-1)!.stopped)
      assert.isTrue(sentPassword(site))
    }).pipe(Effect.provide(FetchClient)))

  it.scoped("a malformed Location is a LoginPageError, not a defect", () =>
    Effect.gen(function*() {
      const site = yield* serve((_, response) => redirect(response, "http://[::1"))
      const exit = yield* Effect.exit(walkFrom(`${site.origin}/authorize`))
      assert.isTrue(Exit.isFailure(exit) && !Cause.isDie(exit.cause))
      const error = yield* Effect.flip(walkFrom(`${site.origin}/authorize`))
      assert.strictEqual(error._tag, "LoginPageError")
      assert.include(error._tag === "LoginPageError" ? error.detail : "", "Location")
    }).pipe(Effect.provide(FetchClient)))
})

describe("spans, trace headers and fragments", () => {
  it.scoped("the browser's requests carry no trace headers, and no span holds their URLs' queries", () =>
    Effect.gen(function*() {
      const base = yield* Effect.tracer
      const spans: Array<Tracer.Span> = []
      const tracer = Tracer.make({
        span: (...args) => {
          const span = base.span(...args)
          spans.push(span)
          return span
        },
        context: base.context
      })
      const site = yield* serve((request, response) =>
        request.method === "GET"
          ? html(response, loginPage("/login?st.cmd=OAuth2Login"))
          : redirect(response, `${blank}#access_token=T`)
      )
      yield* walkFrom(`${site.origin}/authorize?client_id=1&state=query-secret`).pipe(
        Effect.withSpan("test.walk"),
        Effect.withTracer(tracer)
      )
      assert.strictEqual(site.requests.length, 2)
      for (const request of site.requests) {
        for (const header of ["traceparent", "b3", "tracestate"]) assert.notProperty(request.headers, header)
      }
      assert.include(spans.map((span) => span.name), "test.walk")
      for (const span of spans) {
        assert.notMatch(span.name, /^http\.client/)
        for (const [key, value] of span.attributes) {
          assert.notInclude(String(value), "query-secret", key)
          assert.notInclude(String(value), "OAuth2Login", key)
        }
      }
    }).pipe(Effect.provide(FetchClient)))

  it.scoped("a redirect whose fragment goes elsewhere than the redirect URI (https for http) is not fetched", () =>
    Effect.gen(function*() {
      const callback = yield* trap()
      const site = yield* serve((_, response) =>
        redirect(response, `https://127.0.0.1:${callback.port}/cb#access_token=FRAGMENT-TOKEN`)
      )
      const error = yield* Effect.flip(
        walkFrom(`${site.origin}/authorize`, { redirectUri: new URL(`${callback.origin}/cb`) })
      )
      assert.strictEqual(error._tag, "LoginPageError")
      assert.include(error._tag === "LoginPageError" ? error.detail : "", "fragment")
      assert.notInclude(JSON.stringify(error) + error.message, "FRAGMENT-TOKEN")
      assert.strictEqual(callback.connections(), 0)
    }).pipe(Effect.provide(FetchClient)))
})

describe("cookies by RFC 6265", () => {
  it.scoped("a host cannot plant cookies for another, Secure cookies never travel over http, Path is honoured", () =>
    Effect.gen(function*() {
      // `localhost` over http is the authorize origin; both names over https are login hosts.
      const secure = yield* serve((request, response) => {
        if (request.path === "/plant") {
          const planted = "planted=evil; Domain=localhost; Path=/"
          return redirect(response, `https://localhost:${secure.port}/secure`, [planted])
        }
        redirect(response, `http://localhost:${plain.port}/echo`, ["secret=s; Secure; Path=/"])
      }, { tls: true })
      const plain = yield* serve((request, response) => {
        if (request.path === "/start") {
          return redirect(response, `https://127.0.0.1:${secure.port}/plant`, [
            "plain=p; Path=/",
            "early=e; Secure; Path=/",
            "deep=d; Path=/deep",
            "here=h"
          ])
        }
        if (request.path === "/echo") return redirect(response, `http://localhost:${plain.port}/deep/page`)
        html(response, "<html>done</html>")
      })
      yield* walkFrom(`http://localhost:${plain.port}/start`, { loginHosts: ["localhost", "127.0.0.1"] })
      const cookiesAt = (site: Site, path: string) =>
        site.requests.find((request) => request.path === path)?.headers.cookie
      // No Domain: host-only. Planted from 127.0.0.1 for localhost: ignored. Secure from http: ignored.
      assert.strictEqual(cookiesAt(secure, "/plant"), undefined)
      assert.strictEqual(cookiesAt(secure, "/secure"), "plain=p; here=h")
      // Over http, no Secure cookie; `here` was set at /start, so its default path is / as well.
      assert.strictEqual(cookiesAt(plain, "/echo"), "plain=p; here=h")
      // The longer path first.
      assert.strictEqual(cookiesAt(plain, "/deep/page"), "deep=d; plain=p; here=h")
    }).pipe(Effect.provide(TlsClient)))
})

// windows-1251 for the Cyrillic the pages use; ASCII as it is.
const cp1251 = (text: string): Buffer =>
  Buffer.from(Array.from(text, (char) => {
    const code = char.codePointAt(0)!
    if (code < 0x80) return code
    if (code >= 0x410 && code <= 0x44f) return code - 0x350
    if (code === 0x401) return 0xa8
    if (code === 0x451) return 0xb8
    throw new Error(`no windows-1251 byte for ${char}`)
  }))

describe("pages in windows-1251", () => {
  it.scoped("a Mail.Ru login whose pages are in windows-1251 is read in that charset, to the token", () =>
    Effect.gen(function*() {
      const page = (body: string) =>
        `<html><head><title>Mail.Ru &mdash; Запрос доступа</title></head><body>${body}</body></html>`
      const site = yield* serve((request, response) => {
        const win1251 = "text/html; charset=windows-1251"
        if (request.method === "GET" && !request.path.includes("login=1")) {
          return html(
            response,
            cp1251(page(
              `<form method="post" action="/cgi-bin/auth"><input name="Login"><input name="Domain">` +
                `<input type="password" name="Password"><button>Войти и разрешить</button></form>`
            )),
            win1251
          )
        }
        if (request.path === "/cgi-bin/auth") return redirect(response, "/oauth/authorize?login=1")
        if (request.method === "GET") {
          return html(
            response,
            cp1251(page(
              `<h1>Необходим доступ к вашим данным</h1><form method="post" action="/oauth/authorize">` +
                `<input type="hidden" name="client_id" value="123456">` +
                `<button name="agree" value="1">Разрешить</button></form>`
            )),
            "text/html; charset=cp1251"
          )
        }
        redirect(
          response,
          "http://connect.mail.ru/oauth/success.html#access_token=AT&refresh_token=RT&expires_in=86400&x_mailru_vid=42"
        )
      })
      const token = yield* MailRuAuth.implicit({
        appId: "123456",
        email: "ivan@mail.ru",
        password: Redacted.make(PASSWORD)
      }).pipe(Effect.provide(MailRuConfig.layer({ authorizeUrl: `${site.origin}/oauth/authorize` })))
      assert.strictEqual(Redacted.value(token.accessToken), "AT")
      assert.strictEqual(token.userId, "42")
      assert.isTrue(sentPassword(site))
    }).pipe(Effect.provide(FetchClient)))

  it.scoped("a page that names windows-1251 only in a <meta> is read in it too", () =>
    Effect.gen(function*() {
      const site = yield* serve((_, response) =>
        html(
          response,
          cp1251(
            `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>` +
              `<body>Не указано приложение</body></html>`
          ),
          "text/html"
        )
      )
      const error = yield* Effect.flip(
        MailRuAuth.implicit({ appId: "424242", email: "ivan@mail.ru", password: Redacted.make(PASSWORD) }).pipe(
          Effect.provide(MailRuConfig.layer({ authorizeUrl: `${site.origin}/oauth/authorize` }))
        )
      )
      assert.strictEqual(error._tag, "UnknownClientError")
    }).pipe(Effect.provide(FetchClient)))
})
