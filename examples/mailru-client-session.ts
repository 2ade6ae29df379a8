/**
 * A Mail.Ru Platform client-server session: the user's uid and access token (`session_key`) with your
 * application's private key, which signs every call as `md5(uid + sorted params + private_key)` — aiomailru's
 * `ClientSession`. It is what a web or mobile application gets from the user's login.
 *
 * Mail.Ru uids are 64-bit numbers: they stay strings from the wire to your code, because a JavaScript number
 * would round them.
 *
 * Run it standalone against an emulator on a loopback port:
 *
 *     npx tsx examples/mailru-client-session.ts
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Emulator, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSchema, MailRuSession } from "@okmail/mailru"
import { Console, Effect, Layer, Redacted, Schema } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// The session
// ---------------------------------------------------------------------------------------------------------------

/**
 * Your application's id and private key (from the Mail.Ru developer page), and the user's uid and token — the
 * emulator's seeded values here. Secrets are `Redacted`.
 */
const credentials = {
  appId: Seed.mailru.application.id,
  privateKey: Redacted.make(Seed.mailru.application.privateKey),
  accessToken: Redacted.make(Seed.mailru.tokens.session.accessToken),
  uid: Seed.mailru.tokens.session.uid
}

/** The client over a client-server session; it needs an `HttpClient`. */
export const layer = MailRuClient.layer.pipe(Layer.provide(MailRuSession.layerClient(credentials)))

// ---------------------------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------------------------

/**
 * Typed calls, uids as strings, and an unsigned public request.
 */
export const program = Effect.gen(function*() {
  const mailru = yield* MailRuClient.MailRuClient

  // users.getInfo without uids describes the session's user.
  const [me] = yield* mailru.users.getInfo()

  // friends.get: the friends' uids, as strings. One of them is above 2^53, where a number could not hold it.
  const friendUids = yield* mailru.friends.get()
  const unsafe = friendUids.filter((uid) => !Number.isSafeInteger(Number(uid)))

  // Uids go back to the API as they came; the typed parameters refuse a number where a uid is due.
  const friends = yield* mailru.users.getInfo({ uids: friendUids })
  const albums = yield* mailru.photos.getAlbums()
  const stream = yield* mailru.stream.get({ limit: 10 })

  // Any method through `call`, or the proxy `mailru.api.friends.getAppUsers({ ext: 1 })` (aiomailru's `API`
  // object): the JSON as it came, undecoded.
  const appUsers = yield* mailru.call("friends.getAppUsers", { ext: 1 })

  // A public request: unsigned, no session needed, at appsmail.ru/platform/<segments>. Its answer is untyped
  // too: the package's own schemas decode it.
  const profile = yield* mailru.publicRequest(["mail", "ivan"]).pipe(
    Effect.flatMap(Schema.decodeUnknown(MailRuSchema.User))
  )

  return {
    me: { uid: me?.uid, name: `${me?.first_name} ${me?.last_name}` },
    friendUids,
    // What `Number` would have made of them: another user's id.
    rounded: unsafe.map((uid) => ({ uid, asNumber: String(Number(uid)) })),
    friends: friends.map((friend) => `${friend.first_name} ${friend.last_name} (${friend.location?.city?.name})`),
    albums: albums.map((album) => `${album.title}: ${album.size} photos`),
    stream: stream.map((entry) => entry.text),
    appUsers: Array.isArray(appUsers) ? appUsers.length : 0,
    profile: { uid: profile.uid, link: profile.link }
  }
})

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/mailru-client-session.ts`
// ---------------------------------------------------------------------------------------------------------------

/** An emulator on a free loopback port, the client pointed at it, and a Node HTTP client. */
const loopback = Layer.unwrapEffect(
  Effect.map(Emulator.EmulatorServer, (server) => MailRuConfig.layer(server.mailru))
).pipe(
  Layer.provideMerge(Emulator.layerServer()),
  Layer.merge(NodeHttpClient.layer)
)

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = program.pipe(
  Effect.tap((result) => Console.log("Mail.Ru client-server session:", JSON.stringify(result, null, 2))),
  Effect.provide(layer.pipe(Layer.provide(loopback)))
)

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
