/**
 * The session builder both APIs use. A session is a Layer that provides, under its API's own tags, the `Signer`
 * of its circuit, the `TokenStore` holding its token and, when it can renew the token, its `TokenRefresh`.
 *
 * Building one checks the application's options, reads the store, runs the session's flow only when the store
 * holds no token yet, and builds the signer over the token. A session that can renew captures what its renewal
 * needs (the HTTP client and the settings it was built with) and renews single-flight in the layer's scope:
 * closing the scope interrupts a renewal in flight, and whatever the flow acquired is released.
 *
 * An API's package names its tags (`OkSession.Signer`, `MailRuSession.Signer`, …) and describes each session
 * kind as a `Plan`; this module does the rest.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { ConfigurationError, isSecret, requireSecret } from "./ConfigurationError.js"
import type * as Signer from "./Signer.js"
import * as TokenM from "./Token.js"
import type { Token } from "./Token.js"
import * as TokenRefresh from "./TokenRefresh.js"
import * as TokenStore from "./TokenStore.js"

/**
 * The tags a session provides, owned by its API's package, so that an OK and a Mail.Ru session merge safely and
 * a client built over the wrong API's session does not compile. Two accounts of one API are two sets of tags.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Tags<S, T, R> extends TokenRefresh.SessionTags<T, R> {
  readonly Signer: Context.Tag<S, Signer.Service>
}

/**
 * Where a session keeps its token: any `TokenStore` layer (memory, a file, a `KeyValueStore`), an empty memory
 * store unless given. When the store already holds a token, the session's flow is not run.
 *
 * @since 0.1.0
 * @category Models
 */
export interface StoreOption<ES, RS> {
  readonly store?: Layer.Layer<TokenStore.TokenStore, ES, RS> | undefined
}

/**
 * What every session can fail with when its layer is built, besides its flow's own errors.
 *
 * @since 0.1.0
 * @category Errors
 */
export type SessionError = ConfigurationError | TokenStore.TokenStoreError

/**
 * One kind of session, as an API's package describes it.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Plan<EF, RF> {
  /** Names the session's span, such as `OkSession.layerCode`. */
  readonly name: string
  /** Checks made before any flow runs, so that a session that could never sign logs nobody in. */
  readonly check: Effect.Effect<void, ConfigurationError>
  /** The token to start from when the store holds none: the given one, or the flow's; none without a user. */
  readonly obtain: Effect.Effect<Option.Option<Token>, EF, RF>
  /** The signer over the session's token. */
  readonly signer: (token: Option.Option<Token>) => Effect.Effect<Signer.Service, ConfigurationError>
}

