import { ApiError, AuthError, RateLimit, RetryPolicy, Token, TokenRefresh, TokenStore, TransportError } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"

const access = (t: Token.Token) => Redacted.value(t.accessToken)

// The call path's order, as the clients compose it: the token (renewed when due) inside the retry policy, so that
// each retry takes the current token.
const run = <A, E, R>(
  options: { readonly method: string; readonly retryWrites?: boolean },
  attempt: (token: Option.Option<Token.Token>) => Effect.Effect<A, E, R>
) => TokenRefresh.withToken(attempt).pipe(RetryPolicy.retry(options.method, { retryWrites: options.retryWrites }))

// A token of the given name that expires `lifetime` after the current clock.
const tokenFor = (name: string, lifetime: Duration.DurationInput) =>
  Effect.map(DateTime.now, (now) =>
    new Token.Token({ accessToken: Redacted.make(name), expiresAt: DateTime.addDuration(now, lifetime) }))

// A renewal that counts its runs and gives tokens living 30 minutes.
const counting = (options: { readonly reauthorizes?: boolean } = {}) =>
  Effect.gen(function*() {
    const runs = yield* Ref.make(0)
    const service = yield* TokenRefresh.make(
      (stale) =>
        Effect.flatMap(Ref.updateAndGet(runs, (n) => n + 1), (n) => tokenFor(`${access(stale)}+${n}`, "30 minutes")),
      options
    )
    return { runs, service }
  })

const storeWith = (lifetime: Duration.DurationInput) =>
  Layer.effect(TokenStore.TokenStore, Effect.flatMap(tokenFor("t0", lifetime), TokenStore.makeMemory))

const seen = (log: Array<string>) => (token: Option.Option<Token.Token>) =>
  Effect.sync(() => {
    const value = Option.getOrElse(Option.map(token, access), () => "none")
    log.push(value)
    return value
  })

const invalid = new ApiError.InvalidSessionError({ api: "ok", code: 103, description: "invalid", method: "m" })
const unavailable = new ApiError.ServiceUnavailableError({ api: "ok", code: 2, description: "later", method: "m" })

describe("TokenRefresh.withToken before expiry", () => {
  it.scoped("renews a token within the renewal margin before the call, and not one with time to spare", () =>
    Effect.gen(function*() {
      const { runs, service } = yield* counting()
      const log: Array<string> = []
      const call = Effect.provideService(TokenRefresh.withToken(seen(log)), TokenRefresh.TokenRefresh, service)
      assert.strictEqual(yield* call, "t0")
      yield* TestClock.adjust("570 seconds")
      assert.strictEqual(yield* call, "t0+1")
      assert.strictEqual(yield* call, "t0+1")
      assert.strictEqual(yield* Ref.get(runs), 1)
      // 29 minutes on, the renewed token has one minute left: inside the default margin, outside a 10-second one.
      yield* TestClock.adjust("29 minutes")
      const narrow = call.pipe(Effect.provideService(TokenRefresh.RenewalMargin, Duration.seconds(10)))
      assert.strictEqual(yield* narrow, "t0+1")
      assert.strictEqual(yield* call, "t0+1+2")
      assert.deepStrictEqual(log, ["t0", "t0+1", "t0+1", "t0+1", "t0+1+2"])
    }).pipe(Effect.provide(storeWith("10 minutes"))))

  it.scoped("a failed renewal before expiry lets the call go on with the token it has", () =>
    Effect.gen(function*() {
      const failing = yield* TokenRefresh.make(() =>
        Effect.fail(new AuthError.OAuthError({ api: "ok", error: "temporarily_unavailable", status: 503, endpoint: "token" }))
      )
      yield* TestClock.adjust("570 seconds")
      const log: Array<string> = []
      const value = yield* Effect.provideService(TokenRefresh.withToken(seen(log)), TokenRefresh.TokenRefresh, failing)
      assert.strictEqual(value, "t0")
    }).pipe(Effect.provide(storeWith("10 minutes"))))
})

describe("TokenRefresh.withToken on an invalid session", () => {
  const failFirst = (log: Array<string>) => (token: Option.Option<Token.Token>) =>
    Effect.flatMap(seen(log)(token), (value) => (value === "t0" ? Effect.fail(invalid) : Effect.succeed(value)))

  it.scoped("a session that authorizes anew replaces an invalid token once and replays the call", () =>
    Effect.gen(function*() {
      const { runs, service } = yield* counting({ reauthorizes: true })
      const log: Array<string> = []
      const value = yield* Effect.provideService(TokenRefresh.withToken(failFirst(log)), TokenRefresh.TokenRefresh, service)
      assert.strictEqual(value, "t0+1")
      assert.deepStrictEqual(log, ["t0", "t0+1"])
      assert.strictEqual(yield* Ref.get(runs), 1)
    }).pipe(Effect.provide(storeWith("1 hour"))))

  it.scoped("a session that only refreshes reports InvalidSessionError without renewing", () =>
    Effect.gen(function*() {
      const { runs, service } = yield* counting()
      const log: Array<string> = []
      const error = yield* Effect.flip(
        Effect.provideService(TokenRefresh.withToken(failFirst(log)), TokenRefresh.TokenRefresh, service)
      )
      assert.strictEqual(error._tag, "InvalidSessionError")
      assert.strictEqual(yield* Ref.get(runs), 0)
    }).pipe(Effect.provide(storeWith("1 hour"))))
})

