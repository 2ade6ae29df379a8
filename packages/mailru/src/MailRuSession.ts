/**
 * The Mail.Ru sessions: one Layer per session class of aiomailru 0.1.1, each providing the `Signer` and the
 * `TokenStore` of the session, and `TokenRefresh` when the session holds a refresh token it can renew with.
 *
 * A layer built on a flow runs the flow when it is built, unless its store already holds a token (a file or
 * key-value store passed as `store` keeps a session across runs, and the rotated refresh token with it). It
 * renews its token with the refresh-token grant; a session built from the user's e-mail and password (implicit,
 * password) authorizes again with them when the refresh token is refused (`invalid_grant`), while a code or
 * refresh session then fails with the `OAuthError`. A session on a given token does not renew it. Every
 * misconfiguration — a session that could never sign, a missing secret — is a `ConfigurationError` when the
 * layer is built. Whatever a layer acquires lives in the scope it is built in.
 *
 * | aiomailru 0.1.1 | Layer |
 * |---|---|
 * | `PublicSession` | `layerPublic` |
 * | `TokenSession` | `layerToken` (`layerTokenConfig`) |
 * | `ClientSession` | `layerClient` |
 * | `ServerSession` | `layerServer` |
 * | `CodeSession`, `CodeClientSession`, `CodeServerSession` | `layerCode`, `layerCodeClient`, `layerCodeServer` |
 * | `ImplicitSession`, `ImplicitClientSession`, `ImplicitServerSession` | `layerImplicit`, `layerImplicitClient`, `layerImplicitServer` |
 * | `PasswordSession`, `PasswordClientSession`, `PasswordServerSession` | `layerPassword`, `layerPasswordClient`, `layerPasswordServer` |
 * | `RefreshSession`, `RefreshClientSession`, `RefreshServerSession` | `layerRefresh` (`layerRefreshConfig`), `layerRefreshClient`, `layerRefreshServer` |
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type { ConfigurationError } from "@okmail/core/ConfigurationError"
import * as Signer from "@okmail/core/Signer"
import * as Token from "@okmail/core/Token"
import type * as TokenRefresh from "@okmail/core/TokenRefresh"
import * as TokenStore from "@okmail/core/TokenStore"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as session from "./internal/session.js"
import * as MailRuAuth from "./MailRuAuth.js"
import * as MailRuSigner from "./MailRuSigner.js"

/**
 * What every session provides.
 *
 * @since 0.1.0
 * @category Models
 */
export type Session = Signer.Signer | TokenStore.TokenStore

/**
 * What a session that can renew its token provides.
 *
 * @since 0.1.0
 * @category Models
 */
export type RefreshableSession = Session | TokenRefresh.TokenRefresh

/**
 * Where a session keeps its token; an empty memory store unless given.
 *
 * @since 0.1.0
 * @category Models
 */
export interface StoreOptions<E, R> {
  readonly store?: Layer.Layer<TokenStore.TokenStore, E, R> | undefined
}

/**
 * Why a session built on a flow may fail to build.
 *
 * @since 0.1.0
 * @category Errors
 */
export type FlowSessionError = MailRuAuth.FlowError | TokenStore.TokenStoreError

const storeOf = <E, R>(options: StoreOptions<E, R>): Layer.Layer<TokenStore.TokenStore, E, R> =>
  options.store ?? (TokenStore.layerMemory() as Layer.Layer<TokenStore.TokenStore, E, R>)

/**
 * The options of a session without a user.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PublicOptions {
  /** Sent as `app_id` with unsigned calls when given. */
  readonly appId?: string | undefined
}

/**
 * `PublicSession`: no user and no signature, for the public requests (`MailRuClient.publicRequest`) and the
 * unsigned calls.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPublic = <E = never, R = never>(
  options: PublicOptions & StoreOptions<E, R> = {}
): Layer.Layer<Session, E, R> =>
  Layer.succeedContext(
    Context.make(Signer.Signer, MailRuSigner.make({ circuit: "unsigned", appId: options.appId }))
  ).pipe(Layer.provideMerge(storeOf(options)))

/**
 * The options of a session whose access token is given.
 *
 * @since 0.1.0
 * @category Models
 */
