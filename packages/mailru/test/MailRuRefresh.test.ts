import { Token, TokenStore } from "@okmail/core"
import { MailRuClient, MailRuSession } from "@okmail/mailru"
import { Emulator, EmulatorControl, Fault } from "@okmail/emulator"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { app, appId, assertNoSecret, ivan, privateKey, secretKey, seeded, settle, withSession } from "./helpers.js"

const email = ivan.email
const password = Redacted.make(ivan.password)
const access = (token: Token.Token) => Redacted.value(token.accessToken)

const refreshToken = Redacted.make(seeded.refreshToken)
const currentToken = Effect.flatMap(MailRuSession.TokenStore, (store) => Effect.map(store.get, Option.getOrThrow))
const grants = (grant: string) =>
  Effect.map(
    Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests),
    (log) => log.filter((entry) => entry.api === "mailru" && entry.grant === grant).length
  )

describe("MailRuSession token renewal", () => {
  it.effect("an expired token is renewed once, the call replayed, the rotated refresh token stored", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      const first = yield* currentToken
      assert.strictEqual(yield* grants("refresh_token"), 1)
      yield* control.expireToken(Redacted.value(first.accessToken))
      const [me] = yield* mailru.users.getInfo()
      assert.strictEqual(me?.uid, ivan.uid)
      assert.strictEqual(yield* grants("refresh_token"), 2)
      const second = yield* currentToken
      assert.notStrictEqual(Redacted.value(second.accessToken), Redacted.value(first.accessToken))
      assert.notStrictEqual(Redacted.value(second.refreshToken!), Redacted.value(first.refreshToken!))
      // The next renewal uses the rotated refresh token: the emulator accepts it.
      yield* control.expireToken(Redacted.value(second.accessToken))
      yield* mailru.friends.get()
      assert.strictEqual(yield* grants("refresh_token"), 3)
      const calls = (yield* control.requests).filter((entry) => entry.method === "users.getInfo")
      assert.strictEqual(calls.length, 2)
    }).pipe(withSession(MailRuSession.layerRefresh({ appId, privateKey, secretKey, refreshToken }))))

  it.effect("expiry by the clock: 24 hours later the next call renews the token and goes through", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const before = yield* currentToken
      yield* TestClock.adjust("25 hours")
      const friends = yield* mailru.friends.get()
      assert.isTrue(friends.length > 0)
      const after = yield* currentToken
      assert.notStrictEqual(Redacted.value(after.accessToken), Redacted.value(before.accessToken))
      assert.strictEqual(yield* grants("password"), 1)
      assert.strictEqual(yield* grants("refresh_token"), 1)
    }).pipe(
      withSession(MailRuSession.layerPassword({ appId, secretKey, email: ivan.email, password: Redacted.make(ivan.password) }))
    ))

  it.effect("the implicit and code sessions provide TokenRefresh; the token sessions do not", () =>
    Effect.gen(function*() {
      const implicit = yield* Effect.serviceOption(MailRuSession.TokenRefresh).pipe(
        Effect.provide(MailRuSession.layerImplicitServer({
          appId,
          secretKey,
          email: ivan.email,
          password: Redacted.make(ivan.password)
        }))
      )
      assert.isTrue(Option.isSome(implicit))
      const token = yield* Effect.serviceOption(MailRuSession.TokenRefresh).pipe(
        Effect.provide(MailRuSession.layerServer({ appId, secretKey, accessToken: Redacted.make(seeded.accessToken) }))
      )
      assert.isTrue(Option.isNone(token))
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("a session without a secret key renews by walking the login pages again", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      const first = yield* currentToken
      yield* control.expireToken(Redacted.value(first.accessToken))
      yield* mailru.users.getInfo()
      const second = yield* currentToken
      assert.notStrictEqual(Redacted.value(second.accessToken), Redacted.value(first.accessToken))
      assert.strictEqual(yield* grants("refresh_token"), 0)
      const logins = (yield* control.requests).filter((entry) =>
        entry.api === "mailru" && entry.method === "cgi-bin/auth"
      )
      assert.deepStrictEqual(logins.map((entry) => entry.verdict), ["redirect", "redirect"])
    }).pipe(
      withSession(
        MailRuSession.layerImplicitClient({ appId, privateKey, email: ivan.email, password: Redacted.make(ivan.password) })
      )
    ))

  it.effect("a revoked session fails with the OAuth server's verdict after one renewal attempt", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      const first = yield* currentToken
      yield* control.revokeToken(Redacted.value(first.accessToken))
      yield* control.revokeToken(Redacted.value(first.refreshToken!))
      const error = yield* Effect.flip(mailru.users.getInfo())
      // Mail.Ru answers 102 alike for a revoked or an expired session: the one renewal is refused as invalid_grant.
      assert.strictEqual(error._tag, "OAuthError")
      assert.strictEqual(error._tag === "OAuthError" && error.error, "invalid_grant")
      assert.strictEqual(yield* grants("refresh_token"), 2)
      assertNoSecret(error, [Redacted.value(first.accessToken), Redacted.value(first.refreshToken!)])
    }).pipe(withSession(MailRuSession.layerRefresh({ appId, privateKey, secretKey, refreshToken }))))

  it.effect("a store that already holds a token: the flow is not run again", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      yield* mailru.users.getInfo()
      assert.strictEqual(yield* grants("password"), 0)
    }).pipe(
      withSession(
        MailRuSession.layerPassword({
          appId,
          privateKey,
          secretKey,
          email: ivan.email,
          password: Redacted.make(ivan.password),
          store: TokenStore.layerMemory(
            new Token.Token({
              accessToken: Redacted.make(seeded.accessToken),
              refreshToken: Redacted.make(seeded.refreshToken),
              userId: seeded.uid
            })
          )
        })
      )
    ))
})

