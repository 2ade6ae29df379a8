/**
 * An OK.ru server-server session: your application holds a user's access token and its own application secret
 * key, and every call is signed with `md5(access_token + application_secret_key)` — aiookru's `ServerSession`.
 *
 * Use it on a back end that keeps a user's token (from an OAuth callback, say) and the secret key never leaves
 * the server.
 *
 * Run it standalone against an emulator on a loopback port:
 *
 *     npx tsx examples/ok-server-session.ts
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Emulator, Seed } from "@okmail/emulator"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import { Array, Console, Effect, Layer, Redacted } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// The session
// ---------------------------------------------------------------------------------------------------------------

/**
 * Your application's public key and secret key (from the OK.ru developer page) and the user's access token.
 * Here they are the emulator's seeded values; in your code they come from your configuration — see
 * `config-from-env.ts`. Secrets are `Redacted` from the start: printing or logging them shows `<redacted>`.
 */
const credentials = {
  applicationKey: Seed.ok.application.key,
  applicationSecretKey: Redacted.make(Seed.ok.application.secretKey),
  accessToken: Redacted.make(Seed.ok.tokens.long.accessToken)
}

/**
 * The client over a server-server session. It needs an `HttpClient` (Fetch, Node, or the emulator's); the
 * endpoints are OK.ru's own unless an `OkConfig` is provided.
 */
export const layer = OkClient.layer.pipe(Layer.provide(OkSession.layerServer(credentials)))

// ---------------------------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------------------------

/** A group seeded in the emulator, "Клуб любителей Effect". */
const effectClub = "53038939046008"

/**
 * Signed, typed calls: every result is decoded by a Schema, and ids stay strings.
 */
export const program = Effect.gen(function*() {
  const ok = yield* OkClient.OkClient

  // The typed methods check their parameters before anything is sent and decode the answer.
  const me = yield* ok.users.getCurrentUser({ fields: ["uid", "name", "first_name", "location"] })
  const friendIds = yield* ok.friends.get()
  // users.getInfo takes a non-empty list of uids: the type says so, and the guard proves it.
  const friends = Array.isNonEmptyReadonlyArray(friendIds)
    ? yield* ok.users.getInfo({ uids: friendIds, fields: ["uid", "name", "gender"] })
    : []
  const [group] = yield* ok.group.getInfo({ uids: [effectClub], fields: ["uid", "name", "members_count"] })
  const events = yield* ok.events.get()

  // `call` reaches any method, typed here or not — as does the proxy `ok.api.friends.getOnline({})`, aiookru's
  // `API` object — and returns the JSON undecoded.
  const online = yield* ok.call("friends.getOnline", {})

  return {
    me: { uid: me.uid, name: me.name },
    friends: friends.map((friend) => friend.name ?? friend.uid),
    group: group === undefined ? undefined : { name: group.name, members: group.members_count },
    events: events.map((event) => `${event.type}: ${event.number}`),
    online
  }
})

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/ok-server-session.ts`
// ---------------------------------------------------------------------------------------------------------------

/** An emulator on a free loopback port, the client pointed at it, and a Node HTTP client. */
const loopback = Layer.unwrapEffect(Effect.map(Emulator.EmulatorServer, (server) => OkConfig.layer(server.ok))).pipe(
  Layer.provideMerge(Emulator.layerServer()),
  Layer.merge(NodeHttpClient.layer)
)

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = program.pipe(
  Effect.tap((result) => Console.log("OK.ru server-server session:", JSON.stringify(result, null, 2))),
  Effect.provide(layer.pipe(Layer.provide(loopback)))
)

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