export interface TokenOptions {
  readonly appId: string
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey?: Redacted.Redacted<string> | undefined
  readonly accessToken: Redacted.Redacted<string>
  readonly uid?: string | undefined
  /** Send and sign `secure=0` in the client-server circuit, as aiomailru did. */
  readonly secureZero?: boolean | undefined
}

const givenToken = (options: { readonly accessToken: Redacted.Redacted<string>; readonly uid?: string | undefined }) =>
  MailRuSigner.nonEmpty(options.accessToken)
    ? Effect.succeed(
      new Token.Token({
        accessToken: options.accessToken,
        ...(options.uid !== undefined && options.uid !== "" ? { userId: options.uid } : {})
      })
    )
    : session.configurationError("accessToken", "the access token is empty")

/**
 * `TokenSession`: the access token is given, and the circuit is inferred — a uid and a private key sign
 * client-server, else a secret key signs server-server, else the layer fails with a `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerToken = <E = never, R = never>(
  options: TokenOptions & StoreOptions<E, R>
): Layer.Layer<Session, E | ConfigurationError | TokenStore.TokenStoreError, R> =>
  session.plain({ ...options, mode: "infer" }, storeOf(options), givenToken(options))

/**
 * The options of a client-server session whose access token is given.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ClientOptions {
  readonly appId: string
  readonly privateKey: Redacted.Redacted<string>
  readonly accessToken: Redacted.Redacted<string>
  readonly uid: string
  readonly secureZero?: boolean | undefined
}

/**
 * `ClientSession`: the access token and uid are given; calls are signed with the private key.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerClient = <E = never, R = never>(
  options: ClientOptions & StoreOptions<E, R>
): Layer.Layer<Session, E | ConfigurationError | TokenStore.TokenStoreError, R> =>
  session.plain({ ...options, mode: "client-server" }, storeOf(options), givenToken(options))

/**
 * The options of a server-server session whose access token is given.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ServerOptions {
  readonly appId: string
  readonly secretKey: Redacted.Redacted<string>
  readonly accessToken: Redacted.Redacted<string>
  readonly uid?: string | undefined
}

/**
 * `ServerSession`: the access token is given; calls are signed with the secret key (`secure=1`).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerServer = <E = never, R = never>(
  options: ServerOptions & StoreOptions<E, R>
): Layer.Layer<Session, E | ConfigurationError | TokenStore.TokenStoreError, R> =>
  session.plain({ ...options, mode: "server-server" }, storeOf(options), givenToken(options))

const requireGrantSecret = (secretKey: Redacted.Redacted<string> | undefined) =>
  session.requireSecret("secretKey", secretKey, "the token endpoint needs the application secret key (client_secret)")

// A session on a token-endpoint grant: the secret key is the grant's client_secret and renews the token through
// the refresh-token grant, whichever circuit signs. A grant on the user's credentials can be run again when the
// refresh token is refused; a code or a refresh token cannot.
const grantSession = <E, R>(
  spec: session.Spec,
  options: StoreOptions<E, R> & { readonly secretKey: Redacted.Redacted<string> },
  obtain: (
    secretKey: Redacted.Redacted<string>
  ) => Effect.Effect<Token.Token, MailRuAuth.FlowError, HttpClient.HttpClient>,
  { credentials }: { readonly credentials: boolean }
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(requireGrantSecret(options.secretKey), (secretKey) => {
      const flow = obtain(secretKey)
      return session.refreshable(spec, storeOf(options), flow, {
        renew: session.renewWithRefreshToken(spec.appId, secretKey),
        reauthorize: credentials ? flow : undefined
      })
    })
  )

/**
 * The options of an authorization-code session: the application, its secret key (the `client_secret`, which
 * also renews the token), its private key for the client-server circuit, the code and its redirect URI.
 *
 * @since 0.1.0
 * @category Models
 */
