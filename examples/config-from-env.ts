/**
 * Credentials from the environment: the `layer…Config` session constructors read them with Effect's `Config`
 * (secrets through `Config.redacted`, so that they are `Redacted` from the moment they are read), and
 * `OkConfig.layerFromEnv` / `MailRuConfig.layerFromEnv` read optional endpoint overrides.
 *
 * | read by | variables |
 * |---|---|
 * | `OkSession.layerServerConfig` | `OK_APPLICATION_KEY`, `OK_APPLICATION_SECRET_KEY`, `OK_ACCESS_TOKEN` |
 * | `OkConfig.layerFromEnv` | optional: `OK_API_URL`, `OK_API_PATH_URL`, `OK_TOKEN_URL`, `OK_AUTHORIZE_URL`, … |
 * | `MailRuSession.layerClientConfig` | `MAILRU_APP_ID`, `MAILRU_PRIVATE_KEY`, `MAILRU_ACCESS_TOKEN`, `MAILRU_UID` |
 * | `MailRuConfig.layerFromEnv` | optional: `MAILRU_API_URL`, `MAILRU_PUBLIC_URL`, `MAILRU_TOKEN_URL`, … |
 *
 * Other session kinds have theirs: `layerTokenConfig`, `layerClientConfig`, `layerRefreshConfig`,
 * `layerPublicConfig`… A missing or malformed variable fails the layer, when it is built, with a `ConfigError`
 * naming it — never a throw at import time.
 *
 * Nothing here names `process.env`: Effect's default `ConfigProvider` reads it. The standalone run and the tests
 * provide a `ConfigProvider.fromMap` with the emulator's seeded values instead.
 *
 * Run it standalone against an emulator on a loopback port:
 *
 *     npx tsx examples/config-from-env.ts
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Emulator, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import { Config, ConfigProvider, Console, Effect, Layer } from "effect"
import { pathToFileURL } from "node:url"

// ---------------------------------------------------------------------------------------------------------------
// The layers, read from the environment
// ---------------------------------------------------------------------------------------------------------------

/**
 * Both clients, their sessions and their endpoints read from the environment. The settings layer is provided
 * last, so that the session and the client are both built with it.
 */
export const layer = Layer.merge(
  OkClient.layer.pipe(Layer.provide(OkSession.layerServerConfig()), Layer.provide(OkConfig.layerFromEnv)),
  MailRuClient.layer.pipe(Layer.provide(MailRuSession.layerClientConfig()), Layer.provide(MailRuConfig.layerFromEnv))
)

// ---------------------------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------------------------

/**
 * Your own settings sit beside okmail's: a plain value with a default, and a secret, `Redacted` as soon as it is
 * read.
 */
const settings = Config.all({
  groupId: Config.string("OK_GROUP_ID").pipe(Config.withDefault("53038939046008")),
  secret: Config.redacted("OK_APPLICATION_SECRET_KEY")
})

/**
 * A call on each API with the sessions the environment describes.
 */
export const program = Effect.gen(function*() {
  const ok = yield* OkClient.OkClient
  const mailru = yield* MailRuClient.MailRuClient
  const { groupId, secret } = yield* settings

  const okUser = yield* ok.users.getCurrentUser({ fields: ["uid", "name"] })
  const [group] = yield* ok.group.getInfo({ uids: [groupId], fields: ["uid", "name"] })
  const [mailruUser] = yield* mailru.users.getInfo()
  return {
    ok: okUser.name,
    group: group?.name,
    mailru: mailruUser?.uid,
    // A Redacted value prints as `<redacted>`, in logs and JSON alike.
    secretShownAs: String(secret)
  }
})

/**
 * A variable missing: building the layers fails with a `ConfigError` that names it, recovered by its tag.
 */
export const whenMissing = program.pipe(
  Effect.provide(layer),
  Effect.as("built"),
  Effect.catchTag("ConfigError", (error) => Effect.succeed(`not configured: ${error.message}`))
)

// ---------------------------------------------------------------------------------------------------------------
// The emulator's values, as an environment
// ---------------------------------------------------------------------------------------------------------------

/**
 * The variables with the emulator's seeded credentials; with `server`, the endpoint variables point at it too
 * (without, the clients use the vendors' URLs, which the in-process emulator answers).
 */
export const emulatorEnvironment = (server?: Emulator.ServerInfo): Map<string, string> => {
  const environment = new Map([
    ["OK_APPLICATION_KEY", Seed.ok.application.key],
    ["OK_APPLICATION_SECRET_KEY", Seed.ok.application.secretKey],
    ["OK_ACCESS_TOKEN", Seed.ok.tokens.long.accessToken],
    ["MAILRU_APP_ID", Seed.mailru.application.id],
    ["MAILRU_PRIVATE_KEY", Seed.mailru.application.privateKey],
    ["MAILRU_ACCESS_TOKEN", Seed.mailru.tokens.session.accessToken],
    ["MAILRU_UID", Seed.mailru.tokens.session.uid]
  ])
  if (server !== undefined) {
    environment.set("OK_API_URL", server.ok.apiUrl)
    environment.set("OK_API_PATH_URL", server.ok.apiPathUrl)
    environment.set("OK_TOKEN_URL", server.ok.tokenUrl)
    environment.set("OK_AUTHORIZE_URL", server.ok.authorizeUrl)
    environment.set("MAILRU_API_URL", server.mailru.apiUrl)
    environment.set("MAILRU_PUBLIC_URL", server.mailru.publicUrl)
    environment.set("MAILRU_CODE_TOKEN_URL", server.mailru.codeTokenUrl)
    environment.set("MAILRU_TOKEN_URL", server.mailru.tokenUrl)
    environment.set("MAILRU_AUTHORIZE_URL", server.mailru.authorizeUrl)
  }
  return environment
}

// ---------------------------------------------------------------------------------------------------------------
// Standalone: `npx tsx examples/config-from-env.ts`
// ---------------------------------------------------------------------------------------------------------------

/** The standalone run: the program against a loopback emulator, its result printed. */
export const main = Effect.gen(function*() {
  const server = yield* Emulator.EmulatorServer
  // In your application, drop `withConfigProvider`: the default provider reads the process's environment.
  const environment = ConfigProvider.fromMap(emulatorEnvironment(server))
  const result = yield* program.pipe(Effect.provide(layer), Effect.withConfigProvider(environment))
  yield* Console.log("Configured from the environment:", result)
  const missing = yield* whenMissing.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
  yield* Console.log("With an empty environment:", missing)
}).pipe(Effect.provide(Layer.merge(Emulator.layerServer(), NodeHttpClient.layer)))

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  NodeRuntime.runMain(main)
}
