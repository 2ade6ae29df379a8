import { ApiError, AuthError, Token, TokenRefresh, TokenStore } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"

const token = (access: string) => new Token.Token({ accessToken: Redacted.make(access) })
const access = (t: Token.Token) => Redacted.value(t.accessToken)

const expired = (method: string) =>
  new ApiError.SessionExpiredError({ api: "ok", code: 102, description: "Session expired", method })

// A renewal that takes one simulated second, counts its runs, and fails while `failing` is set.
const makeRenewal = Effect.gen(function*() {
  const runs = yield* Ref.make(0)
  const failing = yield* Ref.make(false)
  const renew = (stale: Token.Token) =>
    Effect.gen(function*() {
      const n = yield* Ref.updateAndGet(runs, (k) => k + 1)
      yield* Effect.sleep("1 second")
      if (yield* Ref.get(failing)) {
        return yield* new AuthError.OAuthError({ api: "ok", error: "invalid_grant", status: 400, endpoint: "token" })
      }
      return token(`${access(stale)}+${n}`)
    })
  const service = yield* TokenRefresh.make(renew)
  return { runs, failing, service }
})

const WithStore = TokenStore.layerMemory(token("t0"))

describe("TokenRefresh", () => {
  it.scoped("runs one renewal for any number of concurrent callers and stores its token", () =>
    Effect.gen(function*() {
      const { runs, service } = yield* makeRenewal
      const fibers = yield* Effect.forkAll(Array.from({ length: 50 }, () => service.refresh(token("t0"))))
      yield* TestClock.adjust("1 second")
      const results = yield* Fiber.join(fibers)
      assert.strictEqual(yield* Ref.get(runs), 1)
      assert.deepStrictEqual(new Set(results.map(access)), new Set(["t0+1"]))
      const stored = yield* Effect.flatMap(TokenStore.TokenStore, (store) => store.get)
      assert.deepStrictEqual(Option.map(stored, access), Option.some("t0+1"))
      // A late caller holding the old token gets the stored one without a new renewal.
      assert.strictEqual(access(yield* service.refresh(token("t0"))), "t0+1")
      assert.strictEqual(yield* Ref.get(runs), 1)
    }).pipe(Effect.provide(WithStore)))

  it.scoped("fails every waiter with the renewal's typed error, and lets the next call try again", () =>
    Effect.gen(function*() {
      const { failing, runs, service } = yield* makeRenewal
      yield* Ref.set(failing, true)
      const fibers = yield* Effect.forkAll(Array.from({ length: 10 }, () => Effect.flip(service.refresh(token("t0")))))
      yield* TestClock.adjust("1 second")
      const errors = yield* Fiber.join(fibers)
      assert.strictEqual(yield* Ref.get(runs), 1)
      for (const error of errors) assert.strictEqual(error._tag, "OAuthError")

      yield* Ref.set(failing, false)
      const retry = yield* Effect.fork(service.refresh(token("t0")))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(access(yield* Fiber.join(retry)), "t0+2")
    }).pipe(Effect.provide(WithStore)))

  it.scoped("withToken replays a call once with the renewed token after SessionExpiredError", () =>
    Effect.gen(function*() {
      const { runs, service } = yield* makeRenewal
      const seen: Array<string> = []
      const call = TokenRefresh.withToken((current) => {
        const value = Option.getOrThrow(Option.map(current, access))
        seen.push(value)
        return value === "t0" ? Effect.fail(expired("users.getInfo")) : Effect.succeed(`result with ${value}`)
      })
      const fiber = yield* Effect.fork(Effect.provideService(call, TokenRefresh.TokenRefresh, service))
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(fiber), "result with t0+1")
      assert.deepStrictEqual(seen, ["t0", "t0+1"])
      assert.strictEqual(yield* Ref.get(runs), 1)
    }).pipe(Effect.provide(WithStore)))

  it.scoped("withToken reports the expiry when the session cannot renew its token", () =>
    Effect.gen(function*() {
      let calls = 0
      const error = yield* Effect.flip(
        TokenRefresh.withToken(() => {
          calls++
          return Effect.fail(expired("friends.get"))
        })
      )
      assert.strictEqual(error._tag, "SessionExpiredError")
      assert.strictEqual(calls, 1)
    }).pipe(Effect.provide(WithStore)))

  it.scoped("withToken does not renew for other errors", () =>
    Effect.gen(function*() {
      const { runs, service } = yield* makeRenewal
      const denied = new ApiError.PermissionDeniedError({ api: "ok", code: 10, description: "no", method: "m" })
      const error = yield* Effect.flip(
        Effect.provideService(TokenRefresh.withToken(() => Effect.fail(denied)), TokenRefresh.TokenRefresh, service)
      )
      assert.strictEqual(error._tag, "PermissionDeniedError")
      assert.strictEqual(yield* Ref.get(runs), 0)
    }).pipe(Effect.provide(Layer.fresh(WithStore))))
})
