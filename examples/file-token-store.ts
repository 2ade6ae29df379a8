/**
 * A token that survives restarts: give a session layer `TokenStore.layerFile(path)` as its `store`, and it logs
 * in only when the file holds no token yet. Every later start reads the token from the file and makes its calls
 * at once; a token that has gone stale is replaced by the session's own renewal, and the file with it.
 *
 * The file is written atomically (a temporary file renamed over it) with mode 0600. It holds the token's
 * secrets in the clear, as any credentials file does: keep it out of version control and backups you share.
 * `TokenStore.layerKeyValueStore` puts the token in any `@effect/platform` `KeyValueStore` instead.
 *
 * The session here is an OK.ru password login (`auth.login`), aiookru's `PasswordSession`; any session layer
 * takes a `store` the same way.
 *
 * Run it standalone against an emulator on a loopback port (the file goes to a temporary directory):
 *
 *     npx tsx examples/file-token-store.ts
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { FileSystem, Path } from "@effect/platform"
import { TokenStore } from "@okmail/core"
import { Emulator, EmulatorControl, Seed } from "@okmail/emulator"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import { Console, Effect, Layer, Option, Redacted } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// The session, its token kept in a file
// ---------------------------------------------------------------------------------------------------------------

/**
 * The client over a password session whose token lives in the file at `path`. It needs an `HttpClient`, and a
 * `FileSystem` and `Path` — `NodeFileSystem.layer` and `NodePath.layer` on Node.
 */
export const layer = (path: string) =>
  OkClient.layer.pipe(
    Layer.provide(OkSession.layerPassword({
      applicationKey: Seed.ok.application.key,
      applicationSecretKey: Redacted.make(Seed.ok.application.secretKey),
      login: Seed.ok.users[0]!.login,
      password: Redacted.make(Seed.ok.users[0]!.password),
      store: TokenStore.layerFile(path)
    }))
  )

/**
 * One start of your application: build the session (logging in only if the file holds no token), call, stop.
 * The layer is built and released inside, as a process would on each start.
 */
export const run = (path: string) =>
  Effect.gen(function*() {
    const ok = yield* OkClient.OkClient
    return yield* ok.users.getLoggedInUser()
  }).pipe(Effect.provide(layer(path)))

// ---------------------------------------------------------------------------------------------------------------
// The demonstration: three starts against one emulator, logins counted in its request log
// ---------------------------------------------------------------------------------------------------------------

/**
 * Starts the application three times with one token file in a fresh temporary directory: the first start logs
 * in, the second does not, and after the stored token is revoked the third logs in again and rewrites the file.
 */
export const program = Effect.scoped(Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const paths = yield* Path.Path
  const control = yield* EmulatorControl.EmulatorControl
  const directory = yield* fs.makeTempDirectoryScoped({ prefix: "okmail-example-" })
  const file = paths.join(directory, "ok-token.json")
  const logins = Effect.map(control.requests, (log) => log.filter((entry) => entry.method === "auth.login").length)
  const storedToken = Effect.flatMap(TokenStore.makeFile(file), (store) => Effect.map(store.get, Option.getOrThrow))

  const first = yield* run(file)
  const loginsAfterFirst = yield* logins
  const mode = ((yield* fs.stat(file)).mode & 0o777).toString(8)

  const second = yield* run(file)
  const loginsAfterSecond = yield* logins

  // The stored token stops working (the user logged out everywhere, say): the API answers "invalid session",
  // and a session built from a login and password logs in again and stores the new token.
  const stale = yield* storedToken
  yield* control.revokeToken(Redacted.value(stale.accessToken))
  const third = yield* run(file)
  const loginsAfterThird = yield* logins
  const fresh = yield* storedToken

  return {
    users: [first, second, third],
    logins: [loginsAfterFirst, loginsAfterSecond, loginsAfterThird],
    fileMode: mode,
    tokenReplaced: Redacted.value(fresh.accessToken) !== Redacted.value(stale.accessToken)
  }
}))

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/file-token-store.ts`
// ---------------------------------------------------------------------------------------------------------------

/** An emulator on a free loopback port, the client pointed at it, Node's HTTP client, file system and paths. */
const loopback = Layer.unwrapEffect(Effect.map(Emulator.EmulatorServer, (server) => OkConfig.layer(server.ok))).pipe(
  Layer.provideMerge(Emulator.layerServer()),
  Layer.merge(Layer.mergeAll(NodeHttpClient.layer, NodeFileSystem.layer, NodePath.layer))
)

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = program.pipe(
  Effect.tap((result) => Console.log("A token file across three starts:", result)),
  Effect.provide(loopback)
)

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
