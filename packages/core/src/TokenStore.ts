/**
 * Where a session's token lives: in memory, in a file, or in any `@effect/platform` `KeyValueStore`.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as KeyValueStore from "@effect/platform/KeyValueStore"
import * as Path from "@effect/platform/Path"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Token from "./Token.js"

/**
 * A token store could not read or write its token. `Corrupt` means the stored document is not a token; it is
 * reported, never silently replaced.
 *
 * @since 0.1.0
 * @category Errors
 */
export class TokenStoreError extends Schema.TaggedError<TokenStoreError>("@okmail/core/TokenStoreError")(
  "TokenStoreError",
  {
    reason: Schema.Literal("Corrupt", "Io"),
    operation: Schema.Literal("get", "set", "clear", "lock"),
    location: Schema.String,
    detail: Schema.String
  }
) {
  /** @since 0.1.0 */
  readonly retryable = false
  /** @since 0.1.0 */
  override get message(): string {
    return this.reason === "Corrupt"
      ? `The token stored at ${this.location} is not a valid token: ${this.detail}`
      : `Could not ${this.operation} the token at ${this.location}: ${this.detail}`
  }
}

/**
 * The operations of a token store.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  readonly get: Effect.Effect<Option.Option<Token.Token>, TokenStoreError>
  readonly set: (token: Token.Token) => Effect.Effect<void, TokenStoreError>
  readonly clear: Effect.Effect<void, TokenStoreError>
  /**
   * Runs `effect` holding the store's lock across processes, when the store can be shared by several (a file):
   * a renewal reads, renews and stores under it, so that two processes never spend one refresh token twice.
   */
  readonly exclusive?: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | TokenStoreError, R>
}

/**
 * The token store of the current session.
 *
 * @since 0.1.0
 * @category Context
 */
export class TokenStore extends Context.Tag("@okmail/core/TokenStore")<TokenStore, Service>() {}

/**
 * A store in memory, optionally holding a token from the start.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeMemory = (initial?: Token.Token): Effect.Effect<Service> =>
  Effect.map(Ref.make(Option.fromNullable(initial)), (ref) => ({
    get: Ref.get(ref),
    set: (token) => Ref.set(ref, Option.some(token)),
    clear: Ref.set(ref, Option.none())
  }))

/**
 * A store in memory.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerMemory = (initial?: Token.Token): Layer.Layer<TokenStore> =>
  Layer.effect(TokenStore, makeMemory(initial))

const decodeStored = (location: string, operation: "get") => (text: string) =>
  Token.decodeStorage(text).pipe(
    Effect.mapError((error) =>
      new TokenStoreError({ reason: "Corrupt", operation, location, detail: firstLine(error.message) })
    )
  )

const firstLine = (text: string) => text.split("\n", 1)[0] ?? text

const encodeForStorage = (location: string) => (token: Token.Token) =>
  Token.encodeStorage(token).pipe(
    Effect.mapError((error) =>
      new TokenStoreError({ reason: "Corrupt", operation: "set", location, detail: firstLine(error.message) })
    )
  )

/**
 * How a file store's lock across processes behaves: a lock older than `staleAfter` (2 minutes) is broken, a
 * process waits at most `wait` (1 minute) for it, looking every `poll` (50 ms).
 *
 * @since 0.1.0
 * @category Models
 */
export interface FileLockOptions {
  readonly staleAfter?: Duration.DurationInput | undefined
  readonly wait?: Duration.DurationInput | undefined
  readonly poll?: Duration.DurationInput | undefined
}

