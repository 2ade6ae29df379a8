// Token stores under stress: a store that cannot write (a full disk) loses no renewed token, and two processes
// sharing one token store renew it once between them. Mail.Ru rotates refresh tokens, so a lost or doubly spent
// refresh token shows at once as `invalid_grant`.
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import { assert, describe, it } from "@effect/vitest"
import { TokenStore } from "@okmail/core"
import { Emulator, EmulatorControl, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuSession } from "@okmail/mailru"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const app = Seed.mailru.application
const seeded = Seed.mailru.tokens.session

const session = <E, R>(store: Layer.Layer<TokenStore.TokenStore, E, R>) =>
  MailRuSession.layerRefreshClient({
    appId: app.id,
    privateKey: Redacted.make(app.privateKey),
    secretKey: Redacted.make(app.secretKey),
    refreshToken: Redacted.make(seeded.refreshToken),
    store
  })

// A client of its own over a session of its own: what a second process holds.
const processWith = <E, R>(store: Layer.Layer<TokenStore.TokenStore, E, R>) =>
  Effect.map(
    Layer.build(MailRuClient.layer.pipe(Layer.provideMerge(session(store)))),
    (context) => ({
      client: MailRuClient.MailRuClient.pipe(Effect.provide(context)),
      token: MailRuSession.TokenStore.pipe(Effect.flatMap((store) => store.get), Effect.provide(context))
    })
  )

const refreshGrants = Effect.map(
  Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests),
  (log) => log.filter((entry) => entry.api === "mailru" && entry.grant === "refresh_token").map((entry) => entry.verdict)
)

const expire = (token: Option.Option<{ readonly accessToken: Redacted.Redacted<string> }>) =>
  Effect.flatMap(EmulatorControl.EmulatorControl, (control) =>
    control.expireToken(Redacted.value(Option.getOrThrow(token).accessToken)))

describe("a store that cannot write", () => {
  it.effect("keeps the renewed token in memory, renews again with the rotated refresh token, and writes it later", () =>
    Effect.gen(function*() {
      const diskFull = yield* Ref.make(false)
      const memory = yield* TokenStore.makeMemory()
      const failing: TokenStore.Service = {
        ...memory,
        set: (token) =>
          Effect.flatMap(Ref.get(diskFull), (full) =>
            full
              ? new TokenStore.TokenStoreError({
                reason: "Io",
                operation: "set",
                location: "/var/tokens/mailru.json",
                detail: "ENOSPC: no space left on device"
              })
              : memory.set(token))
      }
      const lines: Array<string> = []
      const logger = Logger.make(({ message }) => lines.push(JSON.stringify(message)))
      const { client, token } = yield* processWith(Layer.succeed(TokenStore.TokenStore, failing))
      const mailru = yield* client
      assert.lengthOf(yield* refreshGrants, 1)

      // The disk fills; the token expires; the renewal's write fails, and the call goes on with the new token.
      yield* Ref.set(diskFull, true)
      yield* expire(yield* token)
      const [me] = yield* mailru.users.getInfo().pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      assert.strictEqual(me?.uid, Seed.mailru.users[0]!.uid)
      const inMemory = Option.getOrThrow(yield* token)
      assert.notStrictEqual(
        Redacted.value(Option.getOrThrow(yield* memory.get).accessToken),
        Redacted.value(inMemory.accessToken)
      )
      assert.isTrue(lines.some((line) => line.includes("ENOSPC") && line.includes("kept in memory")))
      for (const line of lines) {
        assert.notInclude(line, Redacted.value(inMemory.accessToken))
        assert.notInclude(line, Redacted.value(inMemory.refreshToken!))
      }

      // Again: the second renewal spends the rotated refresh token held in memory, not the spent one on disk.
      yield* expire(yield* token)
      yield* mailru.users.getInfo()
      assert.deepStrictEqual(yield* refreshGrants, ["ok", "ok", "ok"])

      // The disk recovers: the token held in memory is written with the next write.
      yield* Ref.set(diskFull, false)
      yield* expire(yield* token)
      yield* mailru.users.getInfo()
      assert.strictEqual(
        Redacted.value(Option.getOrThrow(yield* memory.get).accessToken),
        Redacted.value(Option.getOrThrow(yield* token).accessToken)
      )
    }).pipe(Effect.scoped, Effect.provide(Emulator.layerInProcess())))
})

describe("two processes sharing one token store", () => {
  it.live("a token file: both find the token expired at once, one refresh between them under the file's lock", () =>
    Effect.gen(function*() {
      const path = join(mkdtempSync(join(tmpdir(), "okmail-shared-")), "token.json")
      const file = TokenStore.layerFile(path).pipe(Layer.provide(NodeContext.layer))
      const first = yield* processWith(file)
      const second = yield* processWith(file)
      assert.lengthOf(yield* refreshGrants, 1)
      yield* expire(yield* first.token)
      const [a, b] = yield* Effect.all([
        Effect.flatMap(first.client, (client) => client.users.getInfo()),
        Effect.flatMap(second.client, (client) => client.users.getInfo())
      ], { concurrency: "unbounded" })
      assert.strictEqual(a[0]?.uid, b[0]?.uid)
      assert.deepStrictEqual(yield* refreshGrants, ["ok", "ok"])
      assert.strictEqual(
        Redacted.value(Option.getOrThrow(yield* first.token).accessToken),
        Redacted.value(Option.getOrThrow(yield* second.token).accessToken)
      )
    }).pipe(Effect.scoped, Effect.provide(Emulator.layerInProcess())))

  it.effect("a store without a lock: the refresh refused as spent is answered by the token the other one stored", () =>
    Effect.gen(function*() {
      const shared = TokenStore.layerKeyValueStore("mailru").pipe(Layer.provide(KeyValueStore.layerMemory))
      const kv = yield* Layer.build(shared)
      const store = Layer.succeedContext(kv)
      const first = yield* processWith(store)
      const second = yield* processWith(store)
      yield* expire(yield* first.token)
      const [a, b] = yield* Effect.all([
        Effect.flatMap(first.client, (client) => client.users.getInfo()),
        Effect.flatMap(second.client, (client) => client.users.getInfo())
      ], { concurrency: "unbounded" })
      assert.strictEqual(a[0]?.uid, b[0]?.uid)
      // Both renewed with the same refresh token: Mail.Ru refused the second, which then took the stored token.
      assert.deepStrictEqual(yield* refreshGrants, ["ok", "ok", "oauth invalid_grant"])
    }).pipe(Effect.scoped, Effect.provide(Emulator.layerInProcess())))
})
