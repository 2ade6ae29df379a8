/**
 * Renewal of a session's token, shared by every session that can renew it (refresh-token grants; flows that
 * can authorize again). However many fibers find the token expired at once, one renewal runs and all of them
 * go on with its outcome.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as SynchronizedRef from "effect/SynchronizedRef"
import type { ApiError } from "./ApiError.js"
import type { AuthError } from "./AuthError.js"
import type { ConfigurationError } from "./ConfigurationError.js"
import type { UnexpectedResultError } from "./ResultError.js"
import { expiresWithin, type Token } from "./Token.js"
import { type Service as TokenStoreService, TokenStore, type TokenStoreError } from "./TokenStore.js"
import type { TransportError } from "./TransportError.js"

/**
 * Why a renewal failed.
 *
 * @since 0.1.0
 * @category Errors
 */
export type RefreshError =
  | AuthError
  | TransportError
  | ConfigurationError
  | TokenStoreError
  | ApiError
  | UnexpectedResultError

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
  /**
   * Whether the renewal authorizes anew (a session built from a login and password), so that it can also
   * replace a token the API calls invalid, not only an expired one.
   */
  readonly reauthorizes: boolean
  /**
   * The settings the session's flows run with (its API's endpoints and time limit), so that its client can hold
   * the same ones.
   */
  readonly settings?: unknown
}

/**
 * How long before its expiry a token is renewed, by the calls that find it so close to expiring and by the
 * background renewal. One minute unless provided.
 *
 * @since 0.1.0
 * @category Context
 */
export class RenewalMargin extends Context.Reference<RenewalMargin>()("@okmail/core/RenewalMargin", {
  defaultValue: (): Duration.Duration => Duration.minutes(1)
}) {}

/**
 * The token renewal of the current session, present when the session can renew its token.
 *
 * @since 0.1.0
 * @category Context
 */
export class TokenRefresh extends Context.Tag("@okmail/core/TokenRefresh")<TokenRefresh, Service>() {}

const sameToken = (a: Token, b: Token) => Redacted.value(a.accessToken) === Redacted.value(b.accessToken)

/**
 * Whether a renewal failed because the OAuth server refused the refresh token (`invalid_grant`: revoked, expired
 * or already spent), as opposed to failing on its way there.
 *
 * @since 0.1.0
 * @category Guards
 */
export const isRefusedGrant = (error: RefreshError): boolean =>
  Predicate.isTagged(error, "OAuthError") && (error as { readonly error?: unknown }).error === "invalid_grant"

