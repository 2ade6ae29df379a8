/**
 * Typed error recovery: every way a call can fail is a tagged class in the error channel (`OkError.OkError`,
 * `MailRuError.MailRuError`), so a program recovers from the ones it knows how to handle with
 * `Effect.catchTag` / `Effect.catchTags`, and the compiler removes them from the error type.
 *
 * - API errors, whatever the HTTP status the API used: `PermissionDeniedError`, `RateLimitedError`,
 *   `SessionExpiredError`, `InvalidSessionError`, `BadSignatureError`, `ServiceUnavailableError`,
 *   `InvalidParameterError`, `UnknownMethodError`, `OtherApiError` — with `code`, `description`, `method`.
 * - Transport errors: `NetworkError`, `TimeoutError`, `StatusError`, `NotJsonError`, `EmptyResponseError`,
 *   `ResponseTooLargeError` — with the method and the URL without its query.
 * - Authorization, configuration, parameter and token-store errors.
 *
 * Errors whose `retryable` flag is set (rate limits, a service down for a moment, the transport) are first
 * retried by the client itself, by the `RetryPolicy` in context; what reaches your handler is what the retries
 * could not fix. None of these errors carries a token, a secret or a password.
 *
 * The recoveries below are plain functions of the clients. `program` shows each one at work by injecting faults
 * into the emulator through its `EmulatorControl`.
 *
 * Run it standalone against an emulator on a loopback port:
 *
 *     npx tsx examples/error-recovery.ts
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { RetryPolicy } from "@okmail/core"
import { Emulator, EmulatorControl, Fault, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import { Console, Effect, Layer, Redacted } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// The sessions
// ---------------------------------------------------------------------------------------------------------------

const ok = OkClient.layer.pipe(Layer.provide(OkSession.layerServer({
  applicationKey: Seed.ok.application.key,
  applicationSecretKey: Redacted.make(Seed.ok.application.secretKey),
  accessToken: Redacted.make(Seed.ok.tokens.long.accessToken)
})))

const mailru = MailRuClient.layer.pipe(Layer.provide(MailRuSession.layerClient({
  appId: Seed.mailru.application.id,
  privateKey: Redacted.make(Seed.mailru.application.privateKey),
  accessToken: Redacted.make(Seed.mailru.tokens.session.accessToken),
  uid: Seed.mailru.tokens.session.uid
})))

/**
 * Both clients, and a retry policy that gives up quickly so that the demonstration does not wait: two retries,
 * 10 to 50 ms apart (the default is four, from 200 ms doubling up to 10 s). `RetryPolicy.layerNone` turns
 * retries off.
 */
export const layer = Layer.mergeAll(ok, mailru, RetryPolicy.layer({
  maxRetries: 2,
  base: "10 millis",
  maxDelay: "50 millis",
  rateLimitedDelay: "20 millis"
}))

// ---------------------------------------------------------------------------------------------------------------
// Recoveries, as your code would write them
// ---------------------------------------------------------------------------------------------------------------

/**
 * A user who hides their friends: `PermissionDeniedError` becomes an empty list. The error type that is left no
 * longer holds `PermissionDeniedError`.
 */
export const friendsOrEmpty = Effect.gen(function*() {
  const client = yield* OkClient.OkClient
  return yield* client.friends.get().pipe(
    Effect.catchTag("PermissionDeniedError", () => Effect.succeed<ReadonlyArray<string>>([]))
  )
})

/**
 * Rate limited even after the client's own retries: say when to come back instead of failing.
 */
export const currentUserOrLater = Effect.gen(function*() {
  const client = yield* OkClient.OkClient
  return yield* client.users.getCurrentUser({ fields: ["uid", "name"] }).pipe(
    Effect.map((user) => `hello, ${user.name}`),
    Effect.catchTag("RateLimitedError", (error) =>
      Effect.succeed(`rate limited (OK.ru error ${error.code}), try again in a minute`))
  )
})

/**
 * One handler per tag with `catchTags`: API errors and transport errors of a Mail.Ru call side by side. What is
 * not named (a bad signature, say) stays in the error channel.
 */
