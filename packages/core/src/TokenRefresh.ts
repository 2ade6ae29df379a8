/**
 * Renewal of a session's token, shared by every session that can renew it (refresh-token grants; flows that
 * can authorize again). However many fibers find the token expired at once, one renewal runs and all of them
 * go on with its outcome.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { ApiError } from "./ApiError.js"
import type { AuthError } from "./AuthError.js"
import type { ConfigurationError } from "./ConfigurationError.js"
import type { Token } from "./Token.js"
import { TokenStore, type TokenStoreError } from "./TokenStore.js"
import type { TransportError } from "./TransportError.js"

/**
 * Why a renewal failed.
 *
 * @since 0.1.0
 * @category Errors
 */
export type RefreshError = AuthError | TransportError | ConfigurationError | TokenStoreError | ApiError

/**
 * The operations of a token renewal.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /**
   * Renews `stale` and stores the result. Callers that arrive while a renewal runs wait for it; a caller whose
   * stale token was already replaced in the store gets the stored one without a new renewal.
   */
  readonly refresh: (stale: Token) => Effect.Effect<Token, RefreshError>
}

/**
 * The token renewal of the current session, present when the session can renew its token.
 *
 * @since 0.1.0
 * @category Context
 */
export class TokenRefresh extends Context.Tag("@okmail/core/TokenRefresh")<TokenRefresh, Service>() {}

const sameToken = (a: Token, b: Token) => Redacted.value(a.accessToken) === Redacted.value(b.accessToken)

/**
 * Makes a single-flight renewal over `renew` (the flow that gets a new token). The renewal runs in the scope
 * of the session, so that a caller interrupted while waiting does not cancel it for the others.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (
  renew: (stale: Token) => Effect.Effect<Token, RefreshError>
): Effect.Effect<Service, never, TokenStore | Scope.Scope> =>
  Effect.gen(function*() {
    const store = yield* TokenStore
    const scope = yield* Effect.scope
    const inFlight = yield* SynchronizedRef.make(Option.none<Deferred.Deferred<Token, RefreshError>>())

    const start = (stale: Token) =>
      Effect.gen(function*() {
        const deferred = yield* Deferred.make<Token, RefreshError>()
        const stored = yield* Effect.either(store.get)
        if (stored._tag === "Right" && Option.isSome(stored.right) && !sameToken(stored.right.value, stale)) {
          yield* Deferred.succeed(deferred, stored.right.value)
          return [deferred, Option.none()] as const
        }
        yield* renew(stale).pipe(
          Effect.tap((token) => store.set(token)),
          Effect.exit,
          Effect.flatMap((exit) =>
            SynchronizedRef.set(inFlight, Option.none()).pipe(Effect.zipRight(Deferred.done(deferred, exit)))
          ),
          Effect.forkIn(scope)
        )
        return [deferred, Option.some(deferred)] as const
      })

    const refresh = (stale: Token) =>
      SynchronizedRef.modifyEffect(inFlight, (current) =>
        Option.match(current, {
          onNone: () => start(stale),
          onSome: (deferred) => Effect.succeed([deferred, current] as const)
        })).pipe(Effect.flatMap(Deferred.await))

    return { refresh }
  })

/**
 * Runs `use` with the session's current token; when it fails with `SessionExpiredError` and the session can
 * renew its token, renews it (once, shared with concurrent callers) and runs `use` again with the new token.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const withToken = <A, E, R>(
  use: (token: Option.Option<Token>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | RefreshError, R | TokenStore> =>
  Effect.gen(function*() {
    const store = yield* TokenStore
    const token = yield* store.get
    const renewal = yield* Effect.serviceOption(TokenRefresh)
    if (Option.isNone(token) || Option.isNone(renewal)) return yield* use(token)
    const current = token.value
    return yield* use(token).pipe(
      Effect.catchIf(
        (error): error is E => isSessionExpired(error),
        () => Effect.flatMap(renewal.value.refresh(current), (fresh) => use(Option.some(fresh)))
      )
    )
  })

const isSessionExpired = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === "SessionExpiredError"
