/**
 * The real APIs: when the environment holds credentials, this program calls OK.ru and Mail.Ru themselves,
 * through `fetch`; when it holds none, it says what to set and exits 0 without touching the network.
 *
 * OK.ru, read by `OkSession.layerTokenConfig` (the circuit is inferred from the secrets given):
 *
 *     OK_APPLICATION_KEY=...         your application's public key
 *     OK_ACCESS_TOKEN=...            a user's access token
 *     OK_APPLICATION_SECRET_KEY=...  signs server-server; or
 *     OK_SESSION_SECRET_KEY=...      the token's session secret key, signs client-server
 *
 * Mail.Ru, read by `MailRuSession.layerTokenConfig`:
 *
 *     MAILRU_APP_ID=...              your application's id
 *     MAILRU_ACCESS_TOKEN=...        a user's access token (session_key)
 *     MAILRU_UID=... and MAILRU_PRIVATE_KEY=...   sign client-server; or
 *     MAILRU_SECRET_KEY=...          signs server-server
 *
 * `OK_API_URL`, `MAILRU_API_URL` and the other endpoint variables of `OkConfig.layerFromEnv` and
 * `MailRuConfig.layerFromEnv` send the calls elsewhere: to a proxy, or to `pnpm emulator`.
 *
 *     OK_APPLICATION_KEY=... OK_ACCESS_TOKEN=... OK_SESSION_SECRET_KEY=... npx tsx examples/real-api.ts
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import { Config, Console, Effect, Layer, Option } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// Which APIs the environment has credentials for
// ---------------------------------------------------------------------------------------------------------------

/** Whether every variable named is set: read as options, so that a missing one is an answer, not a failure. */
const present = (...names: ReadonlyArray<string>) =>
  Effect.map(
    Effect.all(names.map((name) => Config.option(Config.string(name)))),
    (values) => values.every(Option.isSome)
  )

/** What to set, for an environment that holds no credentials. */
export const help = `No credentials in the environment: nothing was sent anywhere.

To call OK.ru, set OK_APPLICATION_KEY and OK_ACCESS_TOKEN, with OK_APPLICATION_SECRET_KEY (server-server
circuit) or OK_SESSION_SECRET_KEY (client-server circuit).
To call Mail.Ru, set MAILRU_APP_ID and MAILRU_ACCESS_TOKEN, with MAILRU_UID and MAILRU_PRIVATE_KEY
(client-server circuit) or MAILRU_SECRET_KEY (server-server circuit).

Without credentials of your own, the other examples run against the emulator.`

// ---------------------------------------------------------------------------------------------------------------
// The layers: sessions and endpoints read from the environment
// ---------------------------------------------------------------------------------------------------------------

const ok = OkClient.layer.pipe(Layer.provide(OkSession.layerTokenConfig()), Layer.provide(OkConfig.layerFromEnv))

const mailru = MailRuClient.layer.pipe(
  Layer.provide(MailRuSession.layerTokenConfig()),
  Layer.provide(MailRuConfig.layerFromEnv)
)

// ---------------------------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------------------------

/**
 * Who the tokens belong to, on each API the environment has credentials for. The session layers are built only
 * for those: with no credentials at all, no layer is built and no request is made. It needs an `HttpClient`.
 */
export const program = Effect.gen(function*() {
  const hasOk = yield* present("OK_APPLICATION_KEY", "OK_ACCESS_TOKEN")
  const hasMailru = yield* present("MAILRU_APP_ID", "MAILRU_ACCESS_TOKEN")
  if (!hasOk && !hasMailru) return { _tag: "NoCredentials", help } as const

  const okUser = hasOk
    ? yield* Effect.flatMap(OkClient.OkClient, (client) => client.users.getCurrentUser({ fields: ["uid", "name"] }))
      .pipe(Effect.provide(ok), Effect.map((user) => `${user.name} (${user.uid})`))
    : "not configured"
  const mailruUser = hasMailru
    ? yield* Effect.flatMap(MailRuClient.MailRuClient, (client) => client.users.getInfo()).pipe(
      Effect.provide(mailru),
      Effect.map(([user]) => `${user?.first_name} ${user?.last_name} (${user?.uid})`)
    )
    : "not configured"
  return { _tag: "Called", ok: okUser, mailru: mailruUser } as const
})

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/real-api.ts`, with the environment's variables and `fetch`
// ---------------------------------------------------------------------------------------------------------------

/** The standalone run: the process's environment, `fetch`, the result printed. */
export const main = program.pipe(
  Effect.flatMap((result) =>
    result._tag === "NoCredentials"
      ? Console.log(result.help)
      : Console.log(`OK.ru: ${result.ok}\nMail.Ru: ${result.mailru}`)
  ),
  Effect.provide(FetchHttpClient.layer)
)

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