export const albumsOrReason = (uid: string) =>
  Effect.gen(function*() {
    const client = yield* MailRuClient.MailRuClient
    return yield* client.photos.getAlbums({ uid }).pipe(
      Effect.map((albums) => `${albums.length} albums`),
      Effect.catchTags({
        PermissionDeniedError: () => Effect.succeed("the albums are private"),
        RateLimitedError: () => Effect.succeed("too many calls, later"),
        // The transport: no answer, an HTTP status the API never uses, a proxy's HTML page.
        NetworkError: (error) => Effect.succeed(`offline: ${error.message}`),
        TimeoutError: (error) => Effect.succeed(`no answer within ${error.timeoutMillis} ms`),
        StatusError: (error) => Effect.succeed(`HTTP ${error.status} from ${error.url}`),
        NotJsonError: (error) => Effect.succeed(`not JSON (${error.contentType})`)
      })
    )
  })

/**
 * A name from the API, or from your cache when the network fails (after the client's retries): only
 * `NetworkError` is handled here; a timeout or an HTTP status stays in the error channel.
 */
export const nameOrCached = (cached: string) =>
  Effect.gen(function*() {
    const client = yield* MailRuClient.MailRuClient
    return yield* client.users.getInfo().pipe(
      Effect.map((users) => users[0]?.first_name ?? "unknown"),
      Effect.catchTag("NetworkError", () => Effect.succeed(`${cached} (from the cache)`))
    )
  })

// ---------------------------------------------------------------------------------------------------------------
// The demonstration: faults injected into the emulator, each recovery at work
// ---------------------------------------------------------------------------------------------------------------

/**
 * Injects a fault into the next `times` calls of a method, runs `effect`, and drops faults left over.
 */
const withFault = <A, E, R>(
  api: "ok" | "mailru",
  target: string,
  fault: Fault.Fault,
  times: number,
  effect: Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const control = yield* EmulatorControl.EmulatorControl
    yield* control.inject({ api, target, fault, times })
    return yield* Effect.ensuring(effect, control.clearFaults)
  })

/** Each recovery with and without a fault; the outcomes by name. */
export const program = Effect.gen(function*() {
  const albums = albumsOrReason(Seed.mailru.users[1]!.uid)
  // Always failing: more times than the policy retries.
  const always = 10
  return {
    friends: yield* friendsOrEmpty,
    // OK.ru error 10: permission denied. Not retryable, so the handler sees it at once.
    friendsHidden: yield* withFault("ok", "friends.get", Fault.apiError(10), 1, friendsOrEmpty),
    greeting: yield* currentUserOrLater,
    // OK.ru error 8: flood blocked. Retried twice by the client, then handed to the handler.
    rateLimited: yield* withFault("ok", "users.getCurrentUser", Fault.apiError(8), always, currentUserOrLater),
    // Rate limited once only: the client's retry gets through, and the handler never runs.
    rateLimitedOnce: yield* withFault("ok", "users.getCurrentUser", Fault.apiError(8), 1, currentUserOrLater),
    albums: yield* albums,
    // Mail.Ru error 202: access to this object is denied.
    albumsPrivate: yield* withFault("mailru", "photos.getAlbums", Fault.apiError(202), 1, albums),
    // A proxy in front of the API answering 502, then an HTML page where JSON was due.
    albumsBehindProxy: yield* withFault("mailru", "photos.getAlbums", Fault.httpStatus(502), always, albums),
    albumsHtml: yield* withFault("mailru", "photos.getAlbums", Fault.html, always, albums),
    name: yield* nameOrCached("Иван"),
    // The connection drops without an answer, on every try.
    nameOffline: yield* withFault("mailru", "users.getInfo", Fault.disconnect, always, nameOrCached("Иван"))
  }
})

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/error-recovery.ts`
// ---------------------------------------------------------------------------------------------------------------

/** An emulator on a free loopback port, both clients pointed at it, and a Node HTTP client. */
const loopback = Layer.unwrapEffect(
  Effect.map(Emulator.EmulatorServer, (server) =>
    Layer.merge(OkConfig.layer(server.ok), MailRuConfig.layer(server.mailru)))
).pipe(
  Layer.provideMerge(Emulator.layerServer()),
  Layer.merge(NodeHttpClient.layer)
)

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = program.pipe(
  Effect.tap((outcomes) => Console.log("Typed error recovery:", outcomes)),
  Effect.provide(layer.pipe(Layer.provideMerge(loopback)))
)

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
