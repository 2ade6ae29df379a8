import { Token, TokenStore } from "@okmail/core"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const token = (access: string) =>
  new Token.Token({ accessToken: Redacted.make(access), refreshToken: Redacted.make(`${access}-refresh`) })

const accessOf = (stored: Option.Option<Token.Token>) =>
  Option.map(stored, (t) => Redacted.value(t.accessToken))

const exercise = Effect.gen(function*() {
  const store = yield* TokenStore.TokenStore
  assert.isTrue(Option.isNone(yield* store.get))
  yield* store.set(token("first"))
  assert.deepStrictEqual(accessOf(yield* store.get), Option.some("first"))
  yield* store.set(token("second"))
  assert.deepStrictEqual(accessOf(yield* store.get), Option.some("second"))
  yield* store.clear
  assert.isTrue(Option.isNone(yield* store.get))
  yield* store.clear
})

const tempDir = () => mkdtempSync(join(tmpdir(), "okmail-store-"))

describe("TokenStore", () => {
  it.effect("memory: get, set, replace, clear", () => Effect.provide(exercise, TokenStore.layerMemory()))

  it.effect("memory: starts with the token it is given", () =>
    Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      assert.deepStrictEqual(accessOf(yield* store.get), Option.some("given"))
    }).pipe(Effect.provide(TokenStore.layerMemory(token("given")))))

  it.effect("key-value store: get, set, replace, clear", () =>
    exercise.pipe(
      Effect.provide(TokenStore.layerKeyValueStore("session/ok")),
      Effect.provide(KeyValueStore.layerMemory)
    ))

  it.effect("key-value store: a corrupt value is a typed error", () =>
    Effect.gen(function*() {
      const kv = yield* KeyValueStore.KeyValueStore
      yield* kv.set("okmail/token", "{not json")
      const store = yield* TokenStore.TokenStore
      const error = yield* Effect.flip(store.get)
      assert.strictEqual(error._tag, "TokenStoreError")
      assert.strictEqual(error.reason, "Corrupt")
    }).pipe(Effect.provide(TokenStore.layerKeyValueStore()), Effect.provide(KeyValueStore.layerMemory)))

  it.effect("file: get, set, replace, clear; a missing file is an empty store", () => {
    const path = join(tempDir(), "nested", "token.json")
    return exercise.pipe(Effect.provide(TokenStore.layerFile(path)), Effect.provide(NodeContext.layer))
  })

  it.effect("file: written with mode 0600 through a renamed temporary file, one JSON document", () => {
    const dir = tempDir()
    const path = join(dir, "token.json")
    return Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      yield* Effect.all([store.set(token("a")), store.set(token("b")), store.set(token("c"))], {
        concurrency: "unbounded"
      })
      assert.strictEqual(statSync(path).mode & 0o777, 0o600)
      assert.deepStrictEqual(readdirSync(dir), ["token.json"])
      const document = JSON.parse(readFileSync(path, "utf8"))
      assert.include(["a", "b", "c"], document.accessToken)
    }).pipe(Effect.provide(TokenStore.layerFile(path)), Effect.provide(NodeContext.layer))
  })

  it.effect("file: survives a restart — a new store reads what the old one wrote", () => {
    const path = join(tempDir(), "token.json")
    const write = Effect.flatMap(TokenStore.TokenStore, (store) => store.set(token("kept"))).pipe(
      Effect.provide(TokenStore.layerFile(path))
    )
    const read = Effect.flatMap(TokenStore.TokenStore, (store) => store.get).pipe(
      Effect.provide(TokenStore.layerFile(path))
    )
    return Effect.gen(function*() {
      yield* write
      assert.deepStrictEqual(accessOf(yield* read), Option.some("kept"))
    }).pipe(Effect.provide(NodeContext.layer))
  })

  it.effect("file: a corrupt file is a typed error and is left as it was", () => {
    const path = join(tempDir(), "token.json")
    writeFileSync(path, "{\"accessToken\": 42}")
    return Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      const error = yield* Effect.flip(store.get)
      assert.strictEqual(error._tag, "TokenStoreError")
      assert.strictEqual(error.reason, "Corrupt")
      assert.include(error.message, path)
      assert.strictEqual(readFileSync(path, "utf8"), "{\"accessToken\": 42}")
    }).pipe(Effect.provide(TokenStore.layerFile(path)), Effect.provide(NodeContext.layer))
  })

  it.effect("file: an unreadable location is an Io error, not a crash", () => {
    const dir = tempDir()
    return Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      const error = yield* Effect.flip(store.get)
      assert.strictEqual(error._tag, "TokenStoreError")
      assert.strictEqual(error.reason, "Io")
    }).pipe(Effect.provide(TokenStore.layerFile(dir)), Effect.provide(NodeContext.layer))
  })
})
