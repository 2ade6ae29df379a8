/**
 * The OK.ru sessions: one Layer per session class of aiookru, each providing the `Signer` of its circuit and
 * the `TokenStore` holding its token, and for every session built on a flow the `TokenRefresh` that renews it:
 * with the refresh-token grant (authorization code, refresh token), or by logging in again (implicit, password),
 * since OK.ru gives those no refresh token. A session over a given token cannot renew it: an expired or invalid
 * token reaches the caller as the typed API error.
 *
 * A layer built on a flow runs the flow when it is built, unless its store already holds a token. It is
 * scoped: what it acquires (a renewal in flight, and with it the login browser of an implicit renewal) is
 * released when the scope closes.
 *
 * | aiookru 0.1.1 | Layer |
 * |---|---|
 * | `PublicSession` | `layerPublic` |
 * | `TokenSession` | `layerToken` |
 * | `ClientSession` | `layerClient` |
 * | `ServerSession` | `layerServer` |
 * | `CodeSession` | `layerCode` |
 * | `CodeServerSession` | `layerCodeServer` |
 * | `ImplicitSession` | `layerImplicit` |
 * | `ImplicitClientSession` | `layerImplicitClient` |
 * | `PasswordSession` | `layerPassword` |
 * | `PasswordClientSession` | `layerPasswordClient` |
 * | `RefreshSession` | `layerRefresh` |
 * | `RefreshServerSession` | `layerRefreshServer` |
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as ApiError from "@okmail/core/ApiError"
import * as AuthError from "@okmail/core/AuthError"
import { ConfigurationError, requireSecret, requireText } from "@okmail/core/ConfigurationError"
import { redactUrl } from "@okmail/core/Endpoint"
import type { UnexpectedResultError } from "@okmail/core/ResultError"
import * as Signer from "@okmail/core/Signer"
import * as Token from "@okmail/core/Token"
import * as TokenRefresh from "@okmail/core/TokenRefresh"
import * as TokenStore from "@okmail/core/TokenStore"
import type { TransportError } from "@okmail/core/TransportError"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as OkAuth from "./OkAuth.js"
import { OkConfig } from "./OkConfig.js"
import * as OkSigner from "./OkSigner.js"

/**
 * Where a session keeps its token: any `TokenStore` layer, memory by default. When the store already holds a
 * token, the session's flow is not run again.
 *
 * @since 0.1.0
 * @category Models
 */
export interface StoreOption<ES, RS> {
  readonly store?: Layer.Layer<TokenStore.TokenStore, ES, RS> | undefined
}

/**
 * What every session built on a flow can fail with when its layer is built, besides the flow's own errors.
 *
 * @since 0.1.0
 * @category Errors
 */
export type SessionError = ConfigurationError | TokenStore.TokenStoreError

type Circuit = OkSigner.Circuit | "inferred"

const secretOf = (secret: Redacted.Redacted<string> | undefined) =>
  secret !== undefined && Redacted.isRedacted(secret) && Redacted.value(secret) !== "" ? secret : undefined

// Checked before any flow runs, so that a session that could never sign fails before it logs anybody in.
const checkApplication = (circuit: Circuit, applicationKey: string, secret: Redacted.Redacted<string> | undefined) =>
  Effect.gen(function*() {
    yield* requireText("applicationKey", applicationKey)
    if ((circuit === "server-server" || circuit === "application") && secretOf(secret) === undefined) {
      return yield* new ConfigurationError({
        option: "applicationSecretKey",
        detail: circuit === "application"
          ? "a session without a user is signed by the application secret key, which is missing or empty"
          : "the server-server circuit needs the application secret key, which is missing or empty"
      })
    }
  })