/**
 * A store in one JSON file. Writes go to a temporary file beside it, created with mode 0600, then renamed over
 * it, so that a crash never leaves half a token. A missing file is an empty store; a corrupt one is a
 * `TokenStoreError` with reason `Corrupt`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeFile = (
  path: string,
  options: FileLockOptions = {}
): Effect.Effect<Service, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const lockOptions = {
      staleAfterMillis: Duration.toMillis(options.staleAfter ?? Duration.minutes(2)),
      waitMillis: Duration.toMillis(options.wait ?? Duration.minutes(1)),
      pollMillis: Duration.toMillis(options.poll ?? Duration.millis(50))
    }
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const file = paths.resolve(path)
    const lock = yield* Effect.makeSemaphore(1)
    const io = (operation: "get" | "set" | "clear" | "lock") => (error: { readonly message: string }) =>
      new TokenStoreError({ reason: "Io", operation, location: file, detail: error.message })

    const get = fs.readFileString(file).pipe(
      Effect.map(Option.some),
      Effect.catchIf(
        (error) => error._tag === "SystemError" && error.reason === "NotFound",
        () => Effect.succeed(Option.none<string>())
      ),
      Effect.mapError(io("get")),
      Effect.flatMap(Option.match({
        onNone: () => Effect.succeed(Option.none<Token.Token>()),
        onSome: (text) => Effect.map(decodeStored(file, "get")(text), Option.some)
      }))
    )

    const set = (token: Token.Token) =>
      Effect.gen(function*() {
        const text = yield* encodeForStorage(file)(token)
        // Time and randomness come from the `Clock` and `Random` services, so that a test decides the name.
        const now = yield* Clock.currentTimeMillis
        const nonce = yield* Random.next
        const temporary = `${file}.${now.toString(36)}${nonce.toString(36).slice(2)}.tmp`
        yield* fs.makeDirectory(paths.dirname(file), { recursive: true }).pipe(Effect.mapError(io("set")))
        yield* fs.writeFileString(temporary, text, { mode: 0o600, flag: "wx" }).pipe(
          Effect.zipRight(fs.chmod(temporary, 0o600)),
          Effect.zipRight(fs.rename(temporary, file)),
          Effect.tapError(() => Effect.ignore(fs.remove(temporary))),
          Effect.mapError(io("set"))
        )
      })

    const clear = fs.remove(file).pipe(
      Effect.catchIf(
        (error) => error._tag === "SystemError" && error.reason === "NotFound",
        () => Effect.void
      ),
      Effect.mapError(io("clear"))
    )

    // The lock across processes: a file created exclusively beside the token's, removed when done. A lock older
    // than `staleAfter` belongs to a process that died holding it and is broken.
    const lockFile = `${file}.lock`
    const acquire = Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const created = yield* fs.writeFileString(lockFile, String(now), { mode: 0o600, flag: "wx" }).pipe(
          Effect.as(true),
          Effect.catchIf((error) => error._tag === "SystemError" && error.reason === "AlreadyExists", () =>
            Effect.succeed(false)),
          Effect.mapError(io("lock"))
        )
        if (created) return
        const since = yield* fs.readFileString(lockFile).pipe(
          Effect.map((text) => Number(text)),
          Effect.orElseSucceed(() => Number.NaN)
        )
        if (Number.isFinite(since) && now - since > lockOptions.staleAfterMillis) {
          yield* Effect.ignore(fs.remove(lockFile))
          continue
        }
        if (now - started > lockOptions.waitMillis) {
          return yield* new TokenStoreError({
            reason: "Io",
            operation: "lock",
            location: file,
            detail: `another process has held ${lockFile} for longer than ${lockOptions.waitMillis} ms`
          })
        }
        yield* Effect.sleep(lockOptions.pollMillis)
      }
    })
    const release = Effect.ignore(fs.remove(lockFile))

    return {
      get: lock.withPermits(1)(get),
      set: (token) => lock.withPermits(1)(set(token)),
      clear: lock.withPermits(1)(clear),
      exclusive: (effect) => Effect.acquireUseRelease(acquire, () => effect, () => release)
    }
  })

/**
 * A store in one JSON file (see `makeFile`).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerFile = (
  path: string,
  options?: FileLockOptions
): Layer.Layer<TokenStore, never, FileSystem.FileSystem | Path.Path> => Layer.effect(TokenStore, makeFile(path, options))

/**
 * A store under one key of a `KeyValueStore`, so that any of its backends (memory, file system, browser
 * storage, a database) can hold the token.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeKeyValueStore = (
  key = "okmail/token"
): Effect.Effect<Service, never, KeyValueStore.KeyValueStore> =>
  Effect.map(KeyValueStore.KeyValueStore, (store) => {
    const io = (operation: "get" | "set" | "clear") => (error: { readonly message: string }) =>
      new TokenStoreError({ reason: "Io", operation, location: key, detail: error.message })
    return {
      get: store.get(key).pipe(
        Effect.mapError(io("get")),
        Effect.flatMap(Option.match({
          onNone: () => Effect.succeed(Option.none<Token.Token>()),
          onSome: (text) => Effect.map(decodeStored(key, "get")(text), Option.some)
        }))
      ),
      set: (token) =>
        encodeForStorage(key)(token).pipe(
          Effect.flatMap((text) => Effect.mapError(store.set(key, text), io("set")))
        ),
      clear: Effect.mapError(store.remove(key), io("clear"))
    }
  })

/**
 * A store under one key of a `KeyValueStore`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerKeyValueStore = (key?: string): Layer.Layer<TokenStore, never, KeyValueStore.KeyValueStore> =>
  Layer.effect(TokenStore, makeKeyValueStore(key))

/**
 * A store that keeps a token it could not write: `set` never fails — a failed write is logged (the store's error
 * names the place, never the token) and the token is held in memory, served by `get` and written again at most
 * every `retryAfter` (30 seconds) until a write succeeds. A session wraps its store in it, so that a renewed token
 * (and Mail.Ru's rotated refresh token with it) survives a full disk.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const keepOnFailure = (
  store: Service,
  options: { readonly retryAfter?: Duration.DurationInput | undefined } = {}
): Effect.Effect<Service> =>
  Effect.gen(function*() {
    const retryAfter = Duration.toMillis(options.retryAfter ?? Duration.seconds(30))
    const pending = yield* Ref.make(Option.none<{ readonly token: Token.Token; readonly triedAt: number }>())
    const write = (token: Token.Token) =>
      store.set(token).pipe(
        Effect.zipRight(Ref.set(pending, Option.none())),
        Effect.catchAll((error) =>
          Effect.flatMap(Clock.currentTimeMillis, (triedAt) =>
            Ref.set(pending, Option.some({ token, triedAt })).pipe(
              Effect.zipRight(Effect.logWarning(`${error.message}; the token is kept in memory and written again later`))
            ))
        )
      )
    const get = Effect.gen(function*() {
      const held = yield* Ref.get(pending)
      if (Option.isNone(held)) return yield* store.get
      const now = yield* Clock.currentTimeMillis
      if (now - held.value.triedAt >= retryAfter) yield* write(held.value.token)
      return Option.some(held.value.token)
    })
    return {
      get,
      set: write,
      clear: Effect.zipRight(Ref.set(pending, Option.none()), store.clear),
      ...(store.exclusive === undefined ? {} : { exclusive: store.exclusive })
    }
  })
