/**
 * A Mail.Ru password-grant session: the user's e-mail and password go to the token endpoint, which answers an
 * access token, its lifetime and a refresh token — aiomailru's `PasswordSession`.
 *
 * The session layer authorizes when it is built, then keeps the token fresh by itself: shortly before it
 * expires, or when the API says it has, the session renews it with the refresh token (Mail.Ru rotates it at each
 * renewal; the store keeps the current one) and replays the call; if the refresh token is refused, it uses the
 * password grant again. The grant needs your application's secret key; with the private key as well, calls are
 * signed client-server.
 *
 * Run it standalone against an emulator on a loopback port:
 *
 *     npx tsx examples/mailru-password-login.ts
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Emulator, EmulatorControl, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { Console, DateTime, Effect, Layer, Option, Redacted } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// The session
// ---------------------------------------------------------------------------------------------------------------

const application = Seed.mailru.application
const user = Seed.mailru.users[0]!
const friend = Seed.mailru.users[1]!

/**
 * The client over a password session, with the session's `TokenStore` kept in the output so that the program
 * can look at the token. The values are the emulator's seeded application and user.
 */
export const layer = MailRuClient.layer.pipe(
  Layer.provideMerge(MailRuSession.layerPassword({
    appId: application.id,
    privateKey: Redacted.make(application.privateKey),
    secretKey: Redacted.make(application.secretKey),
    email: user.email,
    password: Redacted.make(user.password),
    // The permissions asked for; `guestbook` lets the program write in a guestbook.
    scope: ["guestbook", "stream", "photos"]
  }))
)

// ---------------------------------------------------------------------------------------------------------------
// The programs
// ---------------------------------------------------------------------------------------------------------------

const currentToken = Effect.flatMap(MailRuSession.TokenStore, (store) => Effect.map(store.get, Option.getOrThrow))

/**
 * What the password grant gave, and signed calls with it: a read and a write.
 */
export const program = Effect.gen(function*() {
  const mailru = yield* MailRuClient.MailRuClient
  const token = yield* currentToken

  const [me] = yield* mailru.users.getInfo()
  // A write. Writes are never retried unless you say so: a write whose answer was lost may have happened.
  const posted = yield* mailru.guestbook.post({ uid: friend.uid, text: "Привет из okmail!" })

  return {
    uid: token.userId,
    name: me?.first_name,
    expiresAt: token.expiresAt === undefined ? undefined : DateTime.formatIso(token.expiresAt),
    hasRefreshToken: token.refreshToken !== undefined,
    scopes: token.scopes,
    posted
  }
})

/**
 * Renewal, shown on the emulator: its `EmulatorControl` expires the session's token as the clock would, and the
 * next call renews it with the refresh token and goes through, with no code of yours in between.
 */
export const renewal = Effect.gen(function*() {
  const mailru = yield* MailRuClient.MailRuClient
  const control = yield* EmulatorControl.EmulatorControl
  const before = yield* currentToken

  yield* control.expireToken(Redacted.value(before.accessToken))
  const friends = yield* mailru.friends.get()

  const after = yield* currentToken
  const grants = (yield* control.requests).filter((entry) => entry.api === "mailru" && entry.grant !== undefined)
  return {
    friends: friends.length,
    renewed: Redacted.value(after.accessToken) !== Redacted.value(before.accessToken),
    refreshTokenRotated: Redacted.value(after.refreshToken!) !== Redacted.value(before.refreshToken!),
    grants: grants.map((entry) => `${entry.grant}: ${entry.verdict}`)
  }
})

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/mailru-password-login.ts`
// ---------------------------------------------------------------------------------------------------------------

/** An emulator on a free loopback port, the client pointed at it, and a Node HTTP client. */
const loopback = Layer.unwrapEffect(
  Effect.map(Emulator.EmulatorServer, (server) => MailRuConfig.layer(server.mailru))
).pipe(
  Layer.provideMerge(Emulator.layerServer()),
  Layer.merge(NodeHttpClient.layer)
)

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = Effect.gen(function*() {
  yield* Console.log("Mail.Ru password session:", yield* program)
  yield* Console.log("After the token expired:", yield* renewal)
}).pipe(Effect.provide(layer.pipe(Layer.provideMerge(loopback))))

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
