import { OkAuth, OkSession } from "@okmail/okru"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import {
  app,
  emulator,
  injectOk,
  issueCode,
  ivan,
  okCalls,
  type Recorder,
  refreshSeed,
  secret,
  seedSecrets
} from "./helpers.js"

const assertNoSecret = (value: unknown) => {
  const text = `${JSON.stringify(value)} ${String(value)} ${(value as { message?: string })?.message ?? ""}`
  for (const secretValue of seedSecrets) assert.notInclude(text, secretValue)
}

const implicitAs = (login: string, password: string, extra: Partial<OkAuth.ImplicitOptions> = {}) =>
  OkAuth.implicit({ applicationId: app.id, login, password: secret(password), scopes: ["VALUABLE_ACCESS"], ...extra })

describe("OkAuth.implicit on the emulator's login and permission pages", () => {
  it.effect("reads the access token, session secret key, lifetime and state from the redirect's fragment", () =>
    Effect.gen(function*() {
      const token = yield* implicitAs(ivan.login, ivan.password, { state: "s-42" })
      assert.isNotEmpty(Redacted.value(token.accessToken))
      assert.isNotEmpty(Redacted.value(token.sessionSecretKey!))
      assert.isDefined(token.expiresAt)
      assertNoSecret(token)
    }).pipe(Effect.provide(emulator())))

  it.effect("a wrong password → WrongCredentialsError, naming neither login secret", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(implicitAs(ivan.login, "not-the-password"))
      assert.strictEqual(error._tag, "WrongCredentialsError")
      assert.notInclude(JSON.stringify(error) + error.message, "not-the-password")
      const recovered = yield* implicitAs(ivan.login, "not-the-password").pipe(
        Effect.as("token"),
        Effect.catchTag("WrongCredentialsError", () => Effect.succeed("recovered"))
      )
      assert.strictEqual(recovered, "recovered")
    }).pipe(Effect.provide(emulator())))

  it.effect("an unknown application → UnknownClientError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(implicitAs(ivan.login, ivan.password, { applicationId: "999999999999" }))
      assert.strictEqual(error._tag, "UnknownClientError")
    }).pipe(Effect.provide(emulator())))

  it.effect("the implicit session layer fails to build with the flow's typed error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.scoped(Layer.build(OkSession.layerImplicitClient({
          applicationId: app.id,
          applicationKey: app.key,
          login: ivan.login,
          password: secret("wrong")
        })))
      )
      assert.strictEqual(error._tag, "WrongCredentialsError")
    }).pipe(Effect.provide(emulator())))
})

