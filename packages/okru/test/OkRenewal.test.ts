import { EmulatorControl, Fault } from "@okmail/emulator"
import type * as HttpClient from "@effect/platform/HttpClient"
import { TokenRefresh } from "@okmail/core"
import { type OkAuth, OkClient, OkSession } from "@okmail/okru"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import {
  app,
  emulator,
  injectOk,
  issueCode,
  ivan,
  longToken,
  okCalls,
  refreshSeed,
  secret,
  withClient
} from "./helpers.js"

const currentUser = Effect.flatMap(OkClient.OkClient, (ok) => ok.users.getCurrentUser({ fields: ["uid", "name"] }))

const stored = Effect.flatMap(OkSession.TokenStore, (store) => store.get).pipe(Effect.map(Option.getOrThrow))

const accessToken = (token: { readonly accessToken: Redacted.Redacted<string> }) => Redacted.value(token.accessToken)

const count = (predicate: (entry: EmulatorControl.LogEntry) => boolean) =>
  Effect.map(okCalls, (log) => log.filter(predicate).length)

/** How the API answered each users.getCurrentUser call, in order. */
const userCalls = Effect.map(
  okCalls,
  (log) => log.filter((entry) => entry.method === "users.getCurrentUser").map((entry) => entry.verdict)
)

const refreshGrants = count((entry) => entry.grant === "refresh_token" && entry.verdict === "ok")

/** Any session layer built on a flow. */
type FlowSession = Layer.Layer<
  OkSession.Signer | OkSession.TokenStore | OkSession.TokenRefresh,
  OkSession.GrantError | OkSession.PasswordError | OkAuth.ImplicitError,
  HttpClient.HttpClient
>

const grant = { applicationId: app.id, applicationKey: app.key, applicationSecretKey: secret(app.secretKey) }
const refreshOptions = { ...grant, refreshToken: secret(refreshSeed.refreshToken) }
const passwordOptions = { applicationKey: app.key, login: ivan.login, password: secret(ivan.password) }
const serverPasswordOptions = { ...passwordOptions, applicationSecretKey: grant.applicationSecretKey }
const implicitOptions = { ...passwordOptions, applicationId: app.id, scopes: ["VALUABLE_ACCESS"] }
const codeOptions = (code: string) => ({ ...grant, code: secret(code), redirectUri: app.redirectUri })

// One implicit login is one visit of the authorize page (then the login and permission pages on `dk`); one
// password login is one auth.login call.
const loginSessions: ReadonlyArray<readonly [string, string, FlowSession]> = [
  ["layerImplicit", "oauth/authorize", OkSession.layerImplicit(implicitOptions)],
  ["layerImplicitClient", "oauth/authorize", OkSession.layerImplicitClient(implicitOptions)],
  ["layerPassword", "auth.login", OkSession.layerPassword(serverPasswordOptions)],
  ["layerPasswordClient", "auth.login", OkSession.layerPasswordClient(passwordOptions)]
]

