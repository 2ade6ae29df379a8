import * as ApiHttp from "../src/internal/apiHttp.js"
import * as ApiProxy from "../src/internal/apiProxy.js"
import * as OAuth from "../src/internal/oauth.js"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as fc from "fast-check"
import { createServer } from "node:http"

const request = (overrides: Partial<ApiHttp.Request> = {}): ApiHttp.Request => ({
  api: "ok",
  method: "users.getInfo",
  url: "https://api.ok.ru/fb.do?access_token=SECRET",
  httpMethod: "POST",
  params: {},
  ...overrides
})

const response = (body: string, status = 200, contentType = "application/json"): ApiHttp.Response => ({
  status,
  headers: Headers.fromInput({ "content-type": contentType }),
  body
})

// JSON values made of safe values only: no number JSON.stringify would write as an unsafe integer literal, and
// strings heavy in digits, quotes, backslashes and colons, so that the scanner (not only the fast path) runs.
const tricky = fc.string({ unit: fc.constantFrom("1", "9", "0", "-", "\"", "\\", ":", " ", "e", ".", "é", "\u2028") })
const safeJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d)),
    fc.string(),
    tricky,
    fc.bigInt({ min: 10n ** 16n, max: 10n ** 30n }).map(String),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string(), tricky), tie("value"), { maxKeys: 5 })
  )
})).value

const unsafeInteger = fc.oneof(
  fc.bigInt({ min: 2n ** 53n, max: 10n ** 40n }),
  fc.bigInt({ min: -(10n ** 40n), max: -(2n ** 53n) })
)

describe("ApiHttp.parse", () => {
  it("equals JSON.parse on any JSON value made of safe values", () => {
    fc.assert(
      fc.property(safeJson, fc.constantFrom("", " ", "\n\t"), (value, space) => {
        const text = JSON.stringify(value, null, space)
        assert.deepStrictEqual(ApiHttp.parse(text), JSON.parse(text))
      }),
      { numRuns: 500 }
    )
  })

  it("keeps the exact digits of integers beyond 2^53 - 1, wherever they are", () => {
    fc.assert(
      fc.property(safeJson, unsafeInteger, unsafeInteger, (value, big, other) => {
        const text = `{"a":${JSON.stringify(value)},"big":[${big}, {"k" : ${other} }],"s":"${big}","n":${big}}`
        assert.deepStrictEqual(ApiHttp.parse(text), {
          a: JSON.parse(JSON.stringify(value)),
          big: [String(big), { k: String(other) }],
          s: String(big),
          n: String(big)
        })
        assert.strictEqual(ApiHttp.parse(` ${big} `), String(big))
      }),
      { numRuns: 300 }
    )
  })

  it("keeps safe integers, fractions and exponents as numbers, and the edge of the safe range as a number", () => {
    assert.deepStrictEqual(
      ApiHttp.parse("[9007199254740991,-9007199254740991,9007199254740992,12345678901234567890.5,1e400,1e21,-0]"),
      [9007199254740991, -9007199254740991, "9007199254740992", 12345678901234567890.5, Infinity, 1e21, -0]
    )
    assert.deepStrictEqual(ApiHttp.parse("{\"a\\\"12345678901234567890\":\"\\\\\",\"b\":12345678901234567890}"), {
      "a\"12345678901234567890": "\\",
      b: "12345678901234567890"
    })
  })

  it("throws where JSON.parse throws, a number in a key's place included", () => {
    for (const text of ["{12345678901234567890:1}", "{12345678901234567890 :1}", "012345678901234567890", "[1,]"]) {
      assert.throws(() => JSON.parse(text))
      assert.throws(() => ApiHttp.parse(text))
    }
  })
})