/**
 * How a session renews its token. `reauthorizes` says the renewal authorizes anew (with the user's login and
 * password), so that it may also replace a token the API calls invalid. `settings` is read when the layer is
 * built and handed to the client, which then holds the same endpoints as the session's flows.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Renewal<RR> {
  readonly renew: (stale: Token) => Effect.Effect<Token, TokenRefresh.RefreshError, RR>
  readonly reauthorizes: boolean
  readonly settings: Effect.Effect<unknown>
}

/**
 * A renewal from what a session has: `refresh` (the refresh-token grant, given the stale token's refresh token)
 * and `reauthorize` (authorizing anew with the user's login and password). With both, a refresh token that is
 * missing or refused (`invalid_grant`) falls back to authorizing anew.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const renewal = <RR>(options: {
  readonly refresh?:
    | ((stale: Token, refreshToken: Redacted.Redacted<string>) => Effect.Effect<Token, TokenRefresh.RefreshError, RR>)
    | undefined
  readonly reauthorize?: Effect.Effect<Token, TokenRefresh.RefreshError, RR> | undefined
  readonly settings: Effect.Effect<unknown>
}): Renewal<RR> => {
  const { reauthorize, refresh } = options
  const withRefreshToken = (stale: Token) =>
    refresh === undefined || stale.refreshToken === undefined
      ? Effect.fail(
        new ConfigurationError({ option: "refreshToken", detail: "the session's token has no refresh token" })
      )
      : refresh(stale, stale.refreshToken)
  return {
    renew: reauthorize === undefined
      ? withRefreshToken
      : (stale) =>
        refresh === undefined || stale.refreshToken === undefined
          ? reauthorize
          : Effect.catchIf(withRefreshToken(stale), TokenRefresh.isRefusedGrant, () => reauthorize),
    reauthorizes: reauthorize !== undefined,
    settings: options.settings
  }
}


const storeOf = <ES, RS>(store: Layer.Layer<TokenStore.TokenStore, ES, RS> | undefined) =>
  store ?? (TokenStore.layerMemory() as Layer.Layer<TokenStore.TokenStore, ES, RS>)

const build = <S, T, R, EF, RF, RR>(
  tags: Tags<S, T, R>,
  plan: Plan<EF, RF>,
  renewal: Renewal<RR> | undefined
) =>
  Effect.gen(function*() {
    yield* plan.check
    // A token that cannot be written (a full disk) is kept in memory and written again later: a renewed token,
    // and Mail.Ru's rotated refresh token with it, is never lost.
    const store = yield* TokenStore.keepOnFailure(yield* TokenStore.TokenStore)
    let token = yield* store.get
    if (Option.isNone(token)) {
      token = yield* plan.obtain
      if (Option.isSome(token)) yield* store.set(token.value)
    }
    const signer = yield* plan.signer(token)
    const context = Context.make(tags.Signer, signer).pipe(Context.add(tags.TokenStore, store))
    if (renewal === undefined) return context as Context.Context<S | T | R>
    // The renewal runs with the HTTP client and settings the layer was built with, not those of whoever calls.
    const captured = yield* Effect.context<RR>()
    const refresh = yield* TokenRefresh.make((stale) => Effect.provide(renewal.renew(stale), captured), {
      reauthorizes: renewal.reauthorizes,
      settings: yield* renewal.settings
    }).pipe(Effect.provideService(TokenStore.TokenStore, store))
    return Context.add(context, tags.TokenRefresh, refresh)
  }).pipe(Effect.withSpan(plan.name))

/**
 * A session that cannot renew its token: its `Signer` and `TokenStore`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const layer = <S, T, R, EF, RF, ES = never, RS = never>(
  tags: Tags<S, T, R>,
  plan: Plan<EF, RF>,
  store?: Layer.Layer<TokenStore.TokenStore, ES, RS>
): Layer.Layer<S | T, EF | ES | SessionError, Exclude<RF, TokenStore.TokenStore | Scope.Scope> | RS> =>
  Layer.scopedContext(build(tags, plan, undefined)).pipe(Layer.provide(storeOf(store))) as Layer.Layer<
    S | T,
    EF | ES | SessionError,
    Exclude<RF, TokenStore.TokenStore | Scope.Scope> | RS
  >

/**
 * A session that renews its token: its `Signer`, `TokenStore` and `TokenRefresh`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const layerRenewable = <S, T, R, EF, RF, RR, ES = never, RS = never>(
  tags: Tags<S, T, R>,
  plan: Plan<EF, RF>,
  renewal: Renewal<RR>,
  store?: Layer.Layer<TokenStore.TokenStore, ES, RS>
): Layer.Layer<S | T | R, EF | ES | SessionError, Exclude<RF | RR, TokenStore.TokenStore | Scope.Scope> | RS> =>
  Layer.scopedContext(build(tags, plan, renewal)).pipe(Layer.provide(storeOf(store))) as Layer.Layer<
    S | T | R,
    EF | ES | SessionError,
    Exclude<RF | RR, TokenStore.TokenStore | Scope.Scope> | RS
  >

/**
 * Options of a session read from a `Config`: where it keeps its token, and the `Config` to read instead of the
 * API's own variable names.
 *
 * @since 0.1.0
 * @category Models
 */
export type ConfigOptions<A, ES, RS> = StoreOption<ES, RS> & { readonly config?: Config.Config<A> | undefined }

/**
 * A session whose options are read from `options.config`, or else from `fallback` (the API's variable names): a
 * missing variable is a `ConfigError` when the layer is built.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const layerConfig = <A, ROut, E, R, ES, RS>(
  fallback: Config.Config<A>,
  options: ConfigOptions<A, ES, RS>,
  make: (options: A & StoreOption<ES, RS>) => Layer.Layer<ROut, E, R>
): Layer.Layer<ROut, E | ConfigError.ConfigError, R> =>
  Layer.unwrapEffect(Effect.map(options.config ?? fallback, (read) => make({ ...read, store: options.store })))

/**
 * The `…Config` form of a session layer: its options read from `config` (or from the `config` option, to read
 * other names), a missing variable a `ConfigError` when the layer is built.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const configured: {
  <S, O>(config: Config.Config<NoInfer<O>>, make: Given<S, O>): <ES = never, RS = never>(
    options?: ConfigOptions<O, ES, RS>
  ) => Layer.Layer<S, ES | SessionError | ConfigError.ConfigError, RS>
  <S, O, E>(config: Config.Config<NoInfer<O>>, make: Flow<S, O, E>): <ES = never, RS = never>(
    options?: ConfigOptions<O, ES, RS>
  ) => Layer.Layer<S, ES | E | SessionError | ConfigError.ConfigError, HttpClient.HttpClient | RS>
} = <O>(config: Config.Config<O>, make: (options: O & StoreOption<any, any>) => Layer.Layer<any, any, any>) =>
(options: ConfigOptions<O, any, any> = {}) => layerConfig(config, options, make)

/**
 * A session layer over a given token, or none: its options (`O`) and where it keeps the token.
 *
 * @since 0.1.0
 * @category Models
 */
