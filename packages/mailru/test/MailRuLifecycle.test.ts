import { Token, TokenRefresh, TokenStore } from "@okmail/core"
import { MailRuClient, MailRuSession } from "@okmail/mailru"
import { Emulator, EmulatorControl, Fault } from "@okmail/emulator"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  app,
  appId,
  assertNoSecret,
  ivan,
  onSession,
  privateKey,
  secretKey,
  seeded,
  settle,
  withSession
} from "./helpers.js"

const email = ivan.email
const password = Redacted.make(ivan.password)
const refreshToken = Redacted.make(seeded.refreshToken)

const currentToken = Effect.flatMap(MailRuSession.TokenStore, (store) => Effect.map(store.get, Option.getOrThrow))
const access = (token: Token.Token) => Redacted.value(token.accessToken)
const refreshOf = (token: Token.Token) => Redacted.value(token.refreshToken!)

const log = Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests)
// The verdicts of the token endpoint for one grant, oldest first.
const verdictsOf = (keep: (entry: EmulatorControl.LogEntry) => boolean) =>
  Effect.map(log, (entries) => entries.filter((entry) => entry.api === "mailru" && keep(entry)).map((e) => e.verdict))
const grants = (grant: string) => verdictsOf((entry) => entry.grant === grant)
const verdicts = (method: string) => verdictsOf((entry) => entry.method === method)
const count = (verdict: string) => (all: ReadonlyArray<string>) => all.filter((v) => v === verdict).length

const revokeBoth = (token: Token.Token) =>
  Effect.flatMap(EmulatorControl.EmulatorControl, (control) =>
    Effect.zipRight(control.revokeToken(access(token)), control.revokeToken(refreshOf(token))))

