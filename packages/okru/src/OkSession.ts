/**
 * The OK.ru sessions: one Layer per aiookru session class (`PublicSession` → `layerPublic`, `CodeServerSession`
 * → `layerCodeServer`, …), each providing, under OK's own tags, the `Signer` of its circuit and the `TokenStore`
 * of its token, and for a session built on a flow the `TokenRefresh` that renews it: by the refresh-token grant
 * (code, refresh), or by logging in again (implicit, password: OK.ru gives those no refresh token). Core's
 * `Session` builds them; a flow runs when the layer is built, unless the store holds a token, with the settings
 * and HTTP client provided to the layer. Being OK's tags, they merge safely with a Mail.Ru session's.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { type ConfigurationError, isSecret, requireSecret } from "@okmail/core/ConfigurationError"
import * as CoreSession from "@okmail/core/Session"
import * as Settings from "@okmail/core/Settings"
import type * as CoreSigner from "@okmail/core/Signer"
import * as Token from "@okmail/core/Token"
import type * as CoreTokenRefresh from "@okmail/core/TokenRefresh"
import type * as CoreTokenStore from "@okmail/core/TokenStore"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as OkAuth from "./OkAuth.js"
import { OkConfig } from "./OkConfig.js"
import * as OkSigner from "./OkSigner.js"

/**
 * The signer of the current OK.ru session.
 * @since 0.1.0
 * @category Context
 */
export class Signer extends Context.Tag("@okmail/okru/OkSession/Signer")<Signer, CoreSigner.Service>() {}

/**
 * Where the current OK.ru session keeps its token.
 * @since 0.1.0
 * @category Context
 */
export class TokenStore
  extends Context.Tag("@okmail/okru/OkSession/TokenStore")<TokenStore, CoreTokenStore.Service>()
{}

/**
 * The token renewal of the current OK.ru session, when it can renew its token.
 * @since 0.1.0
 * @category Context
 */
export class TokenRefresh
  extends Context.Tag("@okmail/okru/OkSession/TokenRefresh")<TokenRefresh, CoreTokenRefresh.Service>()
{}

/**
 * OK's session tags for core's builders (`TokenRefresh.layerBackground(OkSession.tags)`).
 * @since 0.1.0
 * @category Context
 */
export const tags: CoreSession.Tags<Signer, TokenStore, TokenRefresh> = { Signer, TokenStore, TokenRefresh }

/**
 * What every session provides.
 * @since 0.1.0
 * @category Models
 */
export type Session = Signer | TokenStore

/**
 * What a session that can renew its token provides.
 * @since 0.1.0
 * @category Models
 */
export type RenewableSession = Session | TokenRefresh

/**
 * Where a session keeps its token (`store`): any `TokenStore` layer, memory by default.
 * @since 0.1.0
 * @category Models
 */
export type StoreOption<ES, RS> = CoreSession.StoreOption<ES, RS>

/**
 * What every session can fail with when its layer is built, besides its flow's own errors.
 * @since 0.1.0
 * @category Errors
 */
export type SessionError = CoreSession.SessionError

/**
 * What building an authorization-code or refresh session can fail with.
 * @since 0.1.0
 * @category Errors
 */
export type GrantError = OkAuth.GrantError | SessionError

/**
 * What building a password session can fail with.
 * @since 0.1.0
 * @category Errors
 */
export type PasswordError = OkAuth.PasswordError | SessionError

const plan = <EF, RF>(
  name: string,
  circuit: OkSigner.SessionCircuit,
  app: OkSigner.Application,
  obtain: Effect.Effect<Option.Option<Token.Token>, EF, RF>
): CoreSession.Plan<EF, RF> => ({
  name: `OkSession.${name}`,
  check: OkSigner.check(circuit, app),
  obtain,
  signer: OkSigner.forSession(circuit, app)
})

type Plain<O> = <ES = never, RS = never>(options: O & StoreOption<ES, RS>) => Layer.Layer<Session, ES | SessionError, RS>

const plain = <O extends OkSigner.Application>(
  name: string,
  circuit: OkSigner.SessionCircuit,
  obtain: (options: O) => Effect.Effect<Option.Option<Token.Token>, ConfigurationError>
): Plain<O> =>
(options) => CoreSession.layer(tags, plan(name, circuit, options, obtain(options)), options.store)