// Every session built on a flow, with whether its renewal may authorize again with the user's credentials.
const flowSessions: ReadonlyArray<
  readonly [
    name: string,
    reauthorizes: boolean,
    make: (
      store: Layer.Layer<TokenStore.TokenStore>,
      code: Redacted.Redacted<string>
    ) => Layer.Layer<MailRuSession.RefreshableSession, unknown, HttpClient.HttpClient>
  ]
> = [
  ["layerCode", false, (store, code) =>
    MailRuSession.layerCode({ appId, privateKey, secretKey, code, redirectUri: app.redirectUri, store })],
  ["layerCodeClient", false, (store, code) =>
    MailRuSession.layerCodeClient({ appId, privateKey, secretKey, code, redirectUri: app.redirectUri, store })],
  ["layerCodeServer", false, (store, code) =>
    MailRuSession.layerCodeServer({ appId, secretKey, code, redirectUri: app.redirectUri, store })],
  // Without a secret key, the implicit session renews by walking the login pages.
  ["layerImplicit", true, (store) => MailRuSession.layerImplicit({ appId, privateKey, email, password, store })],
  ["layerImplicitClient", true, (store) =>
    MailRuSession.layerImplicitClient({ appId, privateKey, secretKey, email, password, store })],
  ["layerImplicitServer", true, (store) =>
    MailRuSession.layerImplicitServer({ appId, secretKey, email, password, store })],
  ["layerPassword", true, (store) =>
    MailRuSession.layerPassword({ appId, privateKey, secretKey, email, password, store })],
  ["layerPasswordClient", true, (store) =>
    MailRuSession.layerPasswordClient({ appId, privateKey, secretKey, email, password, store })],
  ["layerPasswordServer", true, (store) =>
    MailRuSession.layerPasswordServer({ appId, secretKey, email, password, store })],
  ["layerRefresh", false, (store) => MailRuSession.layerRefresh({ appId, privateKey, secretKey, refreshToken, store })],
  ["layerRefreshClient", false, (store) =>
    MailRuSession.layerRefreshClient({ appId, privateKey, secretKey, refreshToken, store })],
  ["layerRefreshServer", false, (store) => MailRuSession.layerRefreshServer({ appId, secretKey, refreshToken, store })]
]

describe("MailRuSession scoped release", () => {
  for (const [name, reauthorizes, make] of flowSessions) {
    it.effect(`${name}: closing the scope releases the store and interrupts a renewal in flight`, () =>
      Effect.gen(function*() {
        const control = yield* EmulatorControl.EmulatorControl
        const code = Redacted.make(
          yield* control.issueCode({ api: "mailru", uid: ivan.uid, redirectUri: app.redirectUri, clientId: appId })
        )
        const outside = yield* TokenStore.makeMemory()
        const released = yield* Ref.make(false)
        const store = Layer.scoped(
          TokenStore.TokenStore,
          Effect.acquireRelease(Effect.succeed(outside), () => Ref.set(released, true))
        )
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(make(store, code), scope)
        const renewal = Context.get(context, MailRuSession.TokenRefresh)
        assert.strictEqual(renewal.reauthorizes, reauthorizes)
        const first = Option.getOrThrow(yield* outside.get)
        const answered = (yield* control.requests).length
        // The renewal's first request (to the token endpoint or the authorize page) is held for a minute.
        yield* control.inject({ api: "mailru", target: "*", times: 1, fault: Fault.delay("1 minute") })
        const waiting = yield* Effect.fork(renewal.refresh(first))
        yield* settle(Effect.map(TestClock.sleeps(), Chunk.isNonEmpty))
        assert.isFalse(yield* Ref.get(released))
        yield* Scope.close(scope, Exit.void)
        assert.isTrue(yield* Ref.get(released))
        yield* TestClock.adjust("2 minutes")
        // The renewal was interrupted with the scope: its request was never answered, and the store still holds
        // the first token.
        assert.strictEqual((yield* control.requests).length, answered)
        assert.strictEqual(access(Option.getOrThrow(yield* outside.get)), access(first))
        yield* Fiber.interrupt(waiting)
      }).pipe(Effect.provide(Emulator.layerInProcess())))
  }
})