describe("OkAuth token grants", () => {
  it.effect("authorizationCode posts the raw secret key to /oauth/token.do and reads the token", () =>
    Effect.gen(function*() {
      const code = yield* issueCode(ivan.uid)
      const token = yield* OkAuth.authorizationCode({
        applicationId: app.id,
        applicationSecretKey: secret(app.secretKey),
        code: secret(code),
        redirectUri: app.redirectUri
      })
      assert.isDefined(token.refreshToken)
      const log = yield* okCalls
      assert.strictEqual(log[log.length - 1]?.grant, "authorization_code")
      // The same code cannot be used twice.
      const again = yield* Effect.flip(OkAuth.authorizationCode({
        applicationId: app.id,
        applicationSecretKey: secret(app.secretKey),
        code: secret(code),
        redirectUri: app.redirectUri
      }))
      assert.strictEqual(again._tag, "OAuthError")
      assertNoSecret(again)
    }).pipe(Effect.provide(emulator())))

  it.effect("a wrong client secret → UnknownClientError, recovered with catchTag", () =>
    Effect.gen(function*() {
      const code = yield* issueCode(ivan.uid)
      const outcome = yield* OkAuth.authorizationCode({
        applicationId: app.id,
        applicationSecretKey: secret("WRONGWRONGWRONG"),
        code: secret(code),
        redirectUri: app.redirectUri
      }).pipe(
        Effect.as("token"),
        Effect.catchTag("UnknownClientError", (error) => Effect.succeed(error.clientId))
      )
      assert.strictEqual(outcome, app.id)
    }).pipe(Effect.provide(emulator())))

  it.effect("refresh keeps the refresh token OK.ru does not send again", () =>
    Effect.gen(function*() {
      const token = yield* OkAuth.refresh({
        applicationId: app.id,
        applicationSecretKey: secret(app.secretKey),
        refreshToken: secret(refreshSeed.refreshToken)
      })
      assert.strictEqual(Redacted.value(token.refreshToken!), refreshSeed.refreshToken)
      assert.isDefined(token.expiresAt)
      const bad = yield* Effect.flip(OkAuth.refresh({
        applicationId: app.id,
        applicationSecretKey: secret(app.secretKey),
        refreshToken: secret("no-such-refresh-token")
      }))
      assert.strictEqual(bad._tag, "OAuthError")
      assert.notInclude(JSON.stringify(bad) + bad.message, "no-such-refresh-token")
    }).pipe(Effect.provide(emulator())))

  it.effect("password: auth.login gives the session key and session secret; a wrong password → WrongCredentialsError", () =>
    Effect.gen(function*() {
      const token = yield* OkAuth.password({
        applicationKey: app.key,
        applicationSecretKey: secret(app.secretKey),
        login: ivan.login,
        password: secret(ivan.password)
      })
      assert.strictEqual(token.userId, ivan.uid)
      assert.isDefined(token.sessionSecretKey)
      const error = yield* Effect.flip(OkAuth.password({
        applicationKey: app.key,
        applicationSecretKey: secret(app.secretKey),
        login: ivan.login,
        password: secret("nope-nope")
      }))
      assert.strictEqual(error._tag, "WrongCredentialsError")
      assert.notInclude(JSON.stringify(error) + error.message, "nope-nope")
    }).pipe(Effect.provide(emulator())))

  it.effect("the token endpoint answering HTML → NotJsonError", () =>
    Effect.gen(function*() {
      yield* injectOk("oauth/token.do", { _tag: "Html" })
      const error = yield* Effect.flip(OkAuth.refresh({
        applicationId: app.id,
        applicationSecretKey: secret(app.secretKey),
        refreshToken: secret(refreshSeed.refreshToken)
      }))
      assert.include(["NotJsonError", "StatusError"], error._tag)
      assertNoSecret(error)
    }).pipe(Effect.provide(emulator())))

  it.effect("bad options are ConfigurationErrors, before any request", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(OkAuth.refresh({
        applicationId: app.id,
        applicationSecretKey: secret(""),
        refreshToken: secret(refreshSeed.refreshToken)
      }))
      assert.strictEqual(error._tag, "ConfigurationError")
      assert.strictEqual((yield* okCalls).length, 0)
    }).pipe(Effect.provide(emulator())))
})

describe("no secret in any request URL of the flows", () => {
  it.effect("code, refresh and password flows keep secrets out of URLs", () => {
    const recorder: Recorder = { urls: [] }
    return Effect.gen(function*() {
      const code = yield* issueCode(ivan.uid)
      yield* OkAuth.authorizationCode({
        applicationId: app.id,
        applicationSecretKey: secret(app.secretKey),
        code: secret(code),
        redirectUri: app.redirectUri
      })
      yield* OkAuth.refresh({
        applicationId: app.id,
        applicationSecretKey: secret(app.secretKey),
        refreshToken: secret(refreshSeed.refreshToken)
      })
      yield* OkAuth.password({ applicationKey: app.key, login: ivan.login, password: secret(ivan.password) }).pipe(
        Effect.ignore
      )
      assert.isAbove(recorder.urls.length, 2)
      for (const url of recorder.urls) {
        for (const secretValue of [...seedSecrets, code]) assert.notInclude(url, secretValue)
      }
    }).pipe(Effect.provide(emulator(recorder)))
  })
})