describe("OkSession: a session built from a login and password authorizes again", () => {
  for (const [name, login, session] of loginSessions) {
    const logins = count((entry) => entry.method === login)
    const pages = count((entry) => entry.method === "dk")

    it.effect(`${name}: a revoked token → one new login, the call replayed, the new token stored`, () =>
      Effect.gen(function*() {
        const control = yield* EmulatorControl.EmulatorControl
        assert.isTrue(Option.isSome(yield* Effect.serviceOption(OkSession.TokenRefresh)))
        const first = yield* stored
        assert.strictEqual(yield* logins, 1)
        const pagesPerLogin = yield* pages
        yield* control.revokeToken(accessToken(first))
        assert.strictEqual((yield* currentUser).uid, ivan.uid)
        assert.strictEqual(yield* logins, 2)
        // An implicit login walks the same pages again; a password login visits none.
        assert.strictEqual(yield* pages, 2 * pagesPerLogin)
        assert.deepStrictEqual(yield* userCalls, ["error 103", "ok"])
        const second = yield* stored
        assert.notStrictEqual(accessToken(second), accessToken(first))
      }).pipe(Effect.provide(withClient(session)), Effect.provide(emulator())))

    it.effect(`${name}: an expired token → one login for 20 concurrent calls, every call succeeds`, () =>
      Effect.gen(function*() {
        const control = yield* EmulatorControl.EmulatorControl
        const first = yield* stored
        yield* control.expireToken(accessToken(first))
        const users = yield* Effect.all(Array.from({ length: 20 }, () => currentUser), { concurrency: "unbounded" })
        for (const user of users) assert.strictEqual(user.uid, ivan.uid)
        // One login built the session, one renewed it.
        assert.strictEqual(yield* logins, 2)
        const verdicts = yield* userCalls
        // Each call was refused once and replayed once with the new token.
        assert.strictEqual(verdicts.filter((verdict) => verdict === "error 102").length, 20)
        assert.strictEqual(verdicts.filter((verdict) => verdict === "ok").length, 20)
        assert.strictEqual(verdicts.length, 40)
        assert.notStrictEqual(accessToken(yield* stored), accessToken(first))
      }).pipe(Effect.provide(withClient(session)), Effect.provide(emulator())))

    it.effect(`${name}: a password changed meanwhile fails every waiter with WrongCredentialsError`, () =>
      Effect.gen(function*() {
        const control = yield* EmulatorControl.EmulatorControl
        const first = yield* stored
        yield* control.expireToken(accessToken(first))
        yield* control.setPassword("ok", ivan.login, "changed-meanwhile")
        const outcomes = yield* Effect.all(
          Array.from({ length: 20 }, () =>
            currentUser.pipe(
              Effect.as("user"),
              Effect.catchTag("WrongCredentialsError", (error) => Effect.succeed(error._tag))
            )),
          { concurrency: "unbounded" }
        )
        assert.deepStrictEqual(outcomes, Array.from({ length: 20 }, () => "WrongCredentialsError"))
        // The failed renewal was one login too, and stored nothing.
        assert.strictEqual(yield* logins, 2)
        assert.strictEqual(accessToken(yield* stored), accessToken(first))
        // The next call tries again, and succeeds once the password is set back.
        const again = yield* Effect.either(currentUser)
        assert.isTrue(Either.isLeft(again) && again.left._tag === "WrongCredentialsError")
        assert.strictEqual(yield* logins, 3)
        yield* control.setPassword("ok", ivan.login, ivan.password)
        assert.strictEqual((yield* currentUser).uid, ivan.uid)
        assert.strictEqual(yield* logins, 4)
        assert.notStrictEqual(accessToken(yield* stored), accessToken(first))
      }).pipe(Effect.provide(withClient(session)), Effect.provide(emulator())))
  }

  for (
    const [name, layer] of [
      [
        "layerToken",
        OkSession.layerToken({
          applicationKey: app.key,
          applicationSecretKey: secret(app.secretKey),
          accessToken: secret(longToken.accessToken)
        })
      ],
      [
        "layerClient",
        OkSession.layerClient({
          applicationKey: app.key,
          accessToken: secret(longToken.accessToken),
          sessionSecretKey: secret(longToken.sessionSecretKey)
        })
      ]
    ] as const
  ) {
    it.effect(`${name}: a revoked token → InvalidSessionError, and no login is tried`, () =>
      Effect.gen(function*() {
        const control = yield* EmulatorControl.EmulatorControl
        assert.isTrue(Option.isNone(yield* Effect.serviceOption(OkSession.TokenRefresh)))
        yield* control.revokeToken(longToken.accessToken)
        const outcome = yield* currentUser.pipe(
          Effect.as("user"),
          Effect.catchTag("InvalidSessionError", (error) => Effect.succeed(`${error._tag} ${error.code}`))
        )
        assert.strictEqual(outcome, "InvalidSessionError 103")
        const log = yield* okCalls
        assert.deepStrictEqual(log.map((entry) => entry.method), ["users.getCurrentUser"])
        assert.strictEqual(accessToken(yield* stored), longToken.accessToken)
      }).pipe(Effect.provide(withClient(layer)), Effect.provide(emulator())))
  }
})

const codeSession = (code: string) =>
  withClient(OkSession.layerCode({
    applicationId: app.id,
    applicationKey: app.key,
    applicationSecretKey: secret(app.secretKey),
    code: secret(code),
    redirectUri: app.redirectUri
  }))

// OK access tokens live 30 minutes: at 29.5 minutes the token is within the default one-minute margin.
const nearExpiry = Duration.seconds(29 * 60 + 30)

describe("OkSession: renewal before the token expires", () => {
  it.effect("a code session renews at 29.5 minutes before calling, with the default margin", () =>
    Effect.gen(function*() {
      const code = yield* issueCode(ivan.uid)
      yield* Effect.gen(function*() {
        const first = yield* stored
        yield* TestClock.adjust(nearExpiry)
        assert.strictEqual((yield* currentUser).uid, ivan.uid)
        const log = yield* okCalls
        const grant = log.findIndex((entry) => entry.grant === "refresh_token")
        const call = log.findIndex((entry) => entry.method === "users.getCurrentUser")
        assert.isAbove(grant, -1)
        assert.isAbove(call, grant)
        assert.deepStrictEqual(yield* userCalls, ["ok"])
        assert.strictEqual(yield* refreshGrants, 1)
        assert.notStrictEqual(accessToken(yield* stored), accessToken(first))
      }).pipe(Effect.provide(codeSession(code)))
    }).pipe(Effect.provide(emulator())))

  it.effect("with a RenewalMargin of 10 seconds it does not renew at 29.5 minutes", () =>
    Effect.gen(function*() {
      const code = yield* issueCode(ivan.uid)
      yield* Effect.gen(function*() {
        const first = yield* stored
        yield* TestClock.adjust(nearExpiry)
        assert.strictEqual((yield* currentUser).uid, ivan.uid)
        assert.deepStrictEqual(yield* userCalls, ["ok"])
        assert.strictEqual(yield* refreshGrants, 0)
        assert.strictEqual(accessToken(yield* stored), accessToken(first))
      }).pipe(
        Effect.provide(codeSession(code)),
        Effect.provideService(TokenRefresh.RenewalMargin, Duration.seconds(10))
      )
    }).pipe(Effect.provide(emulator())))
})