describe("TokenRefresh.layerBackground", () => {
  it.effect("renews a margin before each expiry while its scope lasts, and stops when it closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const store = yield* Effect.flatMap(tokenFor("t0", "30 minutes"), TokenStore.makeMemory)
      const { runs, service } = yield* counting().pipe(
        Effect.provideService(TokenStore.TokenStore, store),
        Scope.extend(scope)
      )
      yield* Layer.buildWithScope(TokenRefresh.layerBackground({ TokenStore: TokenStore.TokenStore, TokenRefresh: TokenRefresh.TokenRefresh }), scope).pipe(
        Effect.provideService(TokenStore.TokenStore, store),
        Effect.provideService(TokenRefresh.TokenRefresh, service)
      )
      yield* TestClock.adjust("1739 seconds")
      assert.strictEqual(yield* Ref.get(runs), 0)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Ref.get(runs), 1)
      assert.strictEqual(Option.map(yield* store.get, access).pipe(Option.getOrThrow), "t0+1")
      yield* TestClock.adjust("29 minutes")
      assert.strictEqual(yield* Ref.get(runs), 2)
      yield* Scope.close(scope, Exit.void)
      yield* TestClock.adjust("5 hours")
      assert.strictEqual(yield* Ref.get(runs), 2)
    }))
})

describe("RateLimit.limitCall", () => {
  it.effect("keys by application, or by application and token when set byToken", () =>
    Effect.gen(function*() {
      const token = (name: string) => Option.some(new Token.Token({ accessToken: Redacted.make(name) }))
      const count = (limiter: RateLimit.Service) =>
        Effect.gen(function*() {
          const started = yield* Ref.make(0)
          const one = (name: string) =>
            RateLimit.limitCall("app", token(name))(Ref.update(started, (n) => n + 1)).pipe(
              Effect.provideService(RateLimit.RateLimit, limiter)
            )
          const fiber = yield* Effect.fork(Effect.all([one("a"), one("b"), one("a")], { concurrency: "unbounded" }))
          yield* TestClock.adjust(Duration.zero)
          const before = yield* Ref.get(started)
          yield* Fiber.interrupt(fiber)
          return before
        })
      assert.strictEqual(yield* count(yield* RateLimit.make({ requestsPerSecond: 1 })), 1)
      assert.strictEqual(yield* count(yield* RateLimit.make({ requestsPerSecond: 1, byToken: true })), 2)
    }))
})

describe("token renewal inside the retry policy", () => {
  it.scoped("retries a read through the token path, each try with the current token; a write runs once", () =>
    Effect.gen(function*() {
      const attempts = yield* Ref.make(0)
      const flaky = (token: Option.Option<Token.Token>) =>
        Effect.flatMap(Ref.updateAndGet(attempts, (n) => n + 1), (n) =>
          n < 3 ? Effect.fail(unavailable) : seen([])(token))
      const read = yield* Effect.fork(run({ method: "users.getInfo" }, flaky))
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(read), "t0")
      assert.strictEqual(yield* Ref.get(attempts), 3)

      yield* Ref.set(attempts, 0)
      const write = yield* Effect.flip(run({ method: "mediatopic.post" }, flaky))
      assert.strictEqual(write._tag, "ServiceUnavailableError")
      assert.strictEqual(yield* Ref.get(attempts), 1)

      yield* Ref.set(attempts, 0)
      const optedIn = yield* Effect.fork(run({ method: "mediatopic.post", retryWrites: true }, flaky))
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(optedIn), "t0")
      assert.strictEqual(yield* Ref.get(attempts), 3)
    }).pipe(Effect.provide(storeWith("1 hour"))))

  it.scoped("gives up after the policy's retries with the last typed error", () =>
    Effect.gen(function*() {
      const attempts = yield* Ref.make(0)
      const down = () =>
        Effect.zipRight(
          Ref.update(attempts, (n) => n + 1),
          Effect.fail(new TransportError.NetworkError({ method: "m", url: "https://api.ok.ru/fb.do", detail: "reset" }))
        )
      const fiber = yield* Effect.fork(Effect.flip(run({ method: "friends.get" }, down)))
      yield* TestClock.adjust("5 minutes")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "NetworkError")
      assert.strictEqual(yield* Ref.get(attempts), RetryPolicy.defaults.maxRetries + 1)
    }).pipe(Effect.provide(storeWith("1 hour"))))
})

describe("TokenRefresh when the session's scope closes", () => {
  it.effect("a renewal in flight is interrupted, and so are its waiters: none is left hanging", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const store = yield* Effect.flatMap(tokenFor("t0", "1 hour"), TokenStore.makeMemory)
      const service = yield* TokenRefresh.make((stale) =>
        Effect.zipRight(Effect.sleep("10 seconds"), tokenFor(`${access(stale)}+1`, "1 hour"))
      ).pipe(Effect.provideService(TokenStore.TokenStore, store), Scope.extend(scope))
      const stale = Option.getOrThrow(yield* store.get)
      const waiters = yield* Effect.forkAll(Array.from({ length: 3 }, () => service.refresh(stale)))
      yield* TestClock.adjust("1 second")
      yield* Scope.close(scope, Exit.void)
      const exit = yield* Fiber.await(waiters)
      assert.isTrue(Exit.isInterrupted(exit))
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(access(Option.getOrThrow(yield* store.get)), "t0")
    }))
})
