import { MailRuAuth, MailRuConfig } from "@okmail/mailru"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"

describe("MailRuConfig", () => {
  it.effect("defaults to the vendor's endpoints and POST", () =>
    Effect.gen(function*() {
      const config = yield* MailRuConfig.MailRuConfig
      assert.strictEqual(config.apiUrl, "https://appsmail.ru/platform/api")
      assert.strictEqual(config.publicUrl, "https://appsmail.ru/platform")
      assert.strictEqual(config.codeTokenUrl, "https://connect.mail.ru/oauth/token")
      assert.strictEqual(config.tokenUrl, "https://appsmail.ru/oauth/token")
      assert.strictEqual(config.authorizeUrl, "https://connect.mail.ru/oauth/authorize")
      assert.strictEqual(config.httpMethod, "POST")
    }))

  it.effect("replaces the fields given and keeps the others", () =>
    Effect.gen(function*() {
      const config = yield* MailRuConfig.MailRuConfig
      assert.strictEqual(config.apiUrl, "http://127.0.0.1:9/mailru/platform/api")
      assert.strictEqual(config.tokenUrl, "https://appsmail.ru/oauth/token")
      assert.strictEqual(config.httpMethod, "GET")
      assert.strictEqual(Duration.toMillis(config.timeout), 5000)
    }).pipe(
      Effect.provide(
        MailRuConfig.layer({ apiUrl: "http://127.0.0.1:9/mailru/platform/api/", httpMethod: "GET", timeout: "5 seconds" })
      )
    ))

  it("rejects malformed options with a ConfigurationError naming the option", () => {
    const cases: ReadonlyArray<readonly [MailRuConfig.Options, string]> = [
      [{ apiUrl: "appsmail.ru/platform/api" }, "apiUrl"],
      [{ publicUrl: "ftp://appsmail.ru/platform" }, "publicUrl"],
      [{ tokenUrl: "https://appsmail.ru/oauth/token?x=1" }, "tokenUrl"],
      [{ codeTokenUrl: "https://user:pw@connect.mail.ru/oauth/token" }, "codeTokenUrl"],
      [{ httpMethod: "PUT" as "GET" }, "httpMethod"],
      [{ timeout: -1 }, "timeout"]
    ]
    for (const [options, option] of cases) {
      const result = MailRuConfig.make(options)
      assert.isTrue(Either.isLeft(result), option)
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "ConfigurationError")
        assert.strictEqual(result.left.option, option)
        assert.notInclude(result.left.message, "pw")
      }
    }
  })

  it.effect("fails the layer with a typed error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Layer.build(MailRuConfig.layer({ authorizeUrl: "nope" })).pipe(Effect.scoped))
      assert.strictEqual(error._tag, "ConfigurationError")
    }))

  it.effect("reads the environment through Config", () =>
    Effect.gen(function*() {
      const config = yield* MailRuConfig.MailRuConfig.pipe(
        Effect.provide(MailRuConfig.layerConfig()),
        Effect.withConfigProvider(
          ConfigProvider.fromMap(new Map([["MAILRU_PUBLIC_URL", "http://localhost:1/p"], ["MAILRU_HTTP_METHOD", "GET"]]))
        )
      )
      assert.strictEqual(config.publicUrl, "http://localhost:1/p")
      assert.strictEqual(config.httpMethod, "GET")
      assert.strictEqual(config.apiUrl, MailRuConfig.defaults.apiUrl)
    }))
})

describe("MailRuAuth.authorizeUrl", () => {
  it.effect("joins the scopes with spaces and defaults the redirect URI", () =>
    Effect.gen(function*() {
      const url = new URL(
        yield* MailRuAuth.authorizeUrl({ appId: "700001", responseType: "token", scope: ["photos", "guestbook"] })
      )
      assert.strictEqual(url.origin + url.pathname, "https://connect.mail.ru/oauth/authorize")
      assert.strictEqual(url.searchParams.get("client_id"), "700001")
      assert.strictEqual(url.searchParams.get("response_type"), "token")
      assert.strictEqual(url.searchParams.get("redirect_uri"), "http://connect.mail.ru/oauth/success.html")
      assert.strictEqual(url.searchParams.get("scope"), "photos guestbook")
      assert.isNull(url.searchParams.get("state"))
    }))

  it.effect("uses the configured authorize URL, the redirect URI and the state given", () =>
    Effect.gen(function*() {
      const url = new URL(
        yield* MailRuAuth.authorizeUrl({
          appId: "700001",
          responseType: "code",
          redirectUri: "https://example.org/cb",
          state: "s1"
        }).pipe(Effect.provide(MailRuConfig.layer({ authorizeUrl: "http://127.0.0.1:1/mailru/oauth/authorize" })))
      )
      assert.strictEqual(url.origin + url.pathname, "http://127.0.0.1:1/mailru/oauth/authorize")
      assert.strictEqual(url.searchParams.get("response_type"), "code")
      assert.strictEqual(url.searchParams.get("redirect_uri"), "https://example.org/cb")
      assert.strictEqual(url.searchParams.get("state"), "s1")
    }))

  it.effect("rejects an empty application id and a relative redirect URI", () =>
    Effect.gen(function*() {
      const empty = yield* Effect.flip(MailRuAuth.authorizeUrl({ appId: "", responseType: "code" }))
      assert.strictEqual(empty.option, "appId")
      const relative = yield* Effect.flip(
        MailRuAuth.authorizeUrl({ appId: "1", responseType: "code", redirectUri: "/cb" })
      )
      assert.strictEqual(relative.option, "redirectUri")
    }))
})
