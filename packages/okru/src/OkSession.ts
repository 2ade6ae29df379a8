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
import * as CoreSession from "@okmail/core/Session"
import * as Settings from "@okmail/core/Settings"
import type * as CoreSigner from "@okmail/core/Signer"
import * as Token from "@okmail/core/Token"
import type * as CoreTokenRefresh from "@okmail/core/TokenRefresh"
import type * as CoreTokenStore from "@okmail/core/TokenStore"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
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

type Plain<O> = CoreSession.Given<Session, O>

const { flow, given: plain } = CoreSession.constructors({
  name: "OkSession",
  tags,
  check: OkSigner.check,
  signer: OkSigner.forSession,
  settings: OkConfig
})

const given = (options: TokenOptions) => CoreSession.givenToken(options)

// OK.ru keeps the refresh token: the renewed token carries the stale one's.
const refreshGrant = (grant: OkAuth.RefreshGrant) => ({
  refresh: (keep: Token.Token, refreshToken: Redacted.Redacted<string>) =>
    OkAuth.refresh({ ...grant, refreshToken, keep })
})

// Without a refresh token, a session built from a login and password renews by logging in again, which also
// replaces a token the API calls invalid. Each login walks the pages in a browser of its own.
const loginAgain = <E extends CoreTokenRefresh.RefreshError>(
  _: unknown,
  reauthorize: Effect.Effect<Token.Token, E, HttpClient.HttpClient>
) => ({ reauthorize })

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

const code = (name: string, circuit: OkSigner.SessionCircuit) =>
  flow<CodeOptions, GrantError>(name, circuit, OkAuth.authorizationCode, refreshGrant)
const implicit = <O extends ImplicitOptions>(name: string, circuit: OkSigner.SessionCircuit) =>
  flow<O, OkAuth.ImplicitError>(name, circuit, OkAuth.implicit, loginAgain)
const password = (name: string, circuit: OkSigner.SessionCircuit) =>
  flow<PasswordOptions, PasswordError>(name, circuit, OkAuth.password, loginAgain)
const refresh = (name: string, circuit: OkSigner.SessionCircuit) =>
  flow<RefreshOptions, GrantError>(name, circuit, OkAuth.refresh, refreshGrant)

/**
 * aiookru's `CodeSession`: exchanges the code for a token, circuit inferred as in `layerToken`; renews it with its
 * refresh token before it expires and when the API says the session expired.
 * @since 0.1.0
 * @category Layers
 */
export const layerCode = code("layerCode", "inferred")

/**
 * aiookru's `CodeServerSession`: `layerCode`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerCodeServer = code("layerCodeServer", "server-server")

/**
 * aiookru's `ImplicitSession`: logs in through the login and permission pages, circuit inferred as in
 * `layerToken`; renews by logging in again before the token expires or when the API says it expired or is invalid.
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicit = implicit<ImplicitOptions>("layerImplicit", "inferred")

/**
 * aiookru's `ImplicitClientSession`: `layerImplicit`, signed with the session secret key the redirect gives.
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicitClient = implicit<Omit<ImplicitOptions, "applicationSecretKey">>(
  "layerImplicitClient",
  "client-server"
)

/**
 * aiookru's `PasswordSession`: logs in with `auth.login`, circuit inferred as in `layerToken`; renews by logging
 * in again when the API says the session expired or is invalid.
 * @since 0.1.0
 * @category Layers
 */
export const layerPassword = password("layerPassword", "inferred")

/**
 * aiookru's `PasswordClientSession`: `layerPassword`, signed with the session secret key `auth.login` answers.
 * @since 0.1.0
 * @category Layers
 */
export const layerPasswordClient = password("layerPasswordClient", "client-server")

/**
 * aiookru's `RefreshSession`: gets a token with the refresh token, circuit inferred as in `layerToken`; renews it
 * the same way before it expires and when the API says the session expired.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefresh = refresh("layerRefresh", "inferred")

/**
 * aiookru's `RefreshServerSession`: `layerRefresh`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServer = refresh("layerRefreshServer", "server-server")

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
export const configs = {
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
 * `layerPublic` over `configs.public`.
 * @since 0.1.0
 * @category Layers
 */
export const layerPublicConfig = CoreSession.configured(configs.public, layerPublic)

/**
 * `layerToken` over `configs.token`.
 * @since 0.1.0
 * @category Layers
 */
export const layerTokenConfig = CoreSession.configured(configs.token, layerToken)

/**
 * `layerClient` over `configs.client`.
 * @since 0.1.0
 * @category Layers
 */
export const layerClientConfig = CoreSession.configured(configs.client, layerClient)

/**
 * `layerServer` over `configs.server`.
 * @since 0.1.0
 * @category Layers
 */
export const layerServerConfig = CoreSession.configured(configs.server, layerServer)

/**
 * `layerRefresh` over `configs.refresh`.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshConfig = CoreSession.configured<RenewableSession, RefreshOptions, GrantError>(
  configs.refresh,
  layerRefresh
)

/**
 * `layerRefreshServer` over `configs.refresh`.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServerConfig = CoreSession.configured<RenewableSession, RefreshOptions, GrantError>(
  configs.refresh,
  layerRefreshServer
)
