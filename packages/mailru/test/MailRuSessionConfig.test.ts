import { Token, TokenStore } from "@okmail/core"
import { MailRuSession } from "@okmail/mailru"
import { assert, describe, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

const PRIVATE = Redacted.make("7815696ecbf1c96e6894b779456d330e")
const SECRET = Redacted.make("3dad9cbf9baaa0360c0f2ba372d25716")
const TOKEN = Redacted.make("be6ef89965d58e56dec21acb9b62bdaa")

const circuitOf = <E>(layer: Layer.Layer<MailRuSession.Signer | MailRuSession.TokenStore, E>) =>
  Effect.map(MailRuSession.Signer, (signer) => signer.circuit).pipe(Effect.provide(layer))

const buildError = <E>(layer: Layer.Layer<MailRuSession.Signer | MailRuSession.TokenStore, E>) =>
  Effect.flip(Effect.scoped(Layer.build(layer)))

describe("MailRuSession (sessions with a given token)", () => {
  it.effect("TokenSession infers the circuit from the secrets given", () =>
    Effect.gen(function*() {
      assert.strictEqual(
        yield* circuitOf(
          MailRuSession.layerToken({ appId: "700001", privateKey: PRIVATE, secretKey: SECRET, accessToken: TOKEN, uid: "9" })
        ),
        "client-server"
      )
      assert.strictEqual(
        yield* circuitOf(MailRuSession.layerToken({ appId: "700001", privateKey: PRIVATE, secretKey: SECRET, accessToken: TOKEN })),
        "server-server"
      )
      assert.strictEqual(
        yield* circuitOf(MailRuSession.layerToken({ appId: "700001", secretKey: SECRET, accessToken: TOKEN, uid: "9" })),
        "server-server"
      )
    }))

  it.effect("TokenSession without a usable secret fails when built, with a ConfigurationError", () =>
    Effect.gen(function*() {
      const neither = yield* buildError(
        MailRuSession.layerToken({ appId: "700001", privateKey: Redacted.make(""), accessToken: TOKEN, uid: "9" })
      )
      assert.strictEqual(neither._tag, "ConfigurationError")
      const noUid = yield* buildError(MailRuSession.layerToken({ appId: "700001", privateKey: PRIVATE, accessToken: TOKEN }))
      assert.strictEqual(noUid._tag, "ConfigurationError")
      const emptyToken = yield* buildError(
        MailRuSession.layerToken({ appId: "700001", secretKey: SECRET, accessToken: Redacted.make("") })
      )
      assert.strictEqual(emptyToken._tag, "ConfigurationError")
      assert.strictEqual(emptyToken._tag === "ConfigurationError" && emptyToken.option, "accessToken")
      for (const error of [neither, noUid, emptyToken]) {
        const text = JSON.stringify(error) + error.message
        assert.notInclude(text, Redacted.value(PRIVATE))
        assert.notInclude(text, Redacted.value(TOKEN))
      }
    }))

  it.effect("ClientSession needs the uid and the private key; ServerSession the secret key", () =>
    Effect.gen(function*() {
      const noUid = yield* buildError(
        MailRuSession.layerClient({ appId: "700001", privateKey: PRIVATE, accessToken: TOKEN, uid: "" })
      )
      assert.strictEqual(noUid._tag === "ConfigurationError" && noUid.option, "uid")
      const noKey = yield* buildError(
        MailRuSession.layerClient({ appId: "700001", privateKey: Redacted.make(""), accessToken: TOKEN, uid: "9" })
      )
      assert.strictEqual(noKey._tag === "ConfigurationError" && noKey.option, "privateKey")
      const noSecret = yield* buildError(
        MailRuSession.layerServer({ appId: "700001", secretKey: Redacted.make(""), accessToken: TOKEN })
      )
      assert.strictEqual(noSecret._tag === "ConfigurationError" && noSecret.option, "secretKey")
      const noApp = yield* buildError(MailRuSession.layerServer({ appId: " ", secretKey: SECRET, accessToken: TOKEN }))
      assert.strictEqual(noApp._tag === "ConfigurationError" && noApp.option, "appId")
      assert.strictEqual(
        yield* circuitOf(MailRuSession.layerClient({ appId: "700001", privateKey: PRIVATE, accessToken: TOKEN, uid: "9" })),
        "client-server"
      )
      assert.strictEqual(
        yield* circuitOf(MailRuSession.layerServer({ appId: "700001", secretKey: SECRET, accessToken: TOKEN })),
        "server-server"
      )
    }))

  it.effect("stores the given token, and keeps a token the store already holds", () =>
    Effect.gen(function*() {
      const stored = yield* Effect.flatMap(MailRuSession.TokenStore, (store) => store.get).pipe(
        Effect.provide(MailRuSession.layerClient({ appId: "700001", privateKey: PRIVATE, accessToken: TOKEN, uid: "9" }))
      )
      assert.strictEqual(Option.getOrThrow(stored).userId, "9")
      assert.strictEqual(Redacted.value(Option.getOrThrow(stored).accessToken), Redacted.value(TOKEN))
      const earlier = new Token.Token({ accessToken: Redacted.make("earlier"), userId: "10" })
      const kept = yield* Effect.flatMap(MailRuSession.TokenStore, (store) => store.get).pipe(
        Effect.provide(
          MailRuSession.layerClient({
            appId: "700001",
            privateKey: PRIVATE,
            accessToken: TOKEN,
            uid: "9",
            store: TokenStore.layerMemory(earlier)
          })
        )
      )
      assert.strictEqual(Redacted.value(Option.getOrThrow(kept).accessToken), "earlier")
    }))

  it.effect("PublicSession signs nothing and holds no token", () =>
    Effect.gen(function*() {
      const [circuit, token] = yield* Effect.all([
        Effect.map(MailRuSession.Signer, (signer) => signer.circuit),
        Effect.flatMap(MailRuSession.TokenStore, (store) => store.get)
      ]).pipe(Effect.provide(MailRuSession.layerPublic()))
      assert.strictEqual(circuit, "unsigned")
      assert.isTrue(Option.isNone(token))
    }))

  it.effect("layerTokenConfig reads MAILRU_* from the environment, secrets redacted", () =>
    Effect.gen(function*() {
      const env = new Map([
        ["MAILRU_APP_ID", "700001"],
        ["MAILRU_PRIVATE_KEY", Redacted.value(PRIVATE)],
        ["MAILRU_ACCESS_TOKEN", Redacted.value(TOKEN)],
        ["MAILRU_UID", "9007199254740993"]
      ])
      const [circuit, token] = yield* Effect.all([
        Effect.map(MailRuSession.Signer, (signer) => signer.circuit),
        Effect.flatMap(MailRuSession.TokenStore, (store) => store.get)
      ]).pipe(
        Effect.provide(MailRuSession.layerTokenConfig()),
        Effect.withConfigProvider(ConfigProvider.fromMap(env))
      )
      assert.strictEqual(circuit, "client-server")
      assert.strictEqual(Option.getOrThrow(token).userId, "9007199254740993")
      assert.notInclude(String(Option.getOrThrow(token)), Redacted.value(TOKEN))
      const missing = yield* Effect.flip(
        Effect.scoped(Layer.build(MailRuSession.layerTokenConfig())).pipe(
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["MAILRU_APP_ID", "700001"]])))
        )
      )
      assert.strictEqual(missing._tag, "ConfigError")
    }))
})
