import { EmulatorControl } from "@okmail/emulator"
import { TokenStore } from "@okmail/core"
import { OkClient, OkSession } from "@okmail/okru"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { app, emulator, issueCode, ivan, okCalls, longToken, maria, refreshSeed, secret, withClient } from "./helpers.js"

const currentUser = Effect.flatMap(OkClient.OkClient, (ok) => ok.users.getCurrentUser({ fields: ["uid", "name"] }))

const circuit = Effect.map(OkSession.Signer, (signer) => signer.circuit)

describe("OkSession: every session layer end to end (flow → signed call → decoded result)", () => {
  it.effect("layerPublic signs with the application secret key", () =>
    Effect.gen(function*() {
      const ok = yield* OkClient.OkClient
      assert.strictEqual(yield* circuit, "application")
      const groups = yield* ok.group.getInfo({ uids: ["53038939046008"], fields: ["name"] })
      assert.strictEqual(groups[0]?.uid, "53038939046008")
      assert.isString(groups[0]?.name)
    }).pipe(
      Effect.provide(
        withClient(OkSession.layerPublic({ applicationKey: app.key, applicationSecretKey: secret(app.secretKey) }))
      ),
      Effect.provide(emulator())
    ))

  it.effect("layerToken infers server-server from the application secret key", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* circuit, "server-server")
      const user = yield* currentUser
      assert.strictEqual(user.uid, ivan.uid)
      assert.strictEqual(user.name, ivan.name)
    }).pipe(
      Effect.provide(withClient(OkSession.layerToken({
        applicationKey: app.key,
        applicationSecretKey: secret(app.secretKey),
        accessToken: secret(longToken.accessToken),
        sessionSecretKey: secret(longToken.sessionSecretKey)
      }))),
      Effect.provide(emulator())
    ))

  it.effect("layerToken infers client-server from the session secret key", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* circuit, "client-server")
      assert.strictEqual((yield* currentUser).uid, ivan.uid)
    }).pipe(
      Effect.provide(withClient(OkSession.layerToken({
        applicationKey: app.key,
        applicationSecretKey: secret(""),
        accessToken: secret(longToken.accessToken),
        sessionSecretKey: secret(longToken.sessionSecretKey)
      }))),
      Effect.provide(emulator())
    ))

  it.effect("layerClient signs with the session secret key", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* circuit, "client-server")
      const ok = yield* OkClient.OkClient
      assert.strictEqual(yield* ok.users.getLoggedInUser(), ivan.uid)
    }).pipe(
      Effect.provide(withClient(OkSession.layerClient({
        applicationKey: app.key,
        accessToken: secret(longToken.accessToken),
        sessionSecretKey: secret(longToken.sessionSecretKey)
      }))),
      Effect.provide(emulator())
    ))

  it.effect("layerServer signs with md5(access_token + application secret key)", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* circuit, "server-server")
      const ok = yield* OkClient.OkClient
      const friends = yield* ok.friends.get()
      assert.isArray(friends)
      for (const id of friends) assert.isString(id)
    }).pipe(
      Effect.provide(withClient(OkSession.layerServer({
        applicationKey: app.key,
        applicationSecretKey: secret(app.secretKey),
        accessToken: secret(longToken.accessToken)
      }))),
      Effect.provide(emulator())
    ))

  for (const [name, make] of [["layerCode", OkSession.layerCode], ["layerCodeServer", OkSession.layerCodeServer]] as const) {
    it.effect(`${name} exchanges an authorization code and renews through TokenRefresh`, () =>
      Effect.gen(function*() {
        const code = yield* issueCode(ivan.uid)
        const layer = withClient(make({
          applicationId: app.id,
          applicationKey: app.key,
          applicationSecretKey: secret(app.secretKey),
          code: secret(code),
          redirectUri: app.redirectUri
        }))
        yield* Effect.gen(function*() {
          assert.strictEqual(yield* circuit, "server-server")
          assert.strictEqual((yield* currentUser).uid, ivan.uid)
          const token = Option.getOrThrow(yield* Effect.flatMap(OkSession.TokenStore, (store) => store.get))
          assert.isDefined(token.refreshToken)
          assert.isDefined(token.expiresAt)
          assert.isTrue(Option.isSome(yield* Effect.serviceOption(OkSession.TokenRefresh)))
        }).pipe(Effect.provide(layer))
      }).pipe(Effect.provide(emulator())))
  }

  for (const [name, make] of [["layerImplicit", OkSession.layerImplicit], ["layerImplicitClient", OkSession.layerImplicitClient]] as const) {
    it.effect(`${name} logs in through the login and permission pages`, () =>
      Effect.gen(function*() {
        const token = Option.getOrThrow(yield* Effect.flatMap(OkSession.TokenStore, (store) => store.get))
        assert.isDefined(token.sessionSecretKey)
        assert.strictEqual((yield* currentUser).uid, ivan.uid)
      }).pipe(
        Effect.provide(withClient(make({
          applicationId: app.id,
          applicationKey: app.key,
          login: ivan.login,
          password: secret(ivan.password),
          scopes: ["VALUABLE_ACCESS"]
        }))),
        Effect.provide(emulator())
      ))
  }

  it.effect("layerImplicit with the application secret key signs server-server", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* circuit, "server-server")
      assert.strictEqual((yield* currentUser).uid, maria.uid)
    }).pipe(
      Effect.provide(withClient(OkSession.layerImplicit({
        applicationId: app.id,
        applicationKey: app.key,
        applicationSecretKey: secret(app.secretKey),
        login: maria.login,
        password: secret(maria.password)
      }))),
      Effect.provide(emulator())
    ))

  for (const [name, make, expected] of [
    ["layerPassword", OkSession.layerPassword, "server-server"],
    ["layerPasswordClient", OkSession.layerPasswordClient, "client-server"]
  ] as const) {
    it.effect(`${name} logs in with auth.login (${expected})`, () =>
      Effect.gen(function*() {
        assert.strictEqual(yield* circuit, expected)
        const token = Option.getOrThrow(yield* Effect.flatMap(OkSession.TokenStore, (store) => store.get))
        assert.strictEqual(token.userId, ivan.uid)
        assert.strictEqual((yield* currentUser).uid, ivan.uid)
      }).pipe(
        Effect.provide(withClient(make({
          applicationKey: app.key,
          applicationSecretKey: secret(app.secretKey),
          login: ivan.login,
          password: secret(ivan.password)
        }))),
        Effect.provide(emulator())
      ))
  }

  for (const [name, make] of [["layerRefresh", OkSession.layerRefresh], ["layerRefreshServer", OkSession.layerRefreshServer]] as const) {
    it.effect(`${name} gets a token with the refresh token and keeps the refresh token`, () =>
      Effect.gen(function*() {
        assert.strictEqual(yield* circuit, "server-server")
        assert.strictEqual((yield* currentUser).uid, refreshSeed.uid)
        const token = Option.getOrThrow(yield* Effect.flatMap(OkSession.TokenStore, (store) => store.get))
        assert.strictEqual(Redacted.value(token.refreshToken!), refreshSeed.refreshToken)
      }).pipe(
        Effect.provide(withClient(make({
          applicationId: app.id,
          applicationKey: app.key,
          applicationSecretKey: secret(app.secretKey),
          refreshToken: secret(refreshSeed.refreshToken)
        }))),
        Effect.provide(emulator())
      ))
  }

  it.effect("a store that already holds a token is used, and the flow is not run again", () =>
    Effect.gen(function*() {
      const store = TokenStore.layerMemory()
      const shared = yield* Layer.build(store).pipe(Effect.map((context) => Layer.succeedContext(context)))
      const layer = withClient(OkSession.layerPasswordClient({
        applicationKey: app.key,
        login: ivan.login,
        password: secret(ivan.password),
        store: shared
      }))
      yield* Effect.provide(currentUser, layer)
      yield* Effect.provide(currentUser, layer)
      const logins = (yield* okCalls).filter((entry) => entry.method === "auth.login")
      assert.strictEqual(logins.length, 1)
    }).pipe(Effect.scoped, Effect.provide(emulator())))
})