type Flow<O, E> = <ES = never, RS = never>(
  options: O & StoreOption<ES, RS>
) => Layer.Layer<RenewableSession, ES | E | SessionError, HttpClient.HttpClient | RS>

const flow = <O extends OkSigner.Application, E>(
  name: string,
  circuit: OkSigner.SessionCircuit,
  obtain: (options: O) => Effect.Effect<Token.Token, E, HttpClient.HttpClient>,
  renew: (options: O, obtain: Effect.Effect<Token.Token, E, HttpClient.HttpClient>) => CoreSession.Renewal<
    HttpClient.HttpClient
  >
): Flow<O, E> =>
(options) => {
  const token = obtain(options)
  return CoreSession.layerRenewable(
    tags,
    plan(name, circuit, options, Effect.map(token, Option.some)),
    renew(options, token),
    options.store
  )
}

// OK.ru keeps the refresh token: the renewed token carries the stale one's.
const refreshGrant = (grant: OkAuth.RefreshGrant) =>
  CoreSession.renewal({
    refresh: (keep, refreshToken) => OkAuth.refresh({ ...grant, refreshToken, keep }),
    settings: OkConfig
  })

// Without a refresh token, a session built from a login and password renews by logging in again, which also
// replaces a token the API calls invalid. Each login walks the pages in a browser of its own.
const loginAgain = (
  _: unknown,
  reauthorize: Effect.Effect<Token.Token, CoreTokenRefresh.RefreshError, HttpClient.HttpClient>
) => CoreSession.renewal({ reauthorize, settings: OkConfig })

const given = (options: TokenOptions) =>
  Effect.as(
    requireSecret("accessToken", options.accessToken),
    Option.some(
      new Token.Token({
        accessToken: options.accessToken,
        ...(isSecret(options.sessionSecretKey) ? { sessionSecretKey: options.sessionSecretKey } : {}),
        ...(options.userId === undefined ? {} : { userId: options.userId })
      })
    )
  )

/**
 * The options of a session without a user: the application's public and secret keys.
 * @since 0.1.0
 * @category Models
 */
export interface PublicOptions {
  readonly applicationKey: string
  readonly applicationSecretKey: Redacted.Redacted<string>
}

/**
 * The options of a session over a given token; which secrets are needed depends on the layer.
 * @since 0.1.0
 * @category Models
 */
export interface TokenOptions extends OkSigner.Application {
  readonly accessToken: Redacted.Redacted<string>
  readonly sessionSecretKey?: Redacted.Redacted<string> | undefined
  readonly userId?: string | undefined
}

/**
 * The options of a client-server session over a given token.
 * @since 0.1.0
 * @category Models
 */
export interface ClientOptions extends Omit<TokenOptions, "applicationSecretKey"> {
  readonly sessionSecretKey: Redacted.Redacted<string>
}

/**
 * The options of a server-server session over a given token.
 * @since 0.1.0
 * @category Models
 */
export interface ServerOptions extends Omit<TokenOptions, "sessionSecretKey"> {
  readonly applicationSecretKey: Redacted.Redacted<string>
}

/**
 * The options of an authorization-code session.
 * @since 0.1.0
 * @category Models
 */
export interface CodeOptions extends OkAuth.CodeOptions {
  readonly applicationKey: string
}

/**
 * The options of an implicit session: the user's login and password go through OK.ru's login and permission
 * pages; with the application secret key the session signs server-server.
 * @since 0.1.0
 * @category Models
 */
export interface ImplicitOptions extends Omit<OkAuth.ImplicitOptions, "state"> {
  readonly applicationKey: string
  readonly applicationSecretKey?: Redacted.Redacted<string> | undefined
}

/**
 * The options of a password session (`auth.login`); the application secret key, when given, signs `auth.login`
 * and makes `layerPassword` sign server-server.
 * @since 0.1.0
 * @category Models
 */
export type PasswordOptions = OkAuth.PasswordOptions

/**
 * The options of a refresh session.
 * @since 0.1.0
 * @category Models
 */
