import { Token, TokenStore } from "@okmail/core"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
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

  it.effect("file: the temporary file is named from the Clock and Random, so a test decides the name", () => {
    const dir = tempDir()
    const path = join(dir, "token.json")
    const at = Date.UTC(2030, 0, 1)
    // Where the write goes under this clock and Random value 0.5 (`0.i` in base 36): taken, so the write fails.
    const taken = `${path}.${at.toString(36)}i.tmp`
    mkdirSync(taken)
    return Effect.gen(function*() {
      const store = yield* TokenStore.TokenStore
      yield* TestClock.setTime(at)
      const error = yield* Effect.flip(Effect.withRandom(store.set(token("a")), Random.fixed([0.5])))
      assert.strictEqual(error._tag, "TokenStoreError")
      assert.strictEqual(error.reason, "Io")
      assert.strictEqual(error.operation, "set")
      assert.isFalse(existsSync(path))
      // Another random value, another name: the write goes through.
      yield* Effect.withRandom(store.set(token("b")), Random.fixed([0.25]))
      assert.deepStrictEqual(accessOf(yield* store.get), Option.some("b"))
      assert.sameMembers(readdirSync(dir), ["token.json", `token.json.${at.toString(36)}i.tmp`])
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

  // Real time: the lock's waits interleave with file I/O, which a TestClock cannot drive.
  it.live("file: the lock across processes waits for its holder, breaks a stale lock, and gives up typed", () => {
    const dir = mkdtempSync(join(tmpdir(), "okmail-lock-"))
    const path = join(dir, "token.json")
    return Effect.gen(function*() {
      const store = yield* TokenStore.makeFile(path, { staleAfter: "2 minutes", wait: "300 millis", poll: "20 millis" })
      const exclusive = store.exclusive!
      // Held by this process: the lock file exists while the effect runs, and is gone after.
      assert.isTrue(yield* exclusive(Effect.sync(() => existsSync(`${path}.lock`))))
      assert.isFalse(existsSync(`${path}.lock`))
      // Held by another, live process: a taker waits, and gives up with the store's typed error.
      writeFileSync(`${path}.lock`, String(Date.now()))
      const gaveUp = yield* Effect.either(exclusive(Effect.succeed("ran")))
      assert.isTrue(gaveUp._tag === "Left" && gaveUp.left.operation === "lock")
      // Released by the other process while this one waits: it runs.
      const waiting = yield* Effect.fork(exclusive(Effect.succeed("ran")))
      yield* Effect.sleep("50 millis")
      rmSync(`${path}.lock`)
      assert.strictEqual(yield* Fiber.join(waiting), "ran")
      // Left by a process that died long ago: older than `staleAfter`, it is broken.
      writeFileSync(`${path}.lock`, String(Date.now() - 10 * 60_000))
      assert.strictEqual(yield* exclusive(Effect.succeed("ran")), "ran")
      assert.isFalse(existsSync(`${path}.lock`))
    }).pipe(Effect.provide(NodeContext.layer))
  })

  it.effect("keepOnFailure: a token the store cannot write is kept, served, and written once the store recovers", () =>
    Effect.gen(function*() {
      const memory = yield* TokenStore.makeMemory()
      let full = true
      const flaky: TokenStore.Service = {
        ...memory,
        set: (t) =>
          full
            ? Effect.fail(new TokenStore.TokenStoreError({ reason: "Io", operation: "set", location: "x", detail: "full" }))
            : memory.set(t)
      }
      const store = yield* TokenStore.keepOnFailure(flaky, { retryAfter: "30 seconds" })
      yield* store.set(token("kept"))
      assert.deepStrictEqual(accessOf(yield* store.get), Option.some("kept"))
      assert.isTrue(Option.isNone(yield* memory.get))
      full = false
      // Not written again before `retryAfter`…
      yield* TestClock.adjust("10 seconds")
      yield* store.get
      assert.isTrue(Option.isNone(yield* memory.get))
      // …then written by the next read.
      yield* TestClock.adjust("25 seconds")
      assert.deepStrictEqual(accessOf(yield* store.get), Option.some("kept"))
      assert.deepStrictEqual(accessOf(yield* memory.get), Option.some("kept"))
    }))
})