const signerFor = (
  circuit: Circuit,
  applicationKey: string,
  secret: Redacted.Redacted<string> | undefined,
  token: Option.Option<Token.Token>
): Effect.Effect<Signer.Service, ConfigurationError> =>
  Effect.gen(function*() {
    if (circuit === "application") {
      return OkSigner.make({ applicationKey, circuit, applicationSecretKey: secret })
    }
    if (Option.isNone(token)) {
      return yield* new ConfigurationError({ option: "accessToken", detail: "the session holds no access token" })
    }
    const resolved = circuit === "inferred" ? yield* OkSigner.inferCircuit(secretOf(secret), token.value) : circuit
    if (resolved === "client-server" && secretOf(token.value.sessionSecretKey) === undefined) {
      return yield* new ConfigurationError({
        option: "sessionSecretKey",
        detail: "the client-server circuit needs the session secret key, which is missing or empty"
      })
    }
    return OkSigner.make({ applicationKey, circuit: resolved, applicationSecretKey: secretOf(secret) })
  })

const sessionContext = <EF, RF>(
  circuit: Circuit,
  applicationKey: string,
  secret: Redacted.Redacted<string> | undefined,
  obtain: Effect.Effect<Option.Option<Token.Token>, EF, RF>
) =>
  Effect.gen(function*() {
    yield* checkApplication(circuit, applicationKey, secret)
    const store = yield* TokenStore.TokenStore
    const stored = yield* store.get
    let token = stored
    if (Option.isNone(stored)) {
      token = yield* obtain
      if (Option.isSome(token)) yield* store.set(token.value)
    }
    const signer = yield* signerFor(circuit, applicationKey, secret, token)
    return Context.make(Signer.Signer, signer)
  })

const withStore = <A, E, R, ES, RS>(
  session: Layer.Layer<A, E, R>,
  store: Layer.Layer<TokenStore.TokenStore, ES, RS> | undefined
): Layer.Layer<A | TokenStore.TokenStore, E | ES, Exclude<R, TokenStore.TokenStore> | RS> =>
  Layer.provideMerge(session, store ?? (TokenStore.layerMemory() as Layer.Layer<TokenStore.TokenStore, ES, RS>))

