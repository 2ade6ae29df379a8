/**
 * `pnpm demo`: okmail's main job, start to finish, against the emulator on a loopback port. For each API, every
 * session kind authorizes and makes a signed call whose result is decoded; then an injected API error is
 * recovered by its tag, a failing service is retried, and an expired token is refreshed. The emulator stops
 * with the program, which exits 0 when every step passed.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Emulator, EmulatorControl, Fault, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

const secret = Redacted.make
const ok = Seed.ok
const mr = Seed.mailru
const okApp = ok.application
const mrApp = mr.application

const heading = (text: string) => Console.log(`\n${text}\n${"─".repeat(text.length)}`)

const line = (name: string, circuit: string, detail: string) =>
  Console.log(`  ✓ ${name.padEnd(44)} ${circuit.padEnd(14)} ${detail}`)

const control = EmulatorControl.EmulatorControl

// Runs `use` with a client over the session `layer`, printing the layer's name, its circuit and what came back.
const withOk = <ROut extends OkSession.Session, E, RIn>(
  name: string,
  layer: Layer.Layer<ROut, E, RIn>,
  use: (client: OkClient.Service) => Effect.Effect<string, unknown>
) =>
  Effect.gen(function*() {
    const signer = yield* OkSession.Signer
    const detail = yield* use(yield* OkClient.OkClient)
    yield* line(name, signer.circuit, detail)
  }).pipe(Effect.provide(Layer.provideMerge(OkClient.layer, layer)))

const withMailRu = <ROut extends MailRuSession.Session, E, RIn>(
  name: string,
  layer: Layer.Layer<ROut, E, RIn>,
  use: (client: MailRuClient.Service) => Effect.Effect<string, unknown>
) =>
  Effect.gen(function*() {
    const signer = yield* MailRuSession.Signer
    const detail = yield* use(yield* MailRuClient.MailRuClient)
    yield* line(name, signer.circuit, detail)
  }).pipe(Effect.provide(Layer.provideMerge(MailRuClient.layer, layer)))

const okUser = (client: OkClient.Service) =>
  Effect.map(client.users.getCurrentUser({ fields: ["uid", "name"] }), (user) => `${user.name} (uid ${user.uid})`)

const okFriends = (client: OkClient.Service) =>
  Effect.map(client.friends.get(), (friends) => `${friends.length} friends: ${friends.join(", ")}`)

const mailruMe = (client: MailRuClient.Service) =>
  Effect.map(client.users.getInfo(), ([me]) => `${me?.first_name} ${me?.last_name} (uid ${me?.uid})`)

const mailruFriends = (client: MailRuClient.Service) =>
  Effect.map(client.friends.get(), (friends) => `${friends.length} friends, first uid ${friends[0]}`)

const okTour = Effect.gen(function*() {
  const emulator = yield* control
  const code = () =>
    emulator.issueCode({ api: "ok", clientId: okApp.id, uid: ok.users[1]!.uid, redirectUri: okApp.redirectUri })
  const given = { applicationKey: okApp.key, accessToken: secret(ok.tokens.long.accessToken) }
  const login = {
    applicationId: okApp.id,
    applicationKey: okApp.key,
    login: ok.users[0]!.login,
    password: secret(ok.users[0]!.password)
  }
  const refresh = {
    applicationId: okApp.id,
    applicationKey: okApp.key,
    applicationSecretKey: secret(okApp.secretKey),
    refreshToken: secret(ok.tokens.refresh.refreshToken)
  }

  yield* heading("OK.ru: every aiookru session kind, authorized and signing")
  yield* withOk(
    "OkSession.layerPublic",
    OkSession.layerPublic({ applicationKey: okApp.key, applicationSecretKey: secret(okApp.secretKey) }),
    (client) =>
      Effect.map(
        client.group.getInfo({ uids: ["53038939046008"], fields: ["name", "members_count"] }),
        ([group]) => `group «${group?.name}», ${group?.members_count} members`
      )
  )
  yield* withOk(
    "OkSession.layerToken",
    OkSession.layerToken({ ...given, applicationSecretKey: secret(okApp.secretKey) }),
    okUser
  )
  yield* withOk(
    "OkSession.layerClient",
    OkSession.layerClient({ ...given, sessionSecretKey: secret(ok.tokens.long.sessionSecretKey) }),
    (client) => Effect.map(client.users.getLoggedInUser(), (uid) => `logged in as uid ${uid}`)
  )
  yield* withOk(
    "OkSession.layerServer",
    OkSession.layerServer({ ...given, applicationSecretKey: secret(okApp.secretKey) }),
    okFriends
  )
  const codeOptions = (value: string) => ({
    applicationId: okApp.id,
    applicationKey: okApp.key,
    applicationSecretKey: secret(okApp.secretKey),
    code: secret(value),
    redirectUri: okApp.redirectUri
  })
  yield* withOk("OkSession.layerCode", OkSession.layerCode(codeOptions(yield* code())), okUser)
  yield* withOk("OkSession.layerCodeServer", OkSession.layerCodeServer(codeOptions(yield* code())), okFriends)
  yield* withOk("OkSession.layerImplicit (login pages)", OkSession.layerImplicit(login), okUser)
  yield* withOk("OkSession.layerImplicitClient", OkSession.layerImplicitClient(login), (client) =>
    Effect.map(client.events.get(), (events) => events.map((e) => `${e.type} ${e.number}`).join(", "))
  )
  yield* withOk(
    "OkSession.layerPassword (auth.login)",
    OkSession.layerPassword({ ...login, applicationSecretKey: secret(okApp.secretKey) }),
    okUser
  )
  yield* withOk("OkSession.layerPasswordClient", OkSession.layerPasswordClient(login), (client) =>
    Effect.map(client.friends.getOnline(), (online) => `${online.length} friend(s) online`)
  )
  yield* withOk("OkSession.layerRefresh", OkSession.layerRefresh(refresh), okUser)
  yield* withOk("OkSession.layerRefreshServer", OkSession.layerRefreshServer(refresh), (client) =>
    Effect.map(
      client.mediatopic.post({
        type: "USER_NOTE",
        attachment: { media: [{ type: "text", text: "Привет из okmail!" }] }
      }),
      (id) => `posted topic ${id}`
    )
  )

  yield* heading("OK.ru: errors by tag, retries, renewal")
  const session = OkSession.layerCode(codeOptions(yield* code()))
  yield* Effect.gen(function*() {
    const client = yield* OkClient.OkClient
    yield* emulator.inject({ api: "ok", target: "users.getCurrentUser", fault: Fault.apiError(10) })
    const recovered = yield* client.users.getCurrentUser().pipe(
      Effect.as("no error"),
      Effect.catchTag("PermissionDeniedError", (error) =>
        Effect.succeed(`caught PermissionDeniedError (code ${error.code})`)
      )
    )
    yield* line("an injected PERMISSION_DENIED", "", `${recovered}`)

    yield* emulator.inject({ api: "ok", target: "friends.get", fault: Fault.apiError(2), times: 2 })
    const friends = yield* client.friends.get()
    yield* line("SERVICE unavailable twice", "", `retried, then ${friends.length} friends`)

    const store = yield* OkSession.TokenStore
    const stale = Option.getOrThrow(yield* store.get)
    yield* emulator.expireToken(Redacted.value(stale.accessToken))
    const seen = (yield* emulator.requests).length
    const user = yield* client.users.getCurrentUser()
    const log = (yield* emulator.requests).slice(seen)
    const refreshes = log.filter((entry) => entry.grant === "refresh_token").length
    const expired = log.filter((entry) => entry.verdict === "error 102").length
    yield* line("an expired access token", "", `${expired} × error 102, ${refreshes} refresh, replayed: ${user.name}`)
  }).pipe(Effect.provide(Layer.provideMerge(OkClient.layer, session)))
})

const mailruTour = Effect.gen(function*() {
  const emulator = yield* control
  const ivan = mr.users[0]!
  const code = () =>
    emulator.issueCode({ api: "mailru", clientId: mrApp.id, uid: ivan.uid, redirectUri: mrApp.redirectUri })
  const refreshToken = () =>
    Effect.map(emulator.issueToken({ api: "mailru", clientId: mrApp.id, uid: ivan.uid }), (t) => secret(t.refreshToken))
  const keys = { appId: mrApp.id, privateKey: secret(mrApp.privateKey), secretKey: secret(mrApp.secretKey) }
  const given = { appId: mrApp.id, accessToken: secret(mr.tokens.session.accessToken), uid: mr.tokens.session.uid }
  const credentials = { ...keys, email: ivan.email, password: secret(ivan.password) }
  const codeOptions = (value: string) => ({ ...keys, code: secret(value), redirectUri: mrApp.redirectUri })

  yield* heading("Mail.Ru: every aiomailru session kind, authorized and signing")
  yield* withMailRu("MailRuSession.layerPublic", MailRuSession.layerPublic(), (client) =>
    Effect.map(client.publicRequest(["mail", "ivan"]), (body) => `public data of uid ${(body as { uid: string }).uid}`)
  )
  yield* withMailRu(
    "MailRuSession.layerToken",
    MailRuSession.layerToken({ ...given, privateKey: keys.privateKey }),
    mailruMe
  )
  yield* withMailRu(
    "MailRuSession.layerClient",
    MailRuSession.layerClient({ ...given, privateKey: keys.privateKey }),
    mailruFriends
  )
  yield* withMailRu(
    "MailRuSession.layerServer",
    MailRuSession.layerServer({ ...given, secretKey: keys.secretKey }),
    (client) => Effect.map(client.photos.getAlbums(), (albums) => albums.map((a) => `«${a.title}»`).join(", "))
  )
  yield* withMailRu("MailRuSession.layerCode", MailRuSession.layerCode(codeOptions(yield* code())), mailruMe)
  yield* withMailRu(
    "MailRuSession.layerCodeClient",
    MailRuSession.layerCodeClient(codeOptions(yield* code())),
    mailruFriends
  )
  yield* withMailRu(
    "MailRuSession.layerCodeServer",
    MailRuSession.layerCodeServer(codeOptions(yield* code())),
    mailruMe
  )
  yield* withMailRu("MailRuSession.layerImplicit (login pages)", MailRuSession.layerImplicit(credentials), mailruMe)
  yield* withMailRu("MailRuSession.layerImplicitClient", MailRuSession.layerImplicitClient(credentials), (client) =>
    Effect.map(client.stream.get({ limit: 2 }), (entries) => entries.map((e) => `«${e.text}»`).join(", "))
  )
  yield* withMailRu("MailRuSession.layerImplicitServer", MailRuSession.layerImplicitServer(credentials), mailruFriends)
  yield* withMailRu("MailRuSession.layerPassword", MailRuSession.layerPassword(credentials), mailruMe)
  yield* withMailRu("MailRuSession.layerPasswordClient", MailRuSession.layerPasswordClient(credentials), (client) =>
    Effect.map(client.friends.getAppUsers(), (uids) => `${uids.length} friend(s) use the app`)
  )
  yield* withMailRu("MailRuSession.layerPasswordServer", MailRuSession.layerPasswordServer(credentials), mailruFriends)
  yield* withMailRu(
    "MailRuSession.layerRefresh",
    MailRuSession.layerRefresh({ ...keys, refreshToken: yield* refreshToken() }),
    mailruMe
  )
  yield* withMailRu(
    "MailRuSession.layerRefreshClient",
    MailRuSession.layerRefreshClient({ ...keys, refreshToken: yield* refreshToken() }),
    mailruFriends
  )
  yield* withMailRu(
    "MailRuSession.layerRefreshServer",
    MailRuSession.layerRefreshServer({ ...keys, refreshToken: yield* refreshToken() }),
    (client) =>
      Effect.map(
        client.guestbook.post({ uid: mr.users[1]!.uid, text: "Привет из okmail!" }),
        (result) => `guestbook post ${JSON.stringify(result)}`
      )
  )

  yield* heading("Mail.Ru: errors by tag, retries, renewal")
  const session = MailRuSession.layerPassword(credentials)
  yield* Effect.gen(function*() {
    const client = yield* MailRuClient.MailRuClient
    yield* emulator.inject({ api: "mailru", target: "photos.getAlbums", fault: Fault.apiError(202) })
    const recovered = yield* client.photos.getAlbums().pipe(
      Effect.as("no error"),
      Effect.catchTag("PermissionDeniedError", (error) =>
        Effect.succeed(`caught PermissionDeniedError (code ${error.code})`)
      )
    )
    yield* line("an injected 202 access denied", "", `${recovered}`)

    yield* emulator.inject({ api: "mailru", target: "friends.get", fault: Fault.disconnect })
    const friends = yield* client.friends.get()
    yield* line("a dropped connection", "", `retried, then ${friends.length} friends`)

    const store = yield* MailRuSession.TokenStore
    const stale = Option.getOrThrow(yield* store.get)
    yield* emulator.expireToken(Redacted.value(stale.accessToken))
    const seen = (yield* emulator.requests).length
    const [me] = yield* client.users.getInfo()
    const log = (yield* emulator.requests).slice(seen)
    const refreshes = log.filter((entry) => entry.grant === "refresh_token").length
    const fresh = Option.getOrThrow(yield* store.get)
    const rotated = Redacted.value(fresh.refreshToken!) !== Redacted.value(stale.refreshToken!)
    yield* line(
      "an expired access token",
      "",
      `${refreshes} refresh, refresh token rotated: ${rotated}, replayed: ${me?.first_name}`
    )
  }).pipe(Effect.provide(Layer.provideMerge(MailRuClient.layer, session)))
})

/**
 * The whole tour on an emulator served at a loopback port, with the clients pointed at it.
 */
export const demo = Effect.gen(function*() {
  const started = Date.now()
  const server = yield* Emulator.EmulatorServer
  yield* Console.log(`okmail demo — the emulator listens on ${server.baseUrl}`)
  yield* okTour.pipe(Effect.provide(OkConfig.layer(server.ok)))
  yield* mailruTour.pipe(Effect.provide(MailRuConfig.layer(server.mailru)))
  const requests = (yield* Effect.flatMap(control, (c) => c.requests)).length
  yield* Console.log(
    `\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `the emulator answered ${requests} requests and stops now.`
  )
}).pipe(Effect.provide(Layer.merge(Emulator.layerServer(), FetchHttpClient.layer)))

NodeRuntime.runMain(demo)