export type Given<S, O> = <ES = never, RS = never>(
  options: O & StoreOption<ES, RS>
) => Layer.Layer<S, ES | SessionError, RS>

/**
 * A session layer built on a flow: its options (`O`), what the flow fails with (`E`), where it keeps the token.
 *
 * @since 0.1.0
 * @category Models
 */
export type Flow<S, O, E> = <ES = never, RS = never>(
  options: O & StoreOption<ES, RS>
) => Layer.Layer<S, ES | E | SessionError, HttpClient.HttpClient | RS>

/**
 * What an API's package says of its sessions: its name (for spans), its tags, the checks and signer of a circuit
 * (`C`) for an application's options (`A`), and the settings its flows read.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Dialect<C, A, S, T, R> {
  readonly name: string
  readonly tags: Tags<S, T, R>
  readonly check: (circuit: C, app: A) => Effect.Effect<void, ConfigurationError>
  readonly signer: (
    circuit: C,
    app: A
  ) => (token: Option.Option<Token>) => Effect.Effect<Signer.Service, ConfigurationError>
  readonly settings: Effect.Effect<unknown>
}

/**
 * How a session built on a flow renews (see `renewal`): given its options and its flow.
 *
 * @since 0.1.0
 * @category Models
 */
export type RenewWith<O, E> = (
  options: O,
  flow: Effect.Effect<Token, E, HttpClient.HttpClient>
) => {
  readonly refresh?:
    | ((
      stale: Token,
      refreshToken: Redacted.Redacted<string>
    ) => Effect.Effect<Token, TokenRefresh.RefreshError, HttpClient.HttpClient>)
    | undefined
  readonly reauthorize?: Effect.Effect<Token, TokenRefresh.RefreshError, HttpClient.HttpClient> | undefined
}

/**
 * The constructors of an API's session layers: `given` for a session over a given token (or none), `flow` for one
 * whose token a flow gets and renews.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const constructors = <C, A, S, T, R>(dialect: Dialect<C, A, S, T, R>) => {
  const plan = <EF, RF>(name: string, circuit: C, app: A, obtain: Effect.Effect<Option.Option<Token>, EF, RF>) => ({
    name: `${dialect.name}.${name}`,
    check: dialect.check(circuit, app),
    obtain,
    signer: dialect.signer(circuit, app)
  })
  return {
    given: <O extends A>(
      name: string,
      circuit: C,
      obtain: (options: O) => Effect.Effect<Option.Option<Token>, ConfigurationError>
    ): Given<S | T, O> =>
    (options) => layer(dialect.tags, plan(name, circuit, options, obtain(options)), options.store),
    flow: <O extends A, E>(
      name: string,
      circuit: C,
      obtain: (options: O) => Effect.Effect<Token, E, HttpClient.HttpClient>,
      renew: RenewWith<O, E>
    ): Flow<S | T | R, O, E> =>
    (options) => {
      const flow = obtain(options)
      return layerRenewable(
        dialect.tags,
        plan(name, circuit, options, Effect.map(flow, Option.some)),
        renewal({ ...renew(options, flow), settings: dialect.settings }),
        options.store
      )
    }
  }
}

/**
 * The token of a session over a given access token (a non-empty `Redacted`), with the secret and user id given
 * beside it.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const givenToken = (options: {
  readonly accessToken: Redacted.Redacted<string>
  readonly sessionSecretKey?: Redacted.Redacted<string> | undefined
  readonly userId?: string | undefined
}): Effect.Effect<Option.Option<Token>, ConfigurationError> =>
  Effect.as(
    requireSecret("accessToken", options.accessToken),
    Option.some(
      new TokenM.Token({
        accessToken: options.accessToken,
        ...(isSecret(options.sessionSecretKey) ? { sessionSecretKey: options.sessionSecretKey } : {}),
        ...(options.userId === undefined || options.userId === "" ? {} : { userId: options.userId })
      })
    )
  )

/**
 * The services a session gives its client, read under the session's tags.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Services {
  readonly signer: Signer.Service
  readonly store: TokenStore.Service
  readonly renewal: Option.Option<TokenRefresh.Service>
}

/**
 * Reads the session's services under its tags.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const services = <S, T, R>(tags: Tags<S, T, R>): Effect.Effect<Services, never, S | T> =>
  Effect.all({
    signer: tags.Signer,
    store: tags.TokenStore,
    renewal: Effect.serviceOption(tags.TokenRefresh)
  })