describe("OkSession: session expiry is replayed once through TokenRefresh", () => {
  it.effect("an expired token of a code session is renewed once and the call replayed", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const code = yield* issueCode(ivan.uid)
      yield* Effect.gen(function*() {
        const store = yield* OkSession.TokenStore
        const first = Option.getOrThrow(yield* store.get)
        yield* control.expireToken(Redacted.value(first.accessToken))
        const user = yield* currentUser
        assert.strictEqual(user.uid, ivan.uid)
        const second = Option.getOrThrow(yield* store.get)
        assert.notStrictEqual(Redacted.value(second.accessToken), Redacted.value(first.accessToken))
        assert.strictEqual(Redacted.value(second.refreshToken!), Redacted.value(first.refreshToken!))
        const grants = (yield* okCalls).filter((entry) => entry.grant === "refresh_token")
        assert.strictEqual(grants.length, 1)
      }).pipe(Effect.provide(withClient(OkSession.layerCode({
        applicationId: app.id,
        applicationKey: app.key,
        applicationSecretKey: secret(app.secretKey),
        code: secret(code),
        redirectUri: app.redirectUri
      }))))
    }).pipe(Effect.provide(emulator())))

  it.effect("concurrent callers of a refresh session share one renewal", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const store = yield* OkSession.TokenStore
      const first = Option.getOrThrow(yield* store.get)
      yield* control.expireToken(Redacted.value(first.accessToken))
      const users = yield* Effect.all([currentUser, currentUser, currentUser], { concurrency: "unbounded" })
      for (const user of users) assert.strictEqual(user.uid, refreshSeed.uid)
      const grants = (yield* okCalls).filter((entry) => entry.grant === "refresh_token")
      // One grant built the session, one renewed it.
      assert.strictEqual(grants.length, 2)
    }).pipe(
      Effect.provide(withClient(OkSession.layerRefresh({
        applicationId: app.id,
        applicationKey: app.key,
        applicationSecretKey: secret(app.secretKey),
        refreshToken: secret(refreshSeed.refreshToken)
      }))),
      Effect.provide(emulator())
    ))

  it.effect("a token session cannot renew: the SessionExpiredError reaches the caller", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      yield* control.expireToken(longToken.accessToken)
      const error = yield* Effect.flip(currentUser)
      assert.strictEqual(error._tag, "SessionExpiredError")
      const recovered = yield* currentUser.pipe(Effect.catchTag("SessionExpiredError", () => Effect.succeed("expired")))
      assert.strictEqual(recovered, "expired")
    }).pipe(
      Effect.provide(withClient(OkSession.layerClient({
        applicationKey: app.key,
        accessToken: secret(longToken.accessToken),
        sessionSecretKey: secret(longToken.sessionSecretKey)
      }))),
      Effect.provide(emulator())
    ))
})
