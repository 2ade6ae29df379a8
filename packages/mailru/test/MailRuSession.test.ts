import { MailRuClient, MailRuSession } from "@okmail/mailru"
import type * as HttpClient from "@effect/platform/HttpClient"
import { Emulator, EmulatorControl } from "@okmail/emulator"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { app, appId, ivan, privateKey, secretKey, seeded, withSession } from "./helpers.js"

const password = Redacted.make(ivan.password)
const email = ivan.email

const issueCode = Effect.flatMap(EmulatorControl.EmulatorControl, (control) =>
  control.issueCode({ api: "mailru", uid: ivan.uid, redirectUri: app.redirectUri, clientId: appId }))

// Flow → signed call → decoded result, and the circuit the emulator saw.
const endToEnd = (circuit: "client-server" | "server-server") =>
  Effect.gen(function*() {
    const mailru = yield* MailRuClient.MailRuClient
    const [me] = yield* mailru.users.getInfo()
    assert.strictEqual(me?.uid, ivan.uid)
    const log = yield* (yield* EmulatorControl.EmulatorControl).requests
    const call = log.filter((entry) => entry.method === "users.getInfo").at(-1)
    assert.strictEqual(call?.circuit, circuit)
    const stored = yield* Effect.flatMap(MailRuSession.TokenStore, (store) => store.get)
    assert.strictEqual(Option.getOrThrow(stored).userId, ivan.uid)
    return Option.getOrThrow(stored)
  })

// A session layer whose flow needs a code issued first: the code is issued in the same emulator.
const withCodeSession = <E>(
  make: (code: Redacted.Redacted<string>) => Layer.Layer<MailRuSession.RefreshableSession, E, HttpClient.HttpClient>,
  circuit: "client-server" | "server-server"
) =>
  Effect.gen(function*() {
    const code = yield* issueCode
    return yield* endToEnd(circuit).pipe(
      Effect.provide(MailRuClient.layer.pipe(Layer.provideMerge(make(Redacted.make(code)))))
    )
  }).pipe(Effect.provide(Emulator.layerInProcess()))

describe("MailRuSession, end to end", () => {
  it.effect("PublicSession: public requests, no token, no signature", () =>
    Effect.gen(function*() {
      const mailru = yield* MailRuClient.MailRuClient
      const body = yield* mailru.publicRequest(["mail", "ivan"])
      assert.strictEqual((body as { readonly uid?: unknown }).uid, ivan.uid)
      const log = yield* (yield* EmulatorControl.EmulatorControl).requests
      assert.deepStrictEqual(
        log.map((entry) => [entry.method, entry.circuit, entry.verdict]),
        [["platform/mail/ivan", "unsigned", "ok"]]
      )
    }).pipe(withSession(MailRuSession.layerPublic())))

  it.effect("TokenSession infers client-server from the uid and private key", () =>
    endToEnd("client-server").pipe(
      withSession(
        MailRuSession.layerToken({ appId, privateKey, accessToken: Redacted.make(seeded.accessToken), uid: seeded.uid })
      )
    ))

  it.effect("TokenSession infers server-server from the secret key", () =>
    endToEnd("server-server").pipe(
      withSession(MailRuSession.layerToken({ appId, secretKey, accessToken: Redacted.make(seeded.accessToken), uid: seeded.uid }))
    ))

  it.effect("CodeSession, CodeClientSession, CodeServerSession", () =>
    Effect.gen(function*() {
      yield* withCodeSession(
        (code) => MailRuSession.layerCode({ appId, privateKey, secretKey, code, redirectUri: app.redirectUri }),
        "client-server"
      )
      yield* withCodeSession(
        (code) => MailRuSession.layerCodeClient({ appId, privateKey, secretKey, code, redirectUri: app.redirectUri }),
        "client-server"
      )
      yield* withCodeSession(
        (code) => MailRuSession.layerCodeServer({ appId, secretKey, code, redirectUri: app.redirectUri }),
        "server-server"
      )
    }))

  it.effect("ImplicitSession", () =>
    endToEnd("client-server").pipe(
      withSession(MailRuSession.layerImplicit({ appId, privateKey, email, password, scope: ["stream", "photos"] }))
    ))
  it.effect("ImplicitClientSession", () =>
    endToEnd("client-server").pipe(withSession(MailRuSession.layerImplicitClient({ appId, privateKey, email, password }))))
  it.effect("ImplicitServerSession", () =>
    endToEnd("server-server").pipe(withSession(MailRuSession.layerImplicitServer({ appId, secretKey, email, password }))))

  it.effect("PasswordSession", () =>
    endToEnd("server-server").pipe(withSession(MailRuSession.layerPassword({ appId, secretKey, email, password }))))
  it.effect("PasswordClientSession", () =>
    endToEnd("client-server").pipe(
      withSession(MailRuSession.layerPasswordClient({ appId, privateKey, secretKey, email, password }))
    ))
  it.effect("PasswordServerSession", () =>
    endToEnd("server-server").pipe(withSession(MailRuSession.layerPasswordServer({ appId, secretKey, email, password }))))

  const refreshToken = Redacted.make(seeded.refreshToken)
  it.effect("RefreshSession", () =>
    Effect.gen(function*() {
      const token = yield* endToEnd("client-server")
      // Mail.Ru rotates the refresh token: the stored one is the new one.
      assert.notStrictEqual(Redacted.value(token.refreshToken!), seeded.refreshToken)
    }).pipe(withSession(MailRuSession.layerRefresh({ appId, privateKey, secretKey, refreshToken }))))
  it.effect("RefreshClientSession", () =>
    endToEnd("client-server").pipe(
      withSession(MailRuSession.layerRefreshClient({ appId, privateKey, secretKey, refreshToken }))
    ))
  it.effect("RefreshServerSession", () =>
    endToEnd("server-server").pipe(withSession(MailRuSession.layerRefreshServer({ appId, secretKey, refreshToken }))))
})