describe("MailRuSession token lifecycle: authorizing again", () => {
  it.effect("a password session whose refresh token is refused gets a new token with the password grant", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const first = yield* currentToken
      yield* revokeBoth(first)
      const [me] = yield* mailru.users.getInfo()
      assert.strictEqual(me?.uid, ivan.uid)
      // One refresh attempt, refused; one new password grant; the call replayed once.
      assert.deepStrictEqual(yield* grants("refresh_token"), ["oauth invalid_grant"])
      assert.deepStrictEqual(yield* grants("password"), ["ok", "ok"])
      assert.deepStrictEqual(yield* verdicts("users.getInfo"), ["error 102", "ok"])
      const second = yield* currentToken
      assert.notStrictEqual(access(second), access(first))
      assert.notStrictEqual(refreshOf(second), refreshOf(first))
      // The stored refresh token is the new grant's: the next renewal goes through the refresh grant again.
      yield* (yield* EmulatorControl.EmulatorControl).expireToken(access(second))
      yield* mailru.friends.get()
      assert.deepStrictEqual(yield* grants("refresh_token"), ["oauth invalid_grant", "ok"])
      assert.deepStrictEqual(yield* grants("password"), ["ok", "ok"])
    }).pipe(withSession(MailRuSession.layerPassword({ appId, privateKey, secretKey, email, password }))))

  it.effect("a password session whose password changed too fails with WrongCredentialsError, without looping", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      yield* revokeBoth(yield* currentToken)
      yield* (yield* EmulatorControl.EmulatorControl).setPassword("mailru", email, "a-new-password")
      const error = yield* Effect.flip(mailru.users.getInfo())
      assert.strictEqual(error._tag, "WrongCredentialsError")
      assert.deepStrictEqual(yield* grants("refresh_token"), ["oauth invalid_grant"])
      assert.deepStrictEqual(yield* grants("password"), ["ok", "oauth invalid_grant"])
      assertNoSecret(error, ["a-new-password"])
    }).pipe(withSession(MailRuSession.layerPasswordServer({ appId, secretKey, email, password }))))

  it.effect("a password session whose stored token holds no refresh token uses the password grant", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      yield* control.expireToken(seeded.accessToken)
      const [me] = yield* mailru.users.getInfo()
      assert.strictEqual(me?.uid, ivan.uid)
      assert.deepStrictEqual(yield* grants("refresh_token"), [])
      assert.deepStrictEqual(yield* grants("password"), ["ok"])
      assert.isDefined((yield* currentToken).refreshToken)
    }).pipe(withSession(MailRuSession.layerPasswordServer({
      appId,
      secretKey,
      email,
      password,
      store: TokenStore.layerMemory(
        new Token.Token({ accessToken: Redacted.make(seeded.accessToken), userId: seeded.uid })
      )
    }))))

  it.effect("an implicit session whose refresh token is refused walks the login pages again", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const first = yield* currentToken
      assert.deepStrictEqual(yield* verdicts("cgi-bin/auth"), ["redirect"])
      yield* revokeBoth(first)
      const [me] = yield* mailru.users.getInfo()
      assert.strictEqual(me?.uid, ivan.uid)
      assert.deepStrictEqual(yield* grants("refresh_token"), ["oauth invalid_grant"])
      assert.deepStrictEqual(yield* verdicts("cgi-bin/auth"), ["redirect", "redirect"])
      assert.deepStrictEqual(yield* verdicts("users.getInfo"), ["error 102", "ok"])
      const second = yield* currentToken
      assert.notStrictEqual(access(second), access(first))
      assert.notStrictEqual(refreshOf(second), refreshOf(first))
    }).pipe(withSession(MailRuSession.layerImplicit({ appId, privateKey, secretKey, email, password }))))

  it.effect("a code session and a refresh session keep the typed OAuthError; a token session has no renewal", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const code = Redacted.make(
        yield* control.issueCode({ api: "mailru", uid: ivan.uid, redirectUri: app.redirectUri, clientId: appId })
      )
      const revoked = (session: Layer.Layer<MailRuSession.Session, unknown, HttpClient.HttpClient>) =>
        Effect.gen(function*() {
          yield* revokeBoth(yield* currentToken)
          return yield* Effect.flip(Effect.flatMap(MailRuClient.MailRuClient, (mailru) => mailru.users.getInfo()))
        }).pipe(onSession(session))
      const fromCode = yield* revoked(
        MailRuSession.layerCode({ appId, privateKey, secretKey, code, redirectUri: app.redirectUri })
      )
      const fromRefresh = yield* revoked(MailRuSession.layerRefreshServer({ appId, secretKey, refreshToken }))
      for (const error of [fromCode, fromRefresh]) {
        assert.strictEqual(error._tag === "OAuthError" && error.error, "invalid_grant")
      }
      // Each tried the refresh grant once after its 102, and nothing else (the "ok" built the refresh session).
      assert.deepStrictEqual(yield* grants("refresh_token"), ["oauth invalid_grant", "ok", "oauth invalid_grant"])
      assert.deepStrictEqual(yield* grants("password"), [])
      // A session built from a given token has nothing to renew it with: the API's verdict is the answer.
      const token = yield* control.issueToken({ api: "mailru", uid: ivan.uid, clientId: appId })
      yield* control.revokeToken(token.accessToken)
      const getInfo = Effect.flatMap(MailRuClient.MailRuClient, (mailru) => mailru.users.getInfo())
      const fromToken = yield* Effect.flip(getInfo).pipe(
        onSession(
          MailRuSession.layerClient({ appId, privateKey, accessToken: Redacted.make(token.accessToken), uid: ivan.uid })
        )
      )
      assert.strictEqual(fromToken._tag, "SessionExpiredError")
      assert.strictEqual((yield* log).filter((entry) => entry.method === "oauth/token").length, 4)
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})

