/**
 * An OK.ru implicit login: the user's login and password go through OK.ru's own login and permission pages,
 * and the token comes back in the fragment of the final redirect — aiookru's `ImplicitClientSession`.
 *
 * The session layer logs in when it is built, signs every call with the session secret key the redirect
 * gives (client-server circuit), and, since OK.ru gives this flow no refresh token, logs in again by itself
 * when the token expires or the API calls it invalid. With your application secret key, `layerImplicit` signs
 * server-server instead.
 *
 * Run it standalone against an emulator on a loopback port:
 *
 *     npx tsx examples/ok-implicit-login.ts
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Emulator, Seed } from "@okmail/emulator"
import { OkAuth, OkClient, OkConfig, OkSession } from "@okmail/okru"
import { Console, DateTime, Effect, Layer, Option, Redacted } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// The session
// ---------------------------------------------------------------------------------------------------------------

const application = Seed.ok.application
const user = Seed.ok.users[0]!

/**
 * What the implicit login needs: your application's id and public key, and the user's login and password
 * (the emulator's seeded user here). The password is `Redacted`: no error, log line or URL ever shows it.
 */
export const loginOptions = (password: string = user.password) => ({
  applicationId: application.id,
  applicationKey: application.key,
  login: user.login,
  password: Redacted.make(password),
  // The permissions asked for on the permission page.
  scopes: ["VALUABLE_ACCESS", "LONG_ACCESS_TOKEN"]
})

/**
 * The client over an implicit client-server session. The session's own services (its `TokenStore`, its
 * `TokenRefresh`) are kept in the output too, so that the program can look at the token.
 */
export const layer = (password?: string) =>
  OkClient.layer.pipe(Layer.provideMerge(OkSession.layerImplicitClient(loginOptions(password))))

// ---------------------------------------------------------------------------------------------------------------
// The programs
// ---------------------------------------------------------------------------------------------------------------

/**
 * What the login gave, and a signed call with it.
 */
export const program = Effect.gen(function*() {
  const ok = yield* OkClient.OkClient
  const store = yield* OkSession.TokenStore

  // The token the login pages gave: every secret in it is Redacted.
  const token = Option.getOrThrow(yield* store.get)
  // Present: the session renews its token by logging in again.
  const renews = Option.isSome(yield* Effect.serviceOption(OkSession.TokenRefresh))

  const me = yield* ok.users.getCurrentUser({ fields: ["uid", "name"] })
  return {
    uid: me.uid,
    name: me.name,
    scopes: token.scopes,
    expiresAt: token.expiresAt === undefined ? undefined : DateTime.formatIso(token.expiresAt),
    accessTokenShown: String(token.accessToken),
    renews
  }
})

/**
 * A wrong password: the layer fails to build with `WrongCredentialsError`, which the program recovers from by
 * its tag. Whatever the page said, the error carries no password.
 */
export const wrongPassword = Effect.gen(function*() {
  const ok = yield* OkClient.OkClient
  return yield* Effect.map(ok.users.getLoggedInUser(), (uid) => `logged in as ${uid}`)
}).pipe(
  Effect.provide(layer("not-the-password")),
  Effect.catchTag("WrongCredentialsError", (error) => Effect.succeed(`refused: ${error.message}`))
)

/**
 * The flow without a session: `OkAuth.implicit` is a plain Effect returning the token, for a command-line tool
 * that logs in once and keeps the token itself.
 */
export const tokenOnly = Effect.map(
  OkAuth.implicit(loginOptions()),
  (token) => ({ scopes: token.scopes, hasSessionSecretKey: token.sessionSecretKey !== undefined })
)

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/ok-implicit-login.ts`
// ---------------------------------------------------------------------------------------------------------------

/** An emulator on a free loopback port, the client pointed at it, and a Node HTTP client. */
const loopback = Layer.unwrapEffect(Effect.map(Emulator.EmulatorServer, (server) => OkConfig.layer(server.ok))).pipe(
  Layer.provideMerge(Emulator.layerServer()),
  Layer.merge(NodeHttpClient.layer)
)

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = Effect.gen(function*() {
  yield* Console.log("OK.ru implicit login:", yield* program.pipe(Effect.provide(layer())))
  yield* Console.log("With a wrong password:", yield* wrongPassword)
  yield* Console.log("The flow alone:", yield* tokenOnly)
}).pipe(Effect.provide(loopback))

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
