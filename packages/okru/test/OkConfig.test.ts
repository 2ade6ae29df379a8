import { OkAuth, OkConfig, OkSession } from "@okmail/okru"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

describe("OkConfig", () => {
  it.effect("defaults to the vendor's endpoints, POST and fb.do without being provided", () =>
    Effect.gen(function*() {
      const config = yield* OkConfig.OkConfig
      assert.strictEqual(config.apiUrl, "https://api.ok.ru/fb.do")
      assert.strictEqual(config.apiPathUrl, "https://api.ok.ru/api")
      assert.strictEqual(config.tokenUrl, "https://api.ok.ru/oauth/token.do")
      assert.strictEqual(config.authorizeUrl, "https://connect.ok.ru/oauth/authorize")
      assert.strictEqual(config.httpMethod, "POST")
      assert.isFalse(config.pathStyle)
      assert.strictEqual(Duration.toMillis(config.timeout), 30_000)
    }))

  it.effect("replaces only the fields given", () =>
    Effect.gen(function*() {
      const config = yield* OkConfig.OkConfig
      assert.strictEqual(config.apiUrl, "http://127.0.0.1:9/ok/fb.do")
      assert.strictEqual(config.httpMethod, "GET")
      assert.strictEqual(config.tokenUrl, OkConfig.defaults.tokenUrl)
      assert.strictEqual(Duration.toMillis(config.timeout), 2_000)
    }).pipe(Effect.provide(OkConfig.layer({ apiUrl: "http://127.0.0.1:9/ok/fb.do", httpMethod: "GET", timeout: "2 seconds" }))))

  it.effect("rejects malformed options with a ConfigurationError naming the option", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [OkConfig.Options, string]> = [
        [{ apiUrl: "api.ok.ru/fb.do" }, "apiUrl"],
        [{ tokenUrl: "ftp://api.ok.ru/oauth" }, "tokenUrl"],
        [{ authorizeUrl: "https://connect.ok.ru/oauth/authorize?client_id=1" }, "authorizeUrl"],
        [{ httpMethod: "PUT" as "GET" }, "httpMethod"],
        [{ timeout: -5 }, "timeout"]
      ]
      for (const [options, option] of cases) {
        const error = yield* Effect.flip(Layer.build(OkConfig.layer(options)).pipe(Effect.scoped))
        assert.strictEqual(error._tag, "ConfigurationError")
        assert.strictEqual(error.option, option)
      }
    }))

  it("takes the largest answer a call reads, a positive whole number of bytes", () => {
    const given = OkConfig.make({ maxBodyBytes: 2048 })
    assert.isTrue(Either.isRight(given) && given.right.maxBodyBytes === 2048)
    for (const bad of [0, -1, 1.5, Number.POSITIVE_INFINITY]) {
      const refused = OkConfig.make({ maxBodyBytes: bad })
      assert.isTrue(Either.isLeft(refused) && refused.left.option === "maxBodyBytes", String(bad))
    }
  })

  it.effect("reads OK_* settings from the environment", () =>
    Effect.gen(function*() {
      const config = yield* OkConfig.OkConfig
      assert.strictEqual(config.apiUrl, "http://localhost:1/ok/fb.do")
      assert.isTrue(config.pathStyle)
      assert.strictEqual(config.httpMethod, "GET")
    }).pipe(
      Effect.provide(OkConfig.layerConfig()),
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([["OK_API_URL", "http://localhost:1/ok/fb.do"], ["OK_PATH_STYLE", "true"], ["OK_HTTP_METHOD", "GET"]])
        )
      )
    ))
})

