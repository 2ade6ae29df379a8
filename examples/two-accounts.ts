/**
 * Two accounts of one API, and both APIs, in one program.
 *
 * - A session provides its API's own services (`OkSession.Signer`, `MailRuSession.TokenStore`, …), so an OK
 *   session and a Mail.Ru session merge into one layer safely, and a client over the wrong API's session does not
 *   compile.
 * - A second account of the same API is a second client under a tag you name, built with `OkClient.make` over its
 *   own session: `Layer.provide` (not `provideMerge`) keeps that session private to its client.
 * - `TokenRefresh.layerBackground(OkSession.tags)` and `TokenRefresh.layerBackground(MailRuSession.tags)` renew
 *   the tokens of both APIs' sessions before they expire, for as long as the layer lives.
 *
 * Run it standalone against an emulator on a loopback port:
 *
 *     npx tsx examples/two-accounts.ts
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { TokenRefresh } from "@okmail/core"
import { Emulator, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import { Console, Context, Effect, Layer, Redacted } from "effect"
import { pathToFileURL } from "node:url"

const ok = Seed.ok.application
const mailru = Seed.mailru.application
const maria = Seed.ok.users[1]!

// ---------------------------------------------------------------------------------------------------------------
// The layers
// ---------------------------------------------------------------------------------------------------------------

/**
 * The second OK account's client, under a tag of the program's own.
 */
export class MariaOk extends Context.Tag("examples/MariaOk")<MariaOk, OkClient.Service>() {}

/** The first OK account: a refresh session, renewed by the refresh-token grant. */
const ivanSession = OkSession.layerRefresh({
  applicationId: ok.id,
  applicationKey: ok.key,
  applicationSecretKey: Redacted.make(ok.secretKey),
  refreshToken: Redacted.make(Seed.ok.tokens.refresh.refreshToken)
})

/** The Mail.Ru account: a client-server refresh session (Mail.Ru rotates the refresh token at each renewal). */
const mailruSession = MailRuSession.layerRefreshClient({
  appId: mailru.id,
  privateKey: Redacted.make(mailru.privateKey),
  secretKey: Redacted.make(mailru.secretKey),
  refreshToken: Redacted.make(Seed.mailru.tokens.session.refreshToken)
})

/** The second OK account: `auth.login` with its own login and password. */
const mariaSession = OkSession.layerPassword({
  applicationKey: ok.key,
  applicationSecretKey: Redacted.make(ok.secretKey),
  login: maria.login,
  password: Redacted.make(maria.password)
})

/**
 * The program's clients: `OkClient` and `MailRuClient` over one merged layer of both APIs' sessions, each renewed
 * in the background, and `MariaOk` over a session of its own. Settings provided below this layer (`OkConfig`,
 * `MailRuConfig`, `RateLimit`, `RetryPolicy`) apply to every client and session in it.
 */
export const layer = Layer.mergeAll(
  OkClient.layer,
  MailRuClient.layer,
  TokenRefresh.layerBackground(OkSession.tags),
  TokenRefresh.layerBackground(MailRuSession.tags)
).pipe(
  Layer.provide(Layer.merge(ivanSession, mailruSession)),
  Layer.merge(Layer.scoped(MariaOk, OkClient.make).pipe(Layer.provide(mariaSession)))
)

// ---------------------------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------------------------

/**
 * Each account says who it is, the three calls at once.
 */
export const program = Effect.gen(function*() {
  const ivan = yield* OkClient.OkClient
  const maria = yield* MariaOk
  const mailru = yield* MailRuClient.MailRuClient
  const [okIvan, okMaria, [mailruUser]] = yield* Effect.all([
    ivan.users.getCurrentUser({ fields: ["uid", "name"] }),
    maria.users.getCurrentUser({ fields: ["uid", "name"] }),
    mailru.users.getInfo()
  ], { concurrency: "unbounded" })
  return {
    ok: [okIvan.name, okMaria.name],
    mailru: mailruUser === undefined ? undefined : `${mailruUser.first_name} ${mailruUser.last_name}`
  }
})

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/two-accounts.ts`
// ---------------------------------------------------------------------------------------------------------------

/** An emulator on a free loopback port, both APIs' settings pointed at it, and a Node HTTP client. */
const loopback = Layer.unwrapEffect(
  Effect.map(Emulator.EmulatorServer, (server) => Layer.merge(OkConfig.layer(server.ok), MailRuConfig.layer(server.mailru)))
).pipe(Layer.provideMerge(Emulator.layerServer()), Layer.merge(NodeHttpClient.layer))

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = program.pipe(
  Effect.tap((result) => Console.log("Two OK accounts and a Mail.Ru account:", JSON.stringify(result, null, 2))),
  Effect.provide(layer.pipe(Layer.provide(loopback)))
)

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