export interface RefreshOptions extends OkAuth.RefreshGrant {
  readonly applicationKey: string
  readonly refreshToken: Redacted.Redacted<string>
}

/**
 * aiookru's `PublicSession`: calls without a user session, signed by the application secret key.
 * @since 0.1.0
 * @category Layers
 */
export const layerPublic: Plain<PublicOptions> = plain("layerPublic", "application", () => Effect.succeedNone)

/**
 * aiookru's `TokenSession`: a given token; a non-empty application secret key signs server-server, else a
 * non-empty session secret key client-server, else the layer fails with a `ConfigurationError`.
 * @since 0.1.0
 * @category Layers
 */
export const layerToken: Plain<TokenOptions> = plain("layerToken", "inferred", given)

/**
 * aiookru's `ClientSession`: a given token signed by its session secret key (client-server circuit).
 * @since 0.1.0
 * @category Layers
 */
export const layerClient: Plain<ClientOptions> = plain("layerClient", "client-server", given)

/**
 * aiookru's `ServerSession`: a given token signed by `md5(access_token + application_secret_key)`.
 * @since 0.1.0
 * @category Layers
 */
export const layerServer: Plain<ServerOptions> = plain("layerServer", "server-server", given)

/**
 * aiookru's `CodeSession`: exchanges the code for a token, circuit inferred as in `layerToken`; renews it with its
 * refresh token before it expires and when the API says the session expired.
 * @since 0.1.0
 * @category Layers
 */
export const layerCode: Flow<CodeOptions, GrantError> = flow<CodeOptions, GrantError>(
  "layerCode",
  "inferred",
  OkAuth.authorizationCode,
  refreshGrant
)

/**
 * aiookru's `CodeServerSession`: `layerCode`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerCodeServer: Flow<CodeOptions, GrantError> = flow<CodeOptions, GrantError>(
  "layerCodeServer",
  "server-server",
  OkAuth.authorizationCode,
  refreshGrant
)

/**
 * aiookru's `ImplicitSession`: logs in through the login and permission pages, circuit inferred as in
 * `layerToken`; renews by logging in again before the token expires or when the API says it expired or is invalid.
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicit: Flow<ImplicitOptions, OkAuth.ImplicitError> = flow<ImplicitOptions, OkAuth.ImplicitError>(
  "layerImplicit",
  "inferred",
  OkAuth.implicit,
  loginAgain
)

/**
 * aiookru's `ImplicitClientSession`: `layerImplicit`, signed with the session secret key the redirect gives.
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicitClient: Flow<Omit<ImplicitOptions, "applicationSecretKey">, OkAuth.ImplicitError> = flow<Omit<ImplicitOptions, "applicationSecretKey">, OkAuth.ImplicitError>(
  "layerImplicitClient",
  "client-server",
  OkAuth.implicit,
  loginAgain
)

/**
 * aiookru's `PasswordSession`: logs in with `auth.login`, circuit inferred as in `layerToken`; renews by logging
 * in again when the API says the session expired or is invalid.
 * @since 0.1.0
 * @category Layers
 */
export const layerPassword: Flow<PasswordOptions, PasswordError> = flow<PasswordOptions, PasswordError>(
  "layerPassword",
  "inferred",
  OkAuth.password,
  loginAgain
)

/**
 * aiookru's `PasswordClientSession`: `layerPassword`, signed with the session secret key `auth.login` answers.
 * @since 0.1.0
 * @category Layers
 */
export const layerPasswordClient: Flow<PasswordOptions, PasswordError> = flow<PasswordOptions, PasswordError>(
  "layerPasswordClient",
  "client-server",
  OkAuth.password,
  loginAgain
)

const refreshFlow = (options: RefreshOptions) =>
  OkAuth.refresh({
    applicationId: options.applicationId,
    applicationSecretKey: options.applicationSecretKey,
    refreshToken: options.refreshToken
  })