/**
 * Makes a single-flight renewal over `renew` (the flow that gets a new token). The renewal runs in the scope
 * of the session, so that a caller interrupted while waiting does not cancel it for the others.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (
  renew: (stale: Token) => Effect.Effect<Token, RefreshError>,
  options: { readonly reauthorizes?: boolean | undefined; readonly settings?: unknown } = {}
): Effect.Effect<Service, never, TokenStore | Scope.Scope> =>
  Effect.gen(function*() {
    const store = yield* TokenStore
    const scope = yield* Effect.scope
    const inFlight = yield* SynchronizedRef.make(Option.none<Deferred.Deferred<Token, RefreshError>>())

    // The token another renewal — of this process, or of another one sharing the store — left in the store.
    const storedOtherThan = (stale: Token) =>
      Effect.map(
        Effect.orElseSucceed(store.get, () => Option.none<Token>()),
        Option.filter((stored) => !sameToken(stored, stale))
      )

    // Under the store's lock across processes when it has one: read it, renew only if nobody did, store.
    const renewal = (stale: Token) =>
      Effect.gen(function*() {
        const stored = yield* storedOtherThan(stale)
        if (Option.isSome(stored)) return stored.value
        const outcome = yield* renew(stale).pipe(
          Effect.map((token) => ({ token, fromStore: false })),
          // A refused refresh token may have been spent by another process that stored what it got.
          Effect.catchIf(isRefusedGrant, (error) =>
            Effect.flatMap(storedOtherThan(stale), (other) =>
              Option.isSome(other)
                ? Effect.succeed({ token: other.value, fromStore: true })
                : Effect.fail(error)))
        )
        if (!outcome.fromStore) yield* store.set(outcome.token)
        return outcome.token
      })

    const start = (stale: Token) =>
      Effect.gen(function*() {
        const deferred = yield* Deferred.make<Token, RefreshError>()
        yield* (store.exclusive === undefined ? renewal(stale) : store.exclusive(renewal(stale))).pipe(
          Effect.withSpan("TokenRefresh.renew"),
          Effect.tapBoth({
            onSuccess: (token) => Effect.logDebug(`Token renewed${token.expiresAt ? `, valid until ${token.expiresAt}` : ""}`),
            onFailure: (error) => Effect.logWarning(`Token renewal failed: ${error.message}`)
          }),
          Effect.exit,
          Effect.flatMap((exit) =>
            SynchronizedRef.set(inFlight, Option.none()).pipe(Effect.zipRight(Deferred.done(deferred, exit)))
          ),
          // Closing the session's scope interrupts the renewal: its waiters are interrupted too, not left hanging.
          Effect.onInterrupt(() => Deferred.interrupt(deferred)),
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

    return { refresh, reauthorizes: options.reauthorizes ?? false, settings: options.settings }
  })

/**
 * Runs `use` with the session's current token. When the session can renew its token, a token within
 * `RenewalMargin` of its expiry is renewed first, and a call failing with `SessionExpiredError` (or, for a
 * session that authorizes anew, `InvalidSessionError`) renews it (once, shared with concurrent callers) and
 * runs `use` once more with the new token.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const withToken = <A, E, R>(
  use: (token: Option.Option<Token>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | RefreshError, R | TokenStore> =>
  Effect.flatMap(TokenStore, (store) =>
    Effect.flatMap(Effect.serviceOption(TokenRefresh), (renewal) => withTokenFrom(store, renewal, use)))

/**
 * `withToken` over a token store and renewal given as values, for clients that hold their session's services.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const withTokenFrom = <A, E, R>(
  store: TokenStoreService,
  renewal: Option.Option<Service>,
  use: (token: Option.Option<Token>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | RefreshError, R> =>
  Effect.flatMap(store.get, (stored) => {
    if (Option.isNone(stored) || Option.isNone(renewal)) return use(stored)
    const service = renewal.value
    const replays = (error: unknown) =>
      Predicate.isTagged(error, "SessionExpiredError") ||
      (service.reauthorizes && Predicate.isTagged(error, "InvalidSessionError"))
    return Effect.flatMap(renewSoon(service, stored.value), (current) =>
      use(Option.some(current)).pipe(
        Effect.catchIf(
          (error): error is E => replays(error),
          () => Effect.flatMap(service.refresh(current), (fresh) => use(Option.some(fresh)))
        )
      ))
  })

// A token about to expire is renewed before the call; if that renewal fails while the token still has time
// left, the call goes on with it and meets the API's own verdict.
const renewSoon = (renewal: Service, token: Token): Effect.Effect<Token> =>
  Effect.gen(function*() {
    const margin = yield* RenewalMargin
    const now = yield* DateTime.now
    if (!expiresWithin(token, now, margin)) return token
    return yield* renewal.refresh(token).pipe(
      Effect.catchAll((error) =>
        Effect.as(Effect.logWarning(`Renewing the token before it expires failed: ${error._tag}`), token)
      )
    )
  })


/**
 * The tags under which a session provides its token store and renewal: each API's session module has its own
 * (`OkSession`, `MailRuSession`), so that sessions of both APIs live in one program.
 *
 * @since 0.1.0
 * @category Models
 */
export interface SessionTags<T, R> {
  readonly TokenStore: Context.Tag<T, TokenStoreService>
  readonly TokenRefresh: Context.Tag<R, Service>
}

/**
 * Renews the token of the session under `session`'s tags in the background, `RenewalMargin` before each expiry,
 * for as long as the layer's scope lasts: closing it stops the fiber. A failed renewal is logged and tried again
 * after `retryAfter` (30 seconds unless given); a token without an expiry is looked at again after `idle` (one
 * minute). `Layer.mergeAll(TokenRefresh.layerBackground(OkSession), TokenRefresh.layerBackground(MailRuSession))`
 * renews the sessions of both APIs.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerBackground = <T, R>(
  session: SessionTags<T, R>,
  options: { readonly retryAfter?: Duration.DurationInput; readonly idle?: Duration.DurationInput } = {}
): Layer.Layer<never, never, T | R> =>
  Layer.scopedDiscard(Effect.gen(function*() {
    const renewal = yield* session.TokenRefresh
    const store = yield* session.TokenStore
    const retryAfter = Duration.decode(options.retryAfter ?? Duration.seconds(30))
    const idle = Duration.decode(options.idle ?? Duration.minutes(1))
    const step = Effect.gen(function*() {
      const token = yield* Effect.orElseSucceed(store.get, () => Option.none<Token>())
      if (Option.isNone(token) || token.value.expiresAt === undefined) return yield* Effect.sleep(idle)
      const margin = yield* RenewalMargin
      const now = yield* DateTime.now
      const due = DateTime.toEpochMillis(token.value.expiresAt) - Duration.toMillis(margin) - DateTime.toEpochMillis(now)
      if (due > 0) return yield* Effect.sleep(Duration.millis(due))
      yield* renewal.refresh(token.value).pipe(
        Effect.catchAll((error) =>
          Effect.logWarning(`Background token renewal failed: ${error._tag}`).pipe(Effect.zipRight(Effect.sleep(retryAfter)))
        )
      )
    })
    yield* Effect.forkScoped(Effect.forever(step))
  }))