describe("ApiHttp.parseJson", () => {
  it("reads JSON whatever the content type says, and takes {} [] false 0 \"\" as values", () => {
    for (const [body, value] of [["{}", {}], ["[]", []], ["false", false], ["0", 0], ["\"\"", ""], [
      "[\"1\"]",
      ["1"]
    ]] as const) {
      assert.deepStrictEqual(ApiHttp.parseJson(request(), response(body, 200, "text/javascript")), Either.right(value))
    }
  })

  it("takes an empty body or null as an EmptyResponseError, and HTML as NotJsonError", () => {
    for (const body of ["", "  ", "null"]) {
      const result = ApiHttp.parseJson(request(), response(body))
      assert.isTrue(Either.isLeft(result) && result.left._tag === "EmptyResponseError")
    }
    const html = ApiHttp.parseJson(request(), response("<html>502 Bad Gateway</html>", 200, "text/html"))
    assert.isTrue(Either.isLeft(html) && html.left._tag === "NotJsonError")
    const broken = ApiHttp.parseJson(request(), response("{\"a\":"))
    assert.isTrue(Either.isLeft(broken) && broken.left._tag === "NotJsonError")
  })

  it("describes a body that is not JSON by its length and first character, never quoting it", () => {
    for (const [body, start] of [
      ["hello SECRET-42", "a letter"],
      ["{\"access_token\":\"SECRET-42\"", "a JSON bracket"],
      ["<html>SECRET-42</html>", "markup (<)"],
      ["42 SECRET-42", "a digit"]
    ] as const) {
      const result = ApiHttp.parseJson(request(), response(body, 200, "text/plain"))
      assert.isTrue(Either.isLeft(result) && result.left._tag === "NotJsonError")
      if (Either.isLeft(result)) {
        assert.notInclude(result.left.message, "SECRET")
        assert.notInclude(JSON.stringify(result.left), "SECRET")
        assert.include(result.left.message, `${body.length} characters, starting with ${start}`)
        assert.include(result.left.message, "text/plain")
      }
    }
  })

  it("takes an unreadable body with a failed status as a StatusError, without the query in its URL", () => {
    const result = ApiHttp.parseJson(request(), response("<html>oops</html>", 502, "text/html"))
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) {
      assert.strictEqual(result.left._tag, "StatusError")
      assert.strictEqual(result.left.url, "https://api.ok.ru/fb.do")
      assert.notInclude(result.left.message, "SECRET")
      assert.notInclude(JSON.stringify(result.left), "SECRET")
    }
  })
})

const echo = Effect.gen(function*() {
  const incoming = yield* HttpServerRequest.HttpServerRequest
  const url = new URL(incoming.url, "http://x")
  const body = incoming.method === "POST" ? yield* incoming.text : ""
  return yield* HttpServerResponse.json({ method: incoming.method, query: url.search, body })
})

const site = HttpRouter.empty.pipe(
  HttpRouter.all("/echo", echo),
  HttpRouter.get("/slow", Effect.as(Effect.sleep("2 seconds"), HttpServerResponse.text("late"))),
  HttpRouter.post(
    "/token",
    Effect.gen(function*() {
      const form = new URLSearchParams(yield* (yield* HttpServerRequest.HttpServerRequest).text)
      return form.get("code") === "good"
        ? yield* HttpServerResponse.json({ access_token: "AT", refresh_token: "RT", expires_in: 1800, x_id: 77 })
        : yield* HttpServerResponse.json({ error: "invalid_grant", error_description: "code expired" }, {
          status: 400
        })
    })
  ),
  HttpRouter.post("/html", Effect.succeed(HttpServerResponse.text("<html>maintenance</html>", { status: 503, contentType: "text/html" })))
)

const SiteLive = HttpServer.serve(site).pipe(
  Layer.provideMerge(NodeHttpServer.layer(() => createServer(), { port: 0, host: "127.0.0.1" })),
  Layer.provideMerge(FetchHttpClient.layer)
)
const base = HttpServer.addressFormattedWith((address) => Effect.succeed(address))

describe("ApiHttp.send", () => {
  it.effect("POSTs the parameters as a form, keeping them out of the URL", () =>
    Effect.gen(function*() {
      const url = `${yield* base}/echo`
      const answer = yield* ApiHttp.send(request({ url, params: { access_token: "tok", text: "Привет & co" } }))
      const echoed = JSON.parse(answer.body)
      assert.strictEqual(echoed.method, "POST")
      assert.strictEqual(echoed.query, "")
      assert.deepStrictEqual(Object.fromEntries(new URLSearchParams(echoed.body)), {
        access_token: "tok",
        text: "Привет & co"
      })
    }).pipe(Effect.provide(SiteLive)))

  it.effect("sends them in the query when GET is asked for", () =>
    Effect.gen(function*() {
      const url = `${yield* base}/echo`
      const answer = yield* ApiHttp.send(request({ url, httpMethod: "GET", params: { a: "1", b: "" } }))
      const echoed = JSON.parse(answer.body)
      assert.strictEqual(echoed.method, "GET")
      assert.strictEqual(echoed.query, "?a=1&b=")
    }).pipe(Effect.provide(SiteLive)))

  // The time limit runs on the Clock; a real server answers in real time, so this test runs on the live clock.
  it.live("reports the time limit as a TimeoutError", () =>
    Effect.gen(function*() {
      const url = `${yield* base}/slow`
      const error = yield* Effect.flip(ApiHttp.send(request({ url, httpMethod: "GET", timeout: "50 millis" })))
      assert.strictEqual(error._tag, "TimeoutError")
      assert.strictEqual(error._tag === "TimeoutError" && error.timeoutMillis, 50)
    }).pipe(Effect.provide(SiteLive)))

  it.effect("reports a refused connection as a NetworkError without the query", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        ApiHttp.send(request({ url: "http://127.0.0.1:1/fb.do", httpMethod: "GET", params: { sig: "SECRET" } }))
      )
      assert.strictEqual(error._tag, "NetworkError")
      assert.notInclude(error.message, "SECRET")
    }).pipe(Effect.provide(FetchHttpClient.layer)))
})

