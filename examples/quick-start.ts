// The README's quick start, kept here so that `pnpm check` compiles it and the examples' tests run it.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Emulator } from "@okmail/emulator"
import { OkClient, OkSession } from "@okmail/okru"
import { Effect, Layer, Redacted } from "effect"

// A session is a Layer: here OK's server-server session over a token you already hold.
const Ok = OkClient.layer.pipe(
  Layer.provideMerge(
    OkSession.layerServer({
      applicationKey: "CBAFJIICABABABABA",
      applicationSecretKey: Redacted.make("5D8E7A1F4C3B2A19E8D7C6B5A4F3E2D1"),
      accessToken: Redacted.make("-s-7c1e4a9f2b8d3e6a0f5c9b2d7e4a1f8c3b6d9e2a5f")
    })
  )
)

// Calls are Effects: typed results, typed errors you recover from by tag.
export const program = Effect.gen(function*() {
  const ok = yield* OkClient.OkClient
  const me = yield* ok.users.getCurrentUser({ fields: ["uid", "name"] })
  const friends = yield* ok.friends.get()
  const groups = yield* ok.api.group!.getInfo!({ uids: ["53038939046008"], fields: ["name"] })
  return { me: me.name, friends: friends.length, groups }
}).pipe(
  Effect.catchTag("PermissionDeniedError", (error) => Effect.succeed({ denied: error.message }))
)

// Against OK.ru itself: provide an HTTP client. Against the emulator: provide it instead, nothing else changes.
export const live = program.pipe(Effect.provide(Ok), Effect.provide(FetchHttpClient.layer))
export const offline = program.pipe(Effect.provide(Ok), Effect.provide(Emulator.layerInProcess()))

if (process.argv[1]?.endsWith("quick-start.ts")) {
  Effect.runPromise(offline).then((result) => console.log(result))
}
