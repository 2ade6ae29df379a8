/**
 * The one path every API call of both clients takes: the session's token (renewed before it expires, and once
 * more when the API says it has) inside the retry policy, so that each retry takes the current token. The
 * attempt itself sends through `RateLimit.limitCall`, keyed by the application it signs for, so that each
 * retry also waits its turn.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import * as RetryPolicy from "../RetryPolicy.js"
import type { Token } from "../Token.js"
import * as TokenRefresh from "../TokenRefresh.js"
import type { Service as TokenStoreService, TokenStore } from "../TokenStore.js"

/**
 * What the path needs to know of a call: the API method (for the retry policy's read/write rule) and whether
 * this write may be repeated.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly method: string
  readonly retryWrites?: boolean | undefined
}

/**
 * Runs `attempt` with the session's token through token renewal and the current
 * `RetryPolicy.CurrentRetryPolicy`.
 *
 * @since 0.1.0
 * @category Combinators
 */
export const run = <A, E, R>(
  options: Options,
  attempt: (token: Option.Option<Token>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | TokenRefresh.RefreshError, R | TokenStore> =>
  TokenRefresh.withToken(attempt).pipe(
    RetryPolicy.retry(options.method, { retryWrites: options.retryWrites })
  )

/**
 * The services a session gives its calls: its token store, and its renewal when it can renew.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Session {
  readonly store: TokenStoreService
  readonly renewal: Option.Option<TokenRefresh.Service>
}

/**
 * `run` over a session's services held by the client, so that a call reads nothing from its context.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const runWith = (session: Session) =>
<A, E, R>(
  options: Options,
  attempt: (token: Option.Option<Token>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | TokenRefresh.RefreshError, R> =>
  TokenRefresh.withTokenFrom(session.store, session.renewal, attempt).pipe(
    RetryPolicy.retry(options.method, { retryWrites: options.retryWrites })
  )