describe("OAuth", () => {
  it.effect("reads a token answer, and an error answer as an OAuthError", () =>
    Effect.gen(function*() {
      const url = `${yield* base}/token`
      const body = yield* OAuth.requestToken({ api: "mailru", endpoint: "token", url, fields: { code: "good" } })
      const token = yield* OAuth.toToken("mailru", "token", body, { url, userIdField: "x_id" })
      assert.strictEqual(Redacted.value(token.accessToken), "AT")
      assert.strictEqual(Redacted.value(token.refreshToken!), "RT")
      assert.strictEqual(token.userId, "77")
      assert.isDefined(token.expiresAt)

      const error = yield* Effect.flip(
        OAuth.requestToken({ api: "mailru", endpoint: "token", url, fields: { code: "bad" } })
      )
      assert.strictEqual(error._tag, "OAuthError")
      if (error._tag === "OAuthError") {
        assert.strictEqual(error.error, "invalid_grant")
        assert.strictEqual(error.status, 400)
      }
      const html = yield* Effect.flip(
        OAuth.requestToken({ api: "ok", endpoint: "token", url: `${yield* base}/html`, fields: {} })
      )
      assert.strictEqual(html._tag, "StatusError")
    }).pipe(Effect.provide(SiteLive)))

  it.effect("keeps what a refresh answer omits", () =>
    Effect.gen(function*() {
      const old = yield* OAuth.toToken("ok", "token", { access_token: "A1", refresh_token: "R1" }, { url: "u" })
      const renewed = yield* OAuth.toToken("ok", "token", { access_token: "A2", expires_in: 1800 }, {
        url: "u",
        keep: old
      })
      assert.strictEqual(Redacted.value(renewed.refreshToken!), "R1")
      const missing = yield* Effect.flip(OAuth.toToken("ok", "token", { token_type: "x" }, { url: "https://h/p?q" }))
      assert.strictEqual(missing._tag, "LoginPageError")
      assert.strictEqual(missing.url, "https://h/p")
    }))

  it.effect("gives no expiry for an expires_in that is not a positive number, and at most ten years otherwise", () =>
    Effect.gen(function*() {
      const expiry = (expiresIn: unknown) =>
        Effect.map(
          OAuth.toToken("ok", "token", { access_token: "A", expires_in: expiresIn }, { url: "u" }),
          (token) => token.expiresAt === undefined ? "none" : DateTime.formatIso(token.expiresAt)
        )
      assert.strictEqual(yield* expiry(1e13), "1980-01-01T00:00:00.000Z")
      assert.strictEqual(yield* expiry("99999999999999999999"), "1980-01-01T00:00:00.000Z")
      assert.strictEqual(yield* expiry(1800), "1970-01-01T00:30:00.000Z")
      for (const expiresIn of [Infinity, "Infinity", NaN, -5, 0, "soon", undefined]) {
        assert.strictEqual(yield* expiry(expiresIn), "none")
      }
    }))

  it("reads the fragment of a redirect", () => {
    const params = OAuth.fragmentParams(new URL("https://oauth.mycdn.me/blank.html#access_token=a&state=s"))
    assert.strictEqual(params.get("access_token"), "a")
    assert.strictEqual(params.get("state"), "s")
  })
})

describe("ApiProxy", () => {
  it("turns api.group.name(params) into a call of group.name", () => {
    const api = ApiProxy.make((method, params) => ({ method, params }))
    assert.deepStrictEqual(api.users!.getInfo!({ uids: "1" }), { method: "users.getInfo", params: { uids: "1" } })
    assert.deepStrictEqual(api.events!.get!(), { method: "events.get", params: undefined })
  })

  it("does not look like a promise or a JSON value", () => {
    const api = ApiProxy.make(() => 1) as unknown as Record<string, unknown>
    assert.isUndefined(api["then"])
    assert.isUndefined((api["users"] as Record<string, unknown>)["then"])
    assert.strictEqual(JSON.stringify(api), "{}")
  })
})
