/**
 * `pnpm emulator`: serves both emulated APIs on a loopback port until stopped (Ctrl-C), after printing the
 * base URLs and the seeded credentials. The port is `--port N`, else `OKMAIL_EMULATOR_PORT`, else 8790.
 *
 * @since 0.1.0
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Emulator from "./Emulator.js"
import * as Seed from "./Seed.js"

const portFromArgs = (): number | undefined => {
  const at = process.argv.indexOf("--port")
  return at === -1 ? undefined : Number(process.argv[at + 1])
}

const banner = (server: Emulator.ServerInfo) =>
  [
    `okmail emulator listening on ${server.baseUrl}`,
    "",
    "OK.ru (OkConfig.layer(Emulator.okUrls(baseUrl)))",
    ...Object.entries(server.ok).map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
    `  application    id ${Seed.ok.application.id}, key ${Seed.ok.application.key}, secret ${Seed.ok.application.secretKey}`,
    ...Seed.ok.users.map((user) => `  user           ${user.login} / ${user.password} (uid ${user.uid})`),
    `  long token     ${Seed.ok.tokens.long.accessToken} (session secret ${Seed.ok.tokens.long.sessionSecretKey})`,
    `  refresh token  ${Seed.ok.tokens.refresh.refreshToken}`,
    "",
    "Mail.Ru (MailRuConfig.layer(Emulator.mailruUrls(baseUrl)))",
    ...Object.entries(server.mailru).map(([name, url]) => `  ${name.padEnd(14)} ${url}`),
    `  application    id ${Seed.mailru.application.id}, private ${Seed.mailru.application.privateKey}, secret ${Seed.mailru.application.secretKey}`,
    ...Seed.mailru.users.map((user) => `  user           ${user.email} / ${user.password} (uid ${user.uid})`),
    `  session        ${Seed.mailru.tokens.session.accessToken} (refresh ${Seed.mailru.tokens.session.refreshToken})`,
    "",
    "Stop with Ctrl-C."
  ].join("\n")

const main = Effect.gen(function*() {
  const port = portFromArgs() ?? (yield* Config.integer("OKMAIL_EMULATOR_PORT").pipe(Config.withDefault(8790)))
  const serve = Layer.effectDiscard(Effect.flatMap(Emulator.EmulatorServer, (server) => Console.log(banner(server))))
  return yield* Layer.launch(serve.pipe(Layer.provide(Emulator.layerServer({ port }))))
})

NodeRuntime.runMain(main)