// The background fiber wakes at a TestClock instant and then talks to the in-process emulator: let it finish.
const settle = <R>(done: Effect.Effect<boolean, never, R>) =>
  Effect.gen(function*() {
    for (let turn = 0; turn < 1000 && !(yield* done); turn++) yield* Effect.yieldNow()
  })

describe("OkSession: background renewal", () => {
  it.effect("renews before each expiry without any call, and stops when the scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        Layer.provideMerge(
          TokenRefresh.layerBackground(OkSession.tags),
          OkSession.layerRefresh({
            applicationId: app.id,
            applicationKey: app.key,
            applicationSecretKey: secret(app.secretKey),
            refreshToken: secret(refreshSeed.refreshToken)
          })
        ),
        scope
      )
      const tokens = Effect.provide(stored, context)
      // The session's own grant, at build time.
      assert.strictEqual(yield* refreshGrants, 1)
      const first = yield* tokens
      yield* TestClock.adjust("29 minutes")
      yield* settle(Effect.map(refreshGrants, (n) => n === 2))
      assert.strictEqual(yield* refreshGrants, 2)
      const second = yield* tokens
      assert.notStrictEqual(accessToken(second), accessToken(first))
      yield* TestClock.adjust("29 minutes")
      yield* settle(Effect.map(refreshGrants, (n) => n === 3))
      assert.strictEqual(yield* refreshGrants, 3)
      assert.notStrictEqual(accessToken(yield* tokens), accessToken(second))
      // Not one API call was made: the renewals came from the fiber alone.
      assert.strictEqual(yield* count((entry) => entry.endpoint !== "oauth/token.do"), 0)
      yield* Scope.close(scope, Exit.void)
      yield* TestClock.adjust("2 hours")
      yield* settle(Effect.map(refreshGrants, (n) => n > 3))
      assert.strictEqual(yield* refreshGrants, 3)
    }).pipe(Effect.provide(emulator())))
})

// Each flow-based layer (given a fresh authorization code), with the endpoint its renewal goes to first.
const flowSessions: ReadonlyArray<readonly [string, string, (code: string) => FlowSession]> = [
  ["layerCode", "oauth/token.do", (code: string) => OkSession.layerCode(codeOptions(code))],
  ["layerCodeServer", "oauth/token.do", (code: string) => OkSession.layerCodeServer(codeOptions(code))],
  ["layerImplicit", "oauth/authorize", () => OkSession.layerImplicit(implicitOptions)],
  ["layerImplicitClient", "oauth/authorize", () => OkSession.layerImplicitClient(implicitOptions)],
  ["layerPassword", "auth.login", () => OkSession.layerPassword(passwordOptions)],
  ["layerPasswordClient", "auth.login", () => OkSession.layerPasswordClient(passwordOptions)],
  ["layerRefresh", "oauth/token.do", () => OkSession.layerRefresh(refreshOptions)],
  ["layerRefreshServer", "oauth/token.do", () => OkSession.layerRefreshServer(refreshOptions)]
]

describe("what a flow-based session acquires is released with its scope", () => {
  for (const [name, target, make] of flowSessions) {
    it.effect(`${name}: closing the scope interrupts the renewal in flight, which never stores its token`, () =>
      Effect.gen(function*() {
        const control = yield* EmulatorControl.EmulatorControl
        const code = yield* issueCode(ivan.uid)
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(withClient(make(code)), scope)
        const store = yield* Effect.provide(OkSession.TokenStore, context)
        const stale = Option.getOrThrow(yield* store.get)
        yield* control.expireToken(accessToken(stale))
        // The renewal will hang on its first request until the clock moves.
        yield* injectOk(target, Fault.delay("10 seconds"))
        const call = yield* Effect.fork(Effect.provide(currentUser, context))
        yield* TestClock.adjust("1 second")
        const seen = yield* okCalls
        // The call was refused and is waiting for the renewal.
        assert.strictEqual(seen[seen.length - 1]?.verdict, "error 102")
        yield* Scope.close(scope, Exit.void)
        yield* TestClock.adjust("1 minute")
        // The caller waiting for it does not hang: it ends, interrupted with the renewal.
        const ended = yield* Fiber.poll(call)
        assert.isTrue(Option.isSome(ended) && Exit.isInterrupted(ended.value))
        // Past the delay, the renewal did not go on: nothing more reached the emulator, and the store still holds
        // the stale token.
        assert.strictEqual((yield* okCalls).length, seen.length)
        assert.strictEqual(accessToken(Option.getOrThrow(yield* store.get)), accessToken(stale))
      }).pipe(Effect.provide(emulator())))
  }
})