describe("MailRuSession token lifecycle: one renewal in flight", () => {
  it.effect("20 concurrent calls on an expired token: one refresh grant, 20 replays, the rotated token stored", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      const first = yield* currentToken
      yield* control.expireToken(access(first))
      // The token endpoint holds the renewal for a second, so that every call meets the expired token first.
      yield* control.inject({ api: "mailru", target: "oauth/token", fault: Fault.delay("1 second") })
      const calls = yield* Effect.fork(
        Effect.all(Array.from({ length: 20 }, () => mailru.users.getInfo()), { concurrency: "unbounded" })
      )
      yield* settle(Effect.map(verdicts("users.getInfo"), (all) => count("error 102")(all) === 20))
      yield* TestClock.adjust("1 second")
      const answers = yield* Fiber.join(calls)
      assert.deepStrictEqual(answers.map(([me]) => me?.uid), Array.from({ length: 20 }, () => ivan.uid))
      // Building the session was the first refresh grant; the 20 expired calls shared the second.
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok", "ok"])
      const all = yield* verdicts("users.getInfo")
      assert.strictEqual(count("error 102")(all), 20)
      assert.strictEqual(count("ok")(all), 20)
      const second = yield* currentToken
      assert.notStrictEqual(refreshOf(second), refreshOf(first))
      // The stored refresh token is the rotated one: the emulator accepts it (it spent the old one).
      yield* control.expireToken(access(second))
      yield* mailru.friends.get()
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok", "ok", "ok"])
    }).pipe(withSession(MailRuSession.layerRefresh({ appId, privateKey, secretKey, refreshToken }))))

  it.effect("a refused renewal fails every waiting call with the typed OAuthError; the next call tries again", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const control = yield* EmulatorControl.EmulatorControl
      const first = yield* currentToken
      yield* revokeBoth(first)
      yield* control.inject({ api: "mailru", target: "oauth/token", fault: Fault.delay("1 second") })
      const calls = yield* Effect.fork(
        Effect.all(Array.from({ length: 5 }, () => Effect.flip(mailru.users.getInfo())), { concurrency: "unbounded" })
      )
      yield* settle(Effect.map(verdicts("users.getInfo"), (all) => count("error 102")(all) === 5))
      yield* TestClock.adjust("1 second")
      const errors = yield* Fiber.join(calls)
      assert.deepStrictEqual(
        errors.map((error) => error._tag === "OAuthError" && error.error),
        Array.from({ length: 5 }, () => "invalid_grant")
      )
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok", "oauth invalid_grant"])
      // The failure is not kept: the next call asks the token endpoint again.
      const again = yield* Effect.flip(mailru.users.getInfo())
      assert.strictEqual(again._tag, "OAuthError")
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok", "oauth invalid_grant", "oauth invalid_grant"])
    }).pipe(withSession(MailRuSession.layerRefreshClient({ appId, privateKey, secretKey, refreshToken }))))

  it.effect("a code session whose renewal fails once renews fine on the next call", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const code = Redacted.make(
        yield* control.issueCode({ api: "mailru", uid: ivan.uid, redirectUri: app.redirectUri, clientId: appId })
      )
      yield* Effect.gen(function*() {
        const mailru = yield* MailRuClient.MailRuClient
        const first = yield* currentToken
        yield* control.expireToken(access(first))
        yield* control.inject({ api: "mailru", target: "oauth/token", fault: Fault.oauthError("invalid_grant") })
        const error = yield* Effect.flip(mailru.users.getInfo())
        assert.strictEqual(error._tag === "OAuthError" && error.error, "invalid_grant")
        // The store still holds the first token, and its refresh token was never spent.
        assert.strictEqual(access(yield* currentToken), access(first))
        const [me] = yield* mailru.users.getInfo()
        assert.strictEqual(me?.uid, ivan.uid)
        assert.deepStrictEqual(yield* grants("refresh_token"), ["fault OAuthError", "ok"])
        assert.deepStrictEqual(yield* verdicts("users.getInfo"), ["error 102", "error 102", "ok"])
        assert.notStrictEqual(access(yield* currentToken), access(first))
      }).pipe(
        onSession(MailRuSession.layerCodeServer({ appId, secretKey, code, redirectUri: app.redirectUri }))
      )
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})