describe("OkAuth.authorizeUrl", () => {
  it.effect("joins scopes with ; and carries state, layout and response type", () =>
    Effect.gen(function*() {
      const url = new URL(
        yield* OkAuth.authorizeUrl({
          applicationId: "512000000001",
          redirectUri: "https://okmail.example/callback",
          scopes: ["VALUABLE_ACCESS", "LONG_ACCESS_TOKEN"],
          state: "xyz 1",
          layout: "m"
        })
      )
      assert.strictEqual(url.origin + url.pathname, "https://connect.ok.ru/oauth/authorize")
      assert.strictEqual(url.searchParams.get("client_id"), "512000000001")
      assert.strictEqual(url.searchParams.get("scope"), "VALUABLE_ACCESS;LONG_ACCESS_TOKEN")
      assert.strictEqual(url.searchParams.get("response_type"), "code")
      assert.strictEqual(url.searchParams.get("redirect_uri"), "https://okmail.example/callback")
      assert.strictEqual(url.searchParams.get("layout"), "m")
      assert.strictEqual(url.searchParams.get("state"), "xyz 1")
      const token = new URL(
        yield* OkAuth.authorizeUrl({ applicationId: "1", redirectUri: OkAuth.blankRedirectUri, responseType: "token" })
      )
      assert.strictEqual(token.searchParams.get("response_type"), "token")
      assert.strictEqual(token.searchParams.get("layout"), "w")
      assert.isFalse(token.searchParams.has("scope"))
      assert.isFalse(token.searchParams.has("state"))
    }))

  it.effect("follows the configured authorize URL", () =>
    Effect.gen(function*() {
      const url = yield* OkAuth.authorizeUrl({ applicationId: "1", redirectUri: OkAuth.blankRedirectUri })
      assert.isTrue(url.startsWith("http://127.0.0.1:8/ok/oauth/authorize?"))
    }).pipe(Effect.provide(OkConfig.layer({ authorizeUrl: "http://127.0.0.1:8/ok/oauth/authorize" }))))

  it.effect("fails with a ConfigurationError on an empty client id or a relative redirect URI", () =>
    Effect.gen(function*() {
      const id = yield* Effect.flip(OkAuth.authorizeUrl({ applicationId: "", redirectUri: OkAuth.blankRedirectUri }))
      assert.strictEqual(id.option, "applicationId")
      const uri = yield* Effect.flip(OkAuth.authorizeUrl({ applicationId: "1", redirectUri: "/callback" }))
      assert.strictEqual(uri.option, "redirectUri")
    }))
})

describe("OkSession configuration errors", () => {
  const build = <A, E>(layer: Layer.Layer<A, E>) => Effect.flip(Effect.scoped(Layer.build(layer)))

  it.effect("a token session with neither secret fails when built, naming no secret", () =>
    Effect.gen(function*() {
      const error = yield* build(
        OkSession.layerToken({
          applicationKey: "KEY",
          accessToken: Redacted.make("TOKEN-VALUE"),
          applicationSecretKey: Redacted.make(""),
          sessionSecretKey: Redacted.make("")
        })
      )
      assert.strictEqual(error._tag, "ConfigurationError")
      assert.notInclude(JSON.stringify(error) + error.message, "TOKEN-VALUE")
    }))

  it.effect("client, server and public sessions fail when built without their secret", () =>
    Effect.gen(function*() {
      const client = yield* build(
        OkSession.layerClient({
          applicationKey: "KEY",
          accessToken: Redacted.make("T"),
          sessionSecretKey: Redacted.make("")
        })
      )
      assert.strictEqual(client._tag === "ConfigurationError" && client.option, "sessionSecretKey")
      const server = yield* build(
        OkSession.layerServer({ applicationKey: "KEY", accessToken: Redacted.make("T"), applicationSecretKey: Redacted.make("") })
      )
      assert.strictEqual(server._tag === "ConfigurationError" && server.option, "applicationSecretKey")
      const publicSession = yield* build(OkSession.layerPublic({ applicationKey: "", applicationSecretKey: Redacted.make("S") }))
      assert.strictEqual(publicSession._tag === "ConfigurationError" && publicSession.option, "applicationKey")
      const noToken = yield* build(
        OkSession.layerServer({ applicationKey: "KEY", accessToken: Redacted.make(""), applicationSecretKey: Redacted.make("S") })
      )
      assert.strictEqual(noToken._tag === "ConfigurationError" && noToken.option, "accessToken")
    }))

  it.effect("the token session infers its circuit", () =>
    Effect.gen(function*() {
      const circuit = (layer: Layer.Layer<OkSession.Signer, unknown>) =>
        Effect.map(OkSession.Signer, (signer) => signer.circuit).pipe(Effect.provide(layer))
      assert.strictEqual(
        yield* circuit(
          OkSession.layerToken({
            applicationKey: "KEY",
            accessToken: Redacted.make("T"),
            applicationSecretKey: Redacted.make("A"),
            sessionSecretKey: Redacted.make("S")
          })
        ),
        "server-server"
      )
      assert.strictEqual(
        yield* circuit(
          OkSession.layerToken({ applicationKey: "KEY", accessToken: Redacted.make("T"), sessionSecretKey: Redacted.make("S") })
        ),
        "client-server"
      )
    }))

  it.effect("layerTokenConfig reads OK_* variables, secrets redacted; a missing one is a ConfigError", () =>
    Effect.gen(function*() {
      const signer = yield* OkSession.Signer.pipe(
        Effect.provide(OkSession.layerTokenConfig()),
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([["OK_APPLICATION_KEY", "KEY"], ["OK_ACCESS_TOKEN", "T"], ["OK_SESSION_SECRET_KEY", "S"]])
          )
        )
      )
      assert.strictEqual(signer.circuit, "client-server")
      const missing = yield* Effect.flip(
        OkSession.Signer.pipe(
          Effect.provide(OkSession.layerServerConfig()),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OK_APPLICATION_KEY", "KEY"]])))
        )
      )
      assert.isTrue(ConfigError.isConfigError(missing))
    }))
})