/**
 * aiookru's `RefreshSession`: gets a token with the refresh token, circuit inferred as in `layerToken`; renews it
 * the same way before it expires and when the API says the session expired.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefresh: Flow<RefreshOptions, GrantError> = flow<RefreshOptions, GrantError>("layerRefresh", "inferred", refreshFlow, refreshGrant)

/**
 * aiookru's `RefreshServerSession`: `layerRefresh`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServer: Flow<RefreshOptions, GrantError> = flow<RefreshOptions, GrantError>(
  "layerRefreshServer",
  "server-server",
  refreshFlow,
  refreshGrant
)

const applicationKey = Config.string("OK_APPLICATION_KEY")
const applicationSecretKey = Config.redacted("OK_APPLICATION_SECRET_KEY")
const accessToken = Config.redacted("OK_ACCESS_TOKEN")
const sessionSecretKey = Config.redacted("OK_SESSION_SECRET_KEY")

/**
 * Each session's options from the environment: `OK_APPLICATION_ID`, `OK_APPLICATION_KEY`,
 * `OK_APPLICATION_SECRET_KEY`, `OK_ACCESS_TOKEN`, `OK_SESSION_SECRET_KEY`, `OK_REFRESH_TOKEN` (secrets through
 * `Config.redacted`). A `config` option reads other names, e.g. `Config.nested(configs.server, "SECOND")`.
 * @since 0.1.0
 * @category Config
 */
export const configs: {
  readonly public: Config.Config<PublicOptions>
  readonly token: Config.Config<TokenOptions>
  readonly client: Config.Config<ClientOptions>
  readonly server: Config.Config<ServerOptions>
  readonly refresh: Config.Config<RefreshOptions>
} = {
  public: Config.all({ applicationKey, applicationSecretKey }),
  token: Config.all({
    applicationKey,
    accessToken,
    applicationSecretKey: Settings.optional(applicationSecretKey),
    sessionSecretKey: Settings.optional(sessionSecretKey)
  }),
  client: Config.all({ applicationKey, accessToken, sessionSecretKey }),
  server: Config.all({ applicationKey, applicationSecretKey, accessToken }),
  refresh: Config.all({
    applicationId: Config.string("OK_APPLICATION_ID"),
    applicationKey,
    applicationSecretKey,
    refreshToken: Config.redacted("OK_REFRESH_TOKEN")
  })
}

/**
 * The options of a session read from a `Config`: `store`, and `config` to read instead of `configs`.
 * @since 0.1.0
 * @category Models
 */
export type ConfigOptions<A, ES, RS> = CoreSession.ConfigOptions<A, ES, RS>

type Configured<O, S, E, R = never> = <ES = never, RS = never>(
  options?: ConfigOptions<O, ES, RS>
) => Layer.Layer<S, ES | E | ConfigError.ConfigError, RS | R>

/**
 * `layerPublic` over `configs.public`.
 * @since 0.1.0
 * @category Layers
 */
export const layerPublicConfig: Configured<PublicOptions, Session, SessionError> = (options = {}) =>
  CoreSession.layerConfig(configs.public, options, layerPublic)

/**
 * `layerToken` over `configs.token`.
 * @since 0.1.0
 * @category Layers
 */
export const layerTokenConfig: Configured<TokenOptions, Session, SessionError> = (options = {}) =>
  CoreSession.layerConfig(configs.token, options, layerToken)

/**
 * `layerClient` over `configs.client`.
 * @since 0.1.0
 * @category Layers
 */
export const layerClientConfig: Configured<ClientOptions, Session, SessionError> = (options = {}) =>
  CoreSession.layerConfig(configs.client, options, layerClient)

/**
 * `layerServer` over `configs.server`.
 * @since 0.1.0
 * @category Layers
 */
export const layerServerConfig: Configured<ServerOptions, Session, SessionError> = (options = {}) =>
  CoreSession.layerConfig(configs.server, options, layerServer)

/**
 * `layerRefresh` over `configs.refresh`.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshConfig: Configured<RefreshOptions, RenewableSession, GrantError, HttpClient.HttpClient> = (
  options = {}
) => CoreSession.layerConfig(configs.refresh, options, layerRefresh)

/**
 * `layerRefreshServer` over `configs.refresh`.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServerConfig: Configured<
  RefreshOptions,
  RenewableSession,
  GrantError,
  HttpClient.HttpClient
> = (options = {}) => CoreSession.layerConfig(configs.refresh, options, layerRefreshServer)