describe("MailRuSession token lifecycle: renewal ahead of expiry", () => {
  const session = MailRuSession.layerRefresh({ appId, privateKey, secretKey, refreshToken })
  // The token was issued at 0 and lives 24 hours: 30 seconds are left.
  const nearExpiry = Effect.gen(function*() {
    const mailru = yield* MailRuClient.MailRuClient
    const first = yield* currentToken
    yield* TestClock.adjust(Duration.subtract(Duration.hours(24), Duration.seconds(30)))
    const [me] = yield* mailru.users.getInfo()
    assert.strictEqual(me?.uid, ivan.uid)
    return { first, second: yield* currentToken }
  })

  it.effect("with the default one-minute margin, the token is renewed before the call", () =>
    Effect.gen(function*() {
      const { first, second } = yield* nearExpiry
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok", "ok"])
      // Renewed before: the API never saw the old token fail.
      assert.deepStrictEqual(yield* verdicts("users.getInfo"), ["ok"])
      assert.notStrictEqual(access(second), access(first))
    }).pipe(withSession(session)))

  it.effect("with a 10-second margin, the call goes out with the current token", () =>
    Effect.gen(function*() {
      const { first, second } = yield* nearExpiry
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok"])
      assert.deepStrictEqual(yield* verdicts("users.getInfo"), ["ok"])
      assert.strictEqual(access(second), access(first))
    }).pipe(Effect.provideService(TokenRefresh.RenewalMargin, Duration.seconds(10)), withSession(session)))

  it.effect("the background renewal renews without any call, and stops when its scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      yield* Layer.buildWithScope(
        TokenRefresh.layerBackground(MailRuSession.tags).pipe(
          Layer.provideMerge(MailRuSession.layerRefresh({ appId, privateKey, secretKey, refreshToken }))
        ),
        scope
      )
      const renewals = Effect.map(grants("refresh_token"), count("ok"))
      assert.strictEqual(yield* renewals, 1)
      yield* TestClock.adjust("24 hours")
      yield* settle(Effect.map(renewals, (n) => n >= 2))
      assert.strictEqual(yield* renewals, 2)
      yield* TestClock.adjust("24 hours")
      yield* settle(Effect.map(renewals, (n) => n >= 3))
      assert.strictEqual(yield* renewals, 3)
      yield* Scope.close(scope, Exit.void)
      yield* TestClock.adjust("48 hours")
      for (let i = 0; i < 100; i++) yield* Effect.yieldNow()
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok", "ok", "ok"])
      assert.strictEqual((yield* log).filter((entry) => entry.method === "users.getInfo").length, 0)
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})

describe("MailRuSession token lifecycle: a file store across restarts", () => {
  it.effect("a process that restarts on a file store continues with the stored, rotated token", () =>
    Effect.gen(function*() {
      const path = join(mkdtempSync(join(tmpdir(), "okmail-mailru-")), "token.json")
      const session = MailRuSession.layerPassword({
        appId,
        privateKey,
        secretKey,
        email,
        password,
        store: TokenStore.layerFile(path).pipe(Layer.provide(NodeContext.layer))
      })
      const control = yield* EmulatorControl.EmulatorControl
      // The first run logs in, renews once, and ends (its scope closes with it).
      const renewed = yield* Effect.gen(function*() {
        const mailru = yield* MailRuClient.MailRuClient
        yield* control.expireToken(access(yield* currentToken))
        yield* mailru.users.getInfo()
        return yield* currentToken
      }).pipe(onSession(session))
      assert.deepStrictEqual(yield* grants("password"), ["ok"])
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok"])
      // The second run starts from the file: no login, the renewed token, and its rotated refresh token works.
      yield* Effect.gen(function*() {
        const mailru = yield* MailRuClient.MailRuClient
        const stored = yield* currentToken
        assert.strictEqual(access(stored), access(renewed))
        assert.strictEqual(refreshOf(stored), refreshOf(renewed))
        const [me] = yield* mailru.users.getInfo()
        assert.strictEqual(me?.uid, ivan.uid)
        yield* control.expireToken(access(stored))
        yield* mailru.friends.get()
      }).pipe(onSession(session))
      assert.deepStrictEqual(yield* grants("password"), ["ok"])
      assert.deepStrictEqual(yield* grants("refresh_token"), ["ok", "ok"])
      assert.deepStrictEqual(yield* verdicts("users.getInfo"), ["error 102", "ok", "ok"])
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})