export interface CodeOptions {
  readonly appId: string
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey: Redacted.Redacted<string>
  readonly code: Redacted.Redacted<string>
  readonly redirectUri: string
  readonly secureZero?: boolean | undefined
}

const codeSession = <E, R>(mode: session.Mode, options: CodeOptions & StoreOptions<E, R>) =>
  grantSession(
    { ...options, mode },
    options,
    (secretKey) =>
      MailRuAuth.authorizationCode({
        appId: options.appId,
        secretKey,
        code: options.code,
        redirectUri: options.redirectUri
      }),
    { credentials: false }
  )

/**
 * `CodeSession`: exchanges the authorization code for a token; the circuit is inferred (the private key with the
 * token's uid signs client-server, else the secret key server-server).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerCode = <E = never, R = never>(
  options: CodeOptions & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> => codeSession("infer", options)

/**
 * `CodeClientSession`: exchanges the authorization code for a token; calls are signed client-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerCodeClient = <E = never, R = never>(
  options: CodeOptions & { readonly privateKey: Redacted.Redacted<string> } & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  codeSession("client-server", options)

/**
 * `CodeServerSession`: exchanges the authorization code for a token; calls are signed server-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerCodeServer = <E = never, R = never>(
  options: Omit<CodeOptions, "privateKey" | "secureZero"> & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  codeSession("server-server", options)

/**
 * The options of an implicit session: the application, the user's e-mail and password, the scopes, the private
 * key for the client-server circuit, and the secret key for the server-server circuit. With a secret key the
 * token is renewed through the refresh-token grant, and by walking the login pages again when the refresh token
 * is refused; without one, always by walking the login pages again.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ImplicitOptions {
  readonly appId: string
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey?: Redacted.Redacted<string> | undefined
  readonly email: string
  readonly password: Redacted.Redacted<string>
  readonly scope?: ReadonlyArray<MailRuAuth.Scope | (string & {})> | undefined
  readonly redirectUri?: string | undefined
  readonly secureZero?: boolean | undefined
}

const implicitSession = <E, R>(
  mode: session.Mode,
  options: ImplicitOptions & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> => {
  const flow = MailRuAuth.implicit({
    appId: options.appId,
    email: options.email,
    password: options.password,
    scope: options.scope,
    redirectUri: options.redirectUri
  })
  const secretKey = options.secretKey
  return session.refreshable({ ...options, mode }, storeOf(options), flow, {
    renew: MailRuSigner.nonEmpty(secretKey) ? session.renewWithRefreshToken(options.appId, secretKey) : () => flow,
    reauthorize: flow
  })
}

/**
 * `ImplicitSession`: logs the user in through the login and permission pages; the circuit is inferred (the
 * private key with the token's uid signs client-server, else the secret key server-server).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicit = <E = never, R = never>(
  options: ImplicitOptions & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  implicitSession("infer", options)

/**
 * `ImplicitClientSession`: logs the user in through the login and permission pages; calls are signed
 * client-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicitClient = <E = never, R = never>(
  options: ImplicitOptions & { readonly privateKey: Redacted.Redacted<string> } & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  implicitSession("client-server", options)

/**
 * `ImplicitServerSession`: logs the user in through the login and permission pages; calls are signed
 * server-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicitServer = <E = never, R = never>(
  options: Omit<ImplicitOptions, "privateKey" | "secureZero"> & { readonly secretKey: Redacted.Redacted<string> } &
    StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  implicitSession("server-server", options)

/**
 * The options of a password session: the application, its secret key (the `client_secret`, which also renews
 * the token), its private key for the client-server circuit, the user's e-mail and password, the scopes. When
 * the refresh token is refused, the session gets a new token with the password grant.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PasswordOptions {
  readonly appId: string
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey: Redacted.Redacted<string>
  readonly email: string
  readonly password: Redacted.Redacted<string>
  readonly scope?: ReadonlyArray<MailRuAuth.Scope | (string & {})> | undefined
  readonly secureZero?: boolean | undefined
}

const passwordSession = <E, R>(mode: session.Mode, options: PasswordOptions & StoreOptions<E, R>) =>
  grantSession(
    { ...options, mode },
    options,
    (secretKey) =>
      MailRuAuth.password({
        appId: options.appId,
        secretKey,
        email: options.email,
        password: options.password,
        scope: options.scope
      }),
    { credentials: true }
  )

/**
 * `PasswordSession`: gets a token with the password grant; the circuit is inferred.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPassword = <E = never, R = never>(
  options: PasswordOptions & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  passwordSession("infer", options)

/**
 * `PasswordClientSession`: gets a token with the password grant; calls are signed client-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPasswordClient = <E = never, R = never>(
  options: PasswordOptions & { readonly privateKey: Redacted.Redacted<string> } & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  passwordSession("client-server", options)

/**
 * `PasswordServerSession`: gets a token with the password grant; calls are signed server-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPasswordServer = <E = never, R = never>(
  options: Omit<PasswordOptions, "privateKey" | "secureZero"> & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  passwordSession("server-server", options)

/**
 * The options of a refresh session: the application, its secret key, its private key for the client-server
 * circuit, and the refresh token to start from.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RefreshOptions {
  readonly appId: string
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
  readonly secureZero?: boolean | undefined
}

const refreshSession = <E, R>(mode: session.Mode, options: RefreshOptions & StoreOptions<E, R>) =>
  grantSession(
    { ...options, mode },
    options,
    (secretKey) => MailRuAuth.refresh({ appId: options.appId, secretKey, refreshToken: options.refreshToken }),
    { credentials: false }
  )

/**
 * `RefreshSession`: gets a token with the refresh-token grant (when the store holds none yet); the circuit is
 * inferred. Mail.Ru rotates the refresh token at each renewal: the store keeps the current one.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefresh = <E = never, R = never>(
  options: RefreshOptions & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  refreshSession("infer", options)

/**
 * `RefreshClientSession`: gets a token with the refresh-token grant; calls are signed client-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshClient = <E = never, R = never>(
  options: RefreshOptions & { readonly privateKey: Redacted.Redacted<string> } & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  refreshSession("client-server", options)

/**
 * `RefreshServerSession`: gets a token with the refresh-token grant; calls are signed server-server.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServer = <E = never, R = never>(
  options: Omit<RefreshOptions, "privateKey" | "secureZero"> & StoreOptions<E, R>
): Layer.Layer<RefreshableSession, E | FlowSessionError, R | HttpClient.HttpClient> =>
  refreshSession("server-server", options)

const optionalRedacted = (name: string) =>
  Config.map(Config.option(Config.redacted(name)), Option.getOrUndefined)

const optionalString = (name: string) => Config.map(Config.option(Config.string(name)), Option.getOrUndefined)

/**
 * `TokenSession` configured from the environment: `MAILRU_APP_ID`, `MAILRU_ACCESS_TOKEN`, and `MAILRU_UID` with
 * `MAILRU_PRIVATE_KEY` (client-server) or `MAILRU_SECRET_KEY` (server-server).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerTokenConfig = <E = never, R = never>(
  options: StoreOptions<E, R> = {}
): Layer.Layer<Session, E | ConfigurationError | TokenStore.TokenStoreError | ConfigError.ConfigError, R> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        appId: Config.string("MAILRU_APP_ID"),
        accessToken: Config.redacted("MAILRU_ACCESS_TOKEN"),
        uid: optionalString("MAILRU_UID"),
        privateKey: optionalRedacted("MAILRU_PRIVATE_KEY"),
        secretKey: optionalRedacted("MAILRU_SECRET_KEY")
      }),
      (read) => layerToken({ ...read, store: options.store })
    )
  )

/**
 * `RefreshSession` configured from the environment: `MAILRU_APP_ID`, `MAILRU_SECRET_KEY`,
 * `MAILRU_REFRESH_TOKEN`, and `MAILRU_PRIVATE_KEY` for the client-server circuit.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshConfig = <E = never, R = never>(
  options: StoreOptions<E, R> = {}
): Layer.Layer<RefreshableSession, E | FlowSessionError | ConfigError.ConfigError, R | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        appId: Config.string("MAILRU_APP_ID"),
        secretKey: Config.redacted("MAILRU_SECRET_KEY"),
        refreshToken: Config.redacted("MAILRU_REFRESH_TOKEN"),
        privateKey: optionalRedacted("MAILRU_PRIVATE_KEY")
      }),
      (read) => layerRefresh({ ...read, store: options.store })
    )
  )

/**
 * `PublicSession` configured from the environment: `MAILRU_APP_ID`, optional, sent with unsigned calls.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPublicConfig = <E = never, R = never>(
  options: StoreOptions<E, R> = {}
): Layer.Layer<Session, E | ConfigError.ConfigError, R> =>
  Layer.unwrapEffect(
    Effect.map(optionalString("MAILRU_APP_ID"), (appId) => layerPublic({ appId, store: options.store }))
  )

/**
 * `ClientSession` configured from the environment: `MAILRU_APP_ID`, `MAILRU_PRIVATE_KEY`, `MAILRU_ACCESS_TOKEN`,
 * `MAILRU_UID`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerClientConfig = <E = never, R = never>(
  options: StoreOptions<E, R> = {}
): Layer.Layer<Session, E | ConfigurationError | TokenStore.TokenStoreError | ConfigError.ConfigError, R> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        appId: Config.string("MAILRU_APP_ID"),
        privateKey: Config.redacted("MAILRU_PRIVATE_KEY"),
        accessToken: Config.redacted("MAILRU_ACCESS_TOKEN"),
        uid: Config.string("MAILRU_UID")
      }),
      (read) => layerClient({ ...read, store: options.store })
    )
  )

/**
 * `ServerSession` configured from the environment: `MAILRU_APP_ID`, `MAILRU_SECRET_KEY`, `MAILRU_ACCESS_TOKEN`,
 * and `MAILRU_UID` when known.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerServerConfig = <E = never, R = never>(
  options: StoreOptions<E, R> = {}
): Layer.Layer<Session, E | ConfigurationError | TokenStore.TokenStoreError | ConfigError.ConfigError, R> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        appId: Config.string("MAILRU_APP_ID"),
        secretKey: Config.redacted("MAILRU_SECRET_KEY"),
        accessToken: Config.redacted("MAILRU_ACCESS_TOKEN"),
        uid: optionalString("MAILRU_UID")
      }),
      (read) => layerServer({ ...read, store: options.store })
    )
  )

/**
 * `RefreshClientSession` configured from the environment: `MAILRU_APP_ID`, `MAILRU_PRIVATE_KEY`,
 * `MAILRU_SECRET_KEY`, `MAILRU_REFRESH_TOKEN`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshClientConfig = <E = never, R = never>(
  options: StoreOptions<E, R> = {}
): Layer.Layer<RefreshableSession, E | FlowSessionError | ConfigError.ConfigError, R | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        appId: Config.string("MAILRU_APP_ID"),
        privateKey: Config.redacted("MAILRU_PRIVATE_KEY"),
        secretKey: Config.redacted("MAILRU_SECRET_KEY"),
        refreshToken: Config.redacted("MAILRU_REFRESH_TOKEN")
      }),
      (read) => layerRefreshClient({ ...read, store: options.store })
    )
  )

/**
 * `RefreshServerSession` configured from the environment: `MAILRU_APP_ID`, `MAILRU_SECRET_KEY`,
 * `MAILRU_REFRESH_TOKEN`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServerConfig = <E = never, R = never>(
  options: StoreOptions<E, R> = {}
): Layer.Layer<RefreshableSession, E | FlowSessionError | ConfigError.ConfigError, R | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(
      Config.all({
        appId: Config.string("MAILRU_APP_ID"),
        secretKey: Config.redacted("MAILRU_SECRET_KEY"),
        refreshToken: Config.redacted("MAILRU_REFRESH_TOKEN")
      }),
      (read) => layerRefreshServer({ ...read, store: options.store })
    )
  )