const plain = <EF, RF, ES, RS>(
  circuit: Circuit,
  applicationKey: string,
  secret: Redacted.Redacted<string> | undefined,
  obtain: Effect.Effect<Option.Option<Token.Token>, EF, RF>,
  store: Layer.Layer<TokenStore.TokenStore, ES, RS> | undefined
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore,
  EF | ES | SessionError,
  Exclude<Exclude<RF, Scope.Scope>, TokenStore.TokenStore> | RS
> =>
  withStore(
    Layer.scopedContext(sessionContext(circuit, applicationKey, secret, obtain)) as Layer.Layer<
      Signer.Signer,
      EF | SessionError,
      Exclude<RF, Scope.Scope> | TokenStore.TokenStore
    >,
    store
  )

interface Renewal {
  /** Checked before any flow runs, like the application's own options. */
  readonly check: Effect.Effect<void, ConfigurationError>
  readonly renew: (stale: Token.Token) => Effect.Effect<Token.Token, TokenRefresh.RefreshError, HttpClient.HttpClient>
  readonly reauthorizes: boolean
}

const renewable = <EF, RF, ES, RS>(
  circuit: Circuit,
  applicationKey: string,
  secret: Redacted.Redacted<string> | undefined,
  obtain: Effect.Effect<Option.Option<Token.Token>, EF, RF>,
  renewal: Renewal,
  store: Layer.Layer<TokenStore.TokenStore, ES, RS> | undefined
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  EF | ES | SessionError,
  Exclude<Exclude<RF, Scope.Scope>, TokenStore.TokenStore> | RS | HttpClient.HttpClient
> =>
  withStore(
    Layer.scopedContext(Effect.gen(function*() {
      yield* renewal.check
      const context = yield* sessionContext(circuit, applicationKey, secret, obtain)
      // The renewal runs with the client and settings the layer was built with, not those of whoever calls.
      const http = yield* HttpClient.HttpClient
      const config = yield* OkConfig
      // It runs in the layer's scope: closing the scope interrupts one in flight.
      const refresh = yield* TokenRefresh.make(
        (stale) =>
          renewal.renew(stale).pipe(
            Effect.provideService(HttpClient.HttpClient, http),
            Effect.provideService(OkConfig, config)
          ),
        { reauthorizes: renewal.reauthorizes }
      )
      return Context.add(context, TokenRefresh.TokenRefresh, refresh)
    })) as Layer.Layer<
      Signer.Signer | TokenRefresh.TokenRefresh,
      EF | SessionError,
      Exclude<RF, Scope.Scope> | TokenStore.TokenStore | HttpClient.HttpClient
    >,
    store
  )

interface Grant {
  readonly applicationId: string
  readonly applicationSecretKey: Redacted.Redacted<string>
}

// OK.ru keeps the refresh token: the renewed token carries the stale one's.
const refreshGrant = (grant: Grant): Renewal => ({
  check: Effect.zipRight(
    requireText("applicationId", grant.applicationId),
    requireSecret("applicationSecretKey", grant.applicationSecretKey)
  ),
  renew: (stale) =>
    stale.refreshToken === undefined
      ? Effect.fail(
        new ConfigurationError({ option: "refreshToken", detail: "the session's token has no refresh token" })
      )
      : OkAuth.refresh({
        applicationId: grant.applicationId,
        applicationSecretKey: grant.applicationSecretKey,
        refreshToken: stale.refreshToken,
        keep: stale
      }),
  reauthorizes: false
})

// OK.ru gives a session built from a login and password no refresh token: it renews by logging in again, which
// also replaces a token the API calls invalid.
const loginAgain = (
  login: Effect.Effect<Token.Token, TokenRefresh.RefreshError, HttpClient.HttpClient>
): Renewal => ({ check: Effect.void, renew: () => login, reauthorizes: true })

const givenToken = (options: {
  readonly accessToken: Redacted.Redacted<string>
  readonly sessionSecretKey?: Redacted.Redacted<string> | undefined
  readonly userId?: string | undefined
}) =>
  Effect.map(requireSecret("accessToken", options.accessToken), () =>
    Option.some(
      new Token.Token({
        accessToken: options.accessToken,
        ...(secretOf(options.sessionSecretKey) === undefined ? {} : { sessionSecretKey: options.sessionSecretKey }),
        ...(options.userId === undefined ? {} : { userId: options.userId })
      })
    ))

// ---------------------------------------------------------------------------------------------------------------
// Sessions over a given token
// ---------------------------------------------------------------------------------------------------------------

/**
 * The options of a session without a user: the application's public and secret keys.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PublicOptions {
  readonly applicationKey: string
  readonly applicationSecretKey: Redacted.Redacted<string>
}

/**
 * aiookru's `PublicSession`: calls without a user session, signed by the application secret key.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPublic = <ES = never, RS = never>(
  options: PublicOptions & StoreOption<ES, RS>
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError, RS> =>
  plain("application", options.applicationKey, options.applicationSecretKey, Effect.succeed(Option.none()), options.store)

/**
 * The options of a session over a token given as it is. Which secrets are needed depends on the layer.
 *
 * @since 0.1.0
 * @category Models
 */
export interface TokenOptions {
  readonly applicationKey: string
  readonly accessToken: Redacted.Redacted<string>
  readonly applicationSecretKey?: Redacted.Redacted<string> | undefined
  readonly sessionSecretKey?: Redacted.Redacted<string> | undefined
  readonly userId?: string | undefined
}

/**
 * aiookru's `TokenSession`: a given token, the circuit inferred — a non-empty application secret key signs
 * server-server, else a non-empty session secret key signs client-server, else the layer fails with a
 * `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerToken = <ES = never, RS = never>(
  options: TokenOptions & StoreOption<ES, RS>
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError, RS> =>
  plain("inferred", options.applicationKey, options.applicationSecretKey, givenToken(options), options.store)

/**
 * The options of a client-server session over a given token.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ClientOptions {
  readonly applicationKey: string
  readonly accessToken: Redacted.Redacted<string>
  readonly sessionSecretKey: Redacted.Redacted<string>
  readonly userId?: string | undefined
}

/**
 * aiookru's `ClientSession`: a given token signed by its session secret key (client-server circuit).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerClient = <ES = never, RS = never>(
  options: ClientOptions & StoreOption<ES, RS>
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError, RS> =>
  plain("client-server", options.applicationKey, undefined, givenToken(options), options.store)

/**
 * The options of a server-server session over a given token.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ServerOptions {
  readonly applicationKey: string
  readonly applicationSecretKey: Redacted.Redacted<string>
  readonly accessToken: Redacted.Redacted<string>
  readonly userId?: string | undefined
}

/**
 * aiookru's `ServerSession`: a given token signed by `md5(access_token + application_secret_key)`
 * (server-server circuit).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerServer = <ES = never, RS = never>(
  options: ServerOptions & StoreOption<ES, RS>
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError, RS> =>
  plain("server-server", options.applicationKey, options.applicationSecretKey, givenToken(options), options.store)

// ---------------------------------------------------------------------------------------------------------------
// Sessions over a flow
// ---------------------------------------------------------------------------------------------------------------

/**
 * The options of an authorization-code session.
 *
 * @since 0.1.0
 * @category Models
 */
export interface CodeOptions {
  readonly applicationId: string
  readonly applicationKey: string
  readonly applicationSecretKey: Redacted.Redacted<string>
  readonly code: Redacted.Redacted<string>
  readonly redirectUri: string
}

/**
 * What building an authorization-code or refresh session can fail with.
 *
 * @since 0.1.0
 * @category Errors
 */
export type GrantError = AuthError.OAuthError | AuthError.LoginPageError | TransportError | SessionError

const codeFlow = (options: CodeOptions) => Effect.map(OkAuth.authorizationCode(options), Option.some)

/**
 * aiookru's `CodeSession`: exchanges the authorization code for a token, circuit inferred as in `layerToken`
 * (the code grant needs the application secret key, so it signs server-server); renews the token with its
 * refresh token before it expires and when the API says the session expired.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerCode = <ES = never, RS = never>(
  options: CodeOptions & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | GrantError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "inferred",
    options.applicationKey,
    options.applicationSecretKey,
    codeFlow(options),
    refreshGrant(options),
    options.store
  )

/**
 * aiookru's `CodeServerSession`: exchanges the authorization code for a token and signs server-server; renews
 * the token with its refresh token before it expires and when the API says the session expired.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerCodeServer = <ES = never, RS = never>(
  options: CodeOptions & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | GrantError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "server-server",
    options.applicationKey,
    options.applicationSecretKey,
    codeFlow(options),
    refreshGrant(options),
    options.store
  )

/**
 * The options of an implicit session: the user's login and password go through OK.ru's login and permission
 * pages. The application secret key is optional: with it the session signs server-server.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ImplicitOptions {
  readonly applicationId: string
  readonly applicationKey: string
  readonly applicationSecretKey?: Redacted.Redacted<string> | undefined
  readonly login: string
  readonly password: Redacted.Redacted<string>
  readonly scopes?: ReadonlyArray<OkAuth.Scope> | undefined
  readonly redirectUri?: string | undefined
}

// A fresh login browser each time the flow runs, its cookie jar released as soon as the token is read.
const implicitLogin = (options: ImplicitOptions) =>
  OkAuth.implicit({
    applicationId: options.applicationId,
    login: options.login,
    password: options.password,
    scopes: options.scopes,
    redirectUri: options.redirectUri
  })

/**
 * aiookru's `ImplicitSession`: logs in through the login and permission pages, circuit inferred as in
 * `layerToken`. OK.ru gives it no refresh token, so it renews its token by logging in again, through a fresh
 * login browser, when the token is about to expire or the API says the session expired or is invalid.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicit = <ES = never, RS = never>(
  options: ImplicitOptions & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | OkAuth.ImplicitError | SessionError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "inferred",
    options.applicationKey,
    options.applicationSecretKey,
    Effect.map(implicitLogin(options), Option.some),
    loginAgain(implicitLogin(options)),
    options.store
  )

/**
 * aiookru's `ImplicitClientSession`: logs in through the login and permission pages and signs with the session
 * secret key the redirect gives (client-server circuit); renews its token by logging in again, as
 * `layerImplicit` does.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicitClient = <ES = never, RS = never>(
  options: Omit<ImplicitOptions, "applicationSecretKey"> & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | OkAuth.ImplicitError | SessionError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "client-server",
    options.applicationKey,
    undefined,
    Effect.map(implicitLogin(options), Option.some),
    loginAgain(implicitLogin(options)),
    options.store
  )

/**
 * The options of a password session (`auth.login`). The application secret key, when given, signs `auth.login`
 * and makes a `layerPassword` session sign server-server.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PasswordOptions {
  readonly applicationKey: string
  readonly applicationSecretKey?: Redacted.Redacted<string> | undefined
  readonly login: string
  readonly password: Redacted.Redacted<string>
}

/**
 * What building a password session can fail with.
 *
 * @since 0.1.0
 * @category Errors
 */
export type PasswordError =
  | AuthError.WrongCredentialsError
  | ApiError.ApiError
  | TransportError
  | UnexpectedResultError
  | SessionError

// A renewal fails with a `RefreshError`: to it, auth.login answering without a session is a login not understood.
const passwordRenewal = (options: PasswordOptions) =>
  loginAgain(
    OkAuth.password(options).pipe(
      Effect.catchTag("UnexpectedResultError", (error) =>
        Effect.flatMap(OkConfig, (config) =>
          new AuthError.LoginPageError({
            api: "ok",
            url: redactUrl(new URL(config.apiUrl)),
            step: error.method,
            detail: error.detail
          })))
    )
  )

/**
 * aiookru's `PasswordSession`: logs in with `auth.login`, circuit inferred as in `layerToken`. OK.ru gives it
 * no refresh token, so it renews its token by logging in again when the API says the session expired or is
 * invalid; a password changed meanwhile fails the renewal with `WrongCredentialsError`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPassword = <ES = never, RS = never>(
  options: PasswordOptions & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | PasswordError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "inferred",
    options.applicationKey,
    options.applicationSecretKey,
    Effect.map(OkAuth.password(options), Option.some),
    passwordRenewal(options),
    options.store
  )

/**
 * aiookru's `PasswordClientSession`: logs in with `auth.login` and signs with the session secret key it answers
 * (client-server circuit); renews its token by logging in again, as `layerPassword` does.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPasswordClient = <ES = never, RS = never>(
  options: PasswordOptions & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | PasswordError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "client-server",
    options.applicationKey,
    undefined,
    Effect.map(OkAuth.password(options), Option.some),
    passwordRenewal(options),
    options.store
  )

/**
 * The options of a refresh session.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RefreshOptions {
  readonly applicationId: string
  readonly applicationKey: string
  readonly applicationSecretKey: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
}

const refreshFlow = (options: RefreshOptions) =>
  Effect.map(
    OkAuth.refresh({
      applicationId: options.applicationId,
      applicationSecretKey: options.applicationSecretKey,
      refreshToken: options.refreshToken
    }),
    Option.some
  )

/**
 * aiookru's `RefreshSession`: gets a token with the refresh token, circuit inferred as in `layerToken`; renews
 * it the same way before it expires and when the API says the session expired.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefresh = <ES = never, RS = never>(
  options: RefreshOptions & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | GrantError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "inferred",
    options.applicationKey,
    options.applicationSecretKey,
    refreshFlow(options),
    refreshGrant(options),
    options.store
  )

/**
 * aiookru's `RefreshServerSession`: gets a token with the refresh token and signs server-server; renews it the
 * same way before it expires and when the API says the session expired.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServer = <ES = never, RS = never>(
  options: RefreshOptions & StoreOption<ES, RS>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | GrantError,
  HttpClient.HttpClient | RS
> =>
  renewable(
    "server-server",
    options.applicationKey,
    options.applicationSecretKey,
    refreshFlow(options),
    refreshGrant(options),
    options.store
  )

// ---------------------------------------------------------------------------------------------------------------
// Sessions read from the environment
// ---------------------------------------------------------------------------------------------------------------

const applicationKey = Config.string("OK_APPLICATION_KEY")
const applicationId = Config.string("OK_APPLICATION_ID")
const applicationSecretKey = Config.redacted("OK_APPLICATION_SECRET_KEY")
const accessToken = Config.redacted("OK_ACCESS_TOKEN")
const sessionSecretKey = Config.redacted("OK_SESSION_SECRET_KEY")
const refreshToken = Config.redacted("OK_REFRESH_TOKEN")

const optional = <A>(config: Config.Config<A>) => Config.map(Config.option(config), Option.getOrUndefined)

const fromConfig = <A, ROut, E, R>(
  config: Config.Config<A>,
  make: (options: A) => Layer.Layer<ROut, E, R>
): Layer.Layer<ROut, E | ConfigError.ConfigError, R> => Layer.unwrapEffect(Effect.map(config, make))

/**
 * `layerPublic` with `OK_APPLICATION_KEY` and `OK_APPLICATION_SECRET_KEY` read from the environment.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPublicConfig = <ES = never, RS = never>(
  options: StoreOption<ES, RS> = {}
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError | ConfigError.ConfigError, RS> =>
  fromConfig(
    Config.all({ applicationKey, applicationSecretKey }),
    (read) => layerPublic({ ...read, store: options.store })
  )

/**
 * `layerToken` with `OK_APPLICATION_KEY`, `OK_ACCESS_TOKEN` and the optional `OK_APPLICATION_SECRET_KEY` and
 * `OK_SESSION_SECRET_KEY` read from the environment.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerTokenConfig = <ES = never, RS = never>(
  options: StoreOption<ES, RS> = {}
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError | ConfigError.ConfigError, RS> =>
  fromConfig(
    Config.all({
      applicationKey,
      accessToken,
      applicationSecretKey: optional(applicationSecretKey),
      sessionSecretKey: optional(sessionSecretKey)
    }),
    (read) => layerToken({ ...read, store: options.store })
  )

/**
 * `layerClient` with `OK_APPLICATION_KEY`, `OK_ACCESS_TOKEN` and `OK_SESSION_SECRET_KEY` read from the
 * environment.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerClientConfig = <ES = never, RS = never>(
  options: StoreOption<ES, RS> = {}
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError | ConfigError.ConfigError, RS> =>
  fromConfig(
    Config.all({ applicationKey, accessToken, sessionSecretKey }),
    (read) => layerClient({ ...read, store: options.store })
  )

/**
 * `layerServer` with `OK_APPLICATION_KEY`, `OK_APPLICATION_SECRET_KEY` and `OK_ACCESS_TOKEN` read from the
 * environment.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerServerConfig = <ES = never, RS = never>(
  options: StoreOption<ES, RS> = {}
): Layer.Layer<Signer.Signer | TokenStore.TokenStore, ES | SessionError | ConfigError.ConfigError, RS> =>
  fromConfig(
    Config.all({ applicationKey, applicationSecretKey, accessToken }),
    (read) => layerServer({ ...read, store: options.store })
  )

const refreshConfig = Config.all({ applicationId, applicationKey, applicationSecretKey, refreshToken })

/**
 * `layerRefresh` with `OK_APPLICATION_ID`, `OK_APPLICATION_KEY`, `OK_APPLICATION_SECRET_KEY` and
 * `OK_REFRESH_TOKEN` read from the environment.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshConfig = <ES = never, RS = never>(
  options: StoreOption<ES, RS> = {}
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | GrantError | ConfigError.ConfigError,
  HttpClient.HttpClient | RS
> => fromConfig(refreshConfig, (read) => layerRefresh({ ...read, store: options.store }))

/**
 * `layerRefreshServer` with `OK_APPLICATION_ID`, `OK_APPLICATION_KEY`, `OK_APPLICATION_SECRET_KEY` and
 * `OK_REFRESH_TOKEN` read from the environment.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServerConfig = <ES = never, RS = never>(
  options: StoreOption<ES, RS> = {}
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  ES | GrantError | ConfigError.ConfigError,
  HttpClient.HttpClient | RS
> => fromConfig(refreshConfig, (read) => layerRefreshServer({ ...read, store: options.store }))
