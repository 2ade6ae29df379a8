import * as HttpClient from "@effect/platform/HttpClient"
import { MailRuAuth } from "@okmail/mailru"
import { Emulator, EmulatorControl, Seed } from "@okmail/emulator"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { app, appId, assertNoSecret, ivan, olga, secretKey, seeded } from "./helpers.js"

const implicit = (options: Partial<MailRuAuth.ImplicitOptions> = {}) =>
  MailRuAuth.implicit({ appId, email: ivan.email, password: Redacted.make(ivan.password), ...options })

// The in-process emulator, with the HTTP client wrapped to record the URL of every request it is asked to send:
// the emulator answers each token grant on either host, so only the client side shows which one was used.
const recordingUrls = (urls: Array<string>) =>
  Layer.provideMerge(
    Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (http) =>
        HttpClient.tapRequest(http, (request) =>
          Effect.sync(() => {
            urls.push(request.url)
          })))
    ),
    Emulator.layerInProcess()
  )

describe("MailRuAuth", () => {
  it.effect("implicit: login form, permission form, token from the redirect's fragment", () =>
    Effect.gen(function*() {
      const token = yield* implicit({ scope: ["photos", "stream"] })
      assert.strictEqual(token.userId, ivan.uid)
      assert.isDefined(token.refreshToken)
      assert.deepStrictEqual(token.scopes, ["photos", "stream"])
      // The expiry counts from the (test) clock: 24 hours from the epoch.
      assert.strictEqual(DateTime.toEpochMillis(token.expiresAt!), 86_400_000)
      assertNoSecret(token, [Redacted.value(token.accessToken)])
      const other = yield* implicit({ email: olga.email, password: Redacted.make(olga.password) })
      assert.strictEqual(other.userId, olga.uid)
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("implicit: a wrong password is a WrongCredentialsError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(implicit({ password: Redacted.make("not-the-password") }))
      assert.strictEqual(error._tag, "WrongCredentialsError")
      assertNoSecret(error, ["not-the-password"])
      const recovered = yield* implicit({ password: Redacted.make("not-the-password") }).pipe(
        Effect.as("token"),
        Effect.catchTag("WrongCredentialsError", () => Effect.succeed("wrong credentials"))
      )
      assert.strictEqual(recovered, "wrong credentials")
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("implicit: a blocked user is a UserBlockedError", () =>
    Effect.gen(function*() {
      const blocked = Seed.mailru.blocked
      const error = yield* Effect.flip(implicit({ email: blocked.email, password: Redacted.make(blocked.password) }))
      assert.strictEqual(error._tag, "UserBlockedError")
      assertNoSecret(error, [blocked.password])
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("implicit: an application in development is an AppNotAvailableError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(implicit({ appId: Seed.mailru.applicationInDevelopment.id }))
      assert.strictEqual(error._tag, "AppNotAvailableError")
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("implicit: an unknown application is an UnknownClientError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(implicit({ appId: "424242" }))
      assert.strictEqual(error._tag, "UnknownClientError")
      assert.strictEqual(error._tag === "UnknownClientError" && error.clientId, "424242")
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("implicit: a malformed e-mail is a ConfigurationError before any request", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(implicit({ email: "ivan" }))
      assert.strictEqual(error._tag === "ConfigurationError" && error.option, "email")
      assert.strictEqual((yield* (yield* EmulatorControl.EmulatorControl).requests).length, 0)
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("authorizationCode exchanges a code at codeTokenUrl", () => {
    const urls: Array<string> = []
    return Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const code = yield* control.issueCode({ api: "mailru", uid: ivan.uid, redirectUri: app.redirectUri, clientId: appId })
      const token = yield* MailRuAuth.authorizationCode({
        appId,
        secretKey,
        code: Redacted.make(code),
        redirectUri: app.redirectUri
      })
      assert.strictEqual(token.userId, ivan.uid)
      // A code serves once.
      const again = yield* Effect.flip(
        MailRuAuth.authorizationCode({ appId, secretKey, code: Redacted.make(code), redirectUri: app.redirectUri })
      )
      assert.strictEqual(again._tag, "OAuthError")
      assertNoSecret(again, [code])
      assert.deepStrictEqual(urls, ["https://connect.mail.ru/oauth/token", "https://connect.mail.ru/oauth/token"])
    }).pipe(Effect.provide(recordingUrls(urls)))
  })

  it.effect("password: the grant at tokenUrl; a wrong password is WrongCredentialsError, a wrong secret UnknownClientError", () => {
    const urls: Array<string> = []
    return Effect.gen(function*() {
      const token = yield* MailRuAuth.password({
        appId,
        secretKey,
        email: ivan.email,
        password: Redacted.make(ivan.password),
        scope: ["messages"]
      })
      assert.strictEqual(token.userId, ivan.uid)
      const refused = yield* Effect.flip(
        MailRuAuth.password({ appId, secretKey, email: ivan.email, password: Redacted.make("nope-nope") })
      )
      assert.strictEqual(refused._tag, "WrongCredentialsError")
      assertNoSecret(refused, ["nope-nope"])
      const badSecret = yield* Effect.flip(
        MailRuAuth.password({
          appId,
          secretKey: Redacted.make("ffffffffffffffffffffffffffffffff"),
          email: ivan.email,
          password: Redacted.make(ivan.password)
        })
      )
      assert.strictEqual(badSecret._tag, "UnknownClientError")
      assertNoSecret(badSecret, ["ffffffffffffffffffffffffffffffff"])
      assert.deepStrictEqual(urls, Array(3).fill("https://appsmail.ru/oauth/token"))
    }).pipe(Effect.provide(recordingUrls(urls)))
  })

  it.effect("refresh: a new access token and a new refresh token", () =>
    Effect.gen(function*() {
      const token = yield* MailRuAuth.refresh({ appId, secretKey, refreshToken: Redacted.make(seeded.refreshToken) })
      assert.notStrictEqual(Redacted.value(token.accessToken), seeded.accessToken)
      assert.notStrictEqual(Redacted.value(token.refreshToken!), seeded.refreshToken)
      assert.strictEqual(token.userId, seeded.uid)
      const empty = yield* Effect.flip(MailRuAuth.refresh({ appId, secretKey, refreshToken: Redacted.make("") }))
      assert.strictEqual(empty._tag === "ConfigurationError" && empty.option, "refreshToken")
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})
