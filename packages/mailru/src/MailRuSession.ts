/**
 * The Mail.Ru sessions: one Layer per aiomailru session class (`PublicSession` → `layerPublic`,
 * `RefreshClientSession` → `layerRefreshClient`, …), each providing, under Mail.Ru's own tags, the `Signer` of
 * its circuit and the `TokenStore` of its token, and for a session built on a flow the `TokenRefresh` that renews
 * it with the refresh-token grant (Mail.Ru rotates refresh tokens: the store keeps the current one). A session
 * built from the user's e-mail and password (implicit, password) authorizes again when the refresh token is
 * refused. Core's `Session` builds them; a flow runs when the layer is built, unless the store holds a token,
 * with the settings and HTTP client provided to the layer. Being Mail.Ru's tags, they merge safely with an OK
 * session's.
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
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as MailRuAuth from "./MailRuAuth.js"
import { MailRuConfig } from "./MailRuConfig.js"
import * as MailRuSigner from "./MailRuSigner.js"

/**
 * The signer of the current Mail.Ru session.
 * @since 0.1.0
 * @category Context
 */
export class Signer extends Context.Tag("@okmail/mailru/MailRuSession/Signer")<Signer, CoreSigner.Service>() {}

/**
 * Where the current Mail.Ru session keeps its token.
 * @since 0.1.0
 * @category Context
 */
export class TokenStore
  extends Context.Tag("@okmail/mailru/MailRuSession/TokenStore")<TokenStore, CoreTokenStore.Service>()
{}

/**
 * The token renewal of the current Mail.Ru session, when it can renew its token.
 * @since 0.1.0
 * @category Context
 */
export class TokenRefresh
  extends Context.Tag("@okmail/mailru/MailRuSession/TokenRefresh")<TokenRefresh, CoreTokenRefresh.Service>()
{}

/**
 * Mail.Ru's session tags for core's builders (`TokenRefresh.layerBackground(MailRuSession.tags)`).
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
 * Why a session built on a flow may fail to build.
 * @since 0.1.0
 * @category Errors
 */
export type FlowSessionError = MailRuAuth.FlowError | SessionError

/**
 * The former name of `RenewableSession`.
 * @since 0.1.0
 * @category Models
 */
export type RefreshableSession = RenewableSession

type Plain<O> = CoreSession.Given<Session, O>
type Flow<O> = CoreSession.Flow<RenewableSession, O, FlowSessionError>

const { flow: constructFlow, given: plain } = CoreSession.constructors({
  name: "MailRuSession",
  tags,
  check: MailRuSigner.check,
  signer: MailRuSigner.forSession,
  settings: MailRuConfig
})

const given = (circuit: MailRuSigner.SessionCircuit, name: string): Plain<TokenOptions> =>
  plain(name, circuit, (options: TokenOptions) => CoreSession.givenToken({ ...options, userId: options.uid }))

// Every session on a flow renews with the refresh-token grant when it holds the secret key (the grant's
// client_secret); one built from the user's credentials authorizes again when that is refused or impossible.
const flow = <O extends MailRuSigner.Application>(
  name: string,
  circuit: MailRuSigner.SessionCircuit,
  obtain: (options: O) => Effect.Effect<Token.Token, MailRuAuth.FlowError, HttpClient.HttpClient>,
  credentials: boolean
): Flow<O> =>
  constructFlow(name, circuit, obtain, (options, token) => ({
    refresh: MailRuSigner.nonEmpty(options.secretKey)
      ? (keep: Token.Token, refreshToken: Redacted.Redacted<string>) =>
        MailRuAuth.refresh({ appId: options.appId, secretKey: options.secretKey!, refreshToken, keep })
      : undefined,
    reauthorize: credentials ? token : undefined
  }))

/**
 * The options of a session without a user.
 * @since 0.1.0
 * @category Models
 */
export interface PublicOptions {
  /** Sent as `app_id` with unsigned calls when given. */
  readonly appId?: string | undefined
}

/**
 * The options of a session whose access token is given; which secrets are needed depends on the layer.
 * @since 0.1.0
 * @category Models
 */
export interface TokenOptions extends MailRuSigner.Application {
  readonly accessToken: Redacted.Redacted<string>
}

/**
 * The options of a client-server session whose access token is given.
 * @since 0.1.0
 * @category Models
 */
export interface ClientOptions extends Omit<TokenOptions, "secretKey"> {
  readonly privateKey: Redacted.Redacted<string>
  readonly uid: string
}

/**
 * The options of a server-server session whose access token is given.
 * @since 0.1.0
 * @category Models
 */
export interface ServerOptions extends Omit<TokenOptions, "privateKey" | "secureZero"> {
  readonly secretKey: Redacted.Redacted<string>
}

/**
 * The options of an authorization-code session: the application, its secret key (the `client_secret`, which also
 * renews the token), its private key for the client-server circuit, the code and its redirect URI.
 * @since 0.1.0
 * @category Models
 */
export interface CodeOptions extends FlowApplication, MailRuAuth.AuthorizationCodeOptions {}

/**
 * The options of an implicit session: the user's e-mail and password, the scopes, the private key for the
 * client-server circuit, and the secret key for the server-server circuit and for renewing by the refresh grant.
 * @since 0.1.0
 * @category Models
 */
export interface ImplicitOptions extends Omit<MailRuSigner.Application, "uid">, MailRuAuth.ImplicitOptions {}

/**
 * The options of a password session: the application, its secret key, its private key for the client-server
 * circuit, the user's e-mail and password, the scopes.
 * @since 0.1.0
 * @category Models
 */
export interface PasswordOptions extends FlowApplication, MailRuAuth.PasswordOptions {}

/**
 * The options of a refresh session: the application, its secret key, its private key for the client-server
 * circuit, and the refresh token to start from.
 * @since 0.1.0
 * @category Models
 */
export interface RefreshOptions extends FlowApplication, Omit<MailRuAuth.RefreshOptions, "keep"> {}

type FlowApplication = Omit<MailRuSigner.Application, "uid" | "secretKey">
type ClientSide<O> = O & { readonly privateKey: Redacted.Redacted<string> }
type ServerSide<O> = Omit<O, "privateKey" | "secureZero"> & { readonly secretKey: Redacted.Redacted<string> }

/**
 * aiomailru's `PublicSession`: no user and no signature, for `MailRuClient.publicRequest` and unsigned calls.
 * @since 0.1.0
 * @category Layers
 */
export const layerPublic = <ES = never, RS = never>(
  options: PublicOptions & CoreSession.StoreOption<ES, RS> = {}
): Layer.Layer<Session, ES | SessionError, RS> =>
  CoreSession.layer(
    tags,
    {
      name: "MailRuSession.layerPublic",
      check: Effect.void,
      obtain: Effect.succeedNone,
      signer: () => Effect.succeed(MailRuSigner.make({ circuit: "unsigned", appId: options.appId }))
    },
    options.store
  )

/**
 * aiomailru's `TokenSession`: a given token; a uid and a private key sign client-server, else a secret key
 * server-server, else the layer fails with a `ConfigurationError`.
 * @since 0.1.0
 * @category Layers
 */
export const layerToken: Plain<TokenOptions> = given("inferred", "layerToken")

/**
 * aiomailru's `ClientSession`: a given token and uid, signed with the private key.
 * @since 0.1.0
 * @category Layers
 */
export const layerClient: Plain<ClientOptions> = given("client-server", "layerClient")

/**
 * aiomailru's `ServerSession`: a given token, signed with the secret key (`secure=1`).
 * @since 0.1.0
 * @category Layers
 */
export const layerServer: Plain<ServerOptions> = given("server-server", "layerServer")

const code = <O extends CodeOptions>(name: string, circuit: MailRuSigner.SessionCircuit): Flow<O> =>
  flow(name, circuit, (options: O) => MailRuAuth.authorizationCode(options), false)
const implicit = <O extends ImplicitOptions>(name: string, circuit: MailRuSigner.SessionCircuit): Flow<O> =>
  flow(name, circuit, (options: O) => MailRuAuth.implicit(options), true)
const password = <O extends PasswordOptions>(name: string, circuit: MailRuSigner.SessionCircuit): Flow<O> =>
  flow(name, circuit, (options: O) => MailRuAuth.password(options), true)
const refresh = <O extends RefreshOptions>(name: string, circuit: MailRuSigner.SessionCircuit): Flow<O> =>
  flow(name, circuit, (options: O) => MailRuAuth.refresh(options), false)

/**
 * aiomailru's `CodeSession`: exchanges the code for a token; the private key with the token's uid signs
 * client-server, else the secret key server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerCode = code<CodeOptions>("layerCode", "inferred")

/**
 * aiomailru's `CodeClientSession`: `layerCode`, signed client-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerCodeClient = code<ClientSide<CodeOptions>>("layerCodeClient", "client-server")

/**
 * aiomailru's `CodeServerSession`: `layerCode`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerCodeServer = code<ServerSide<CodeOptions>>("layerCodeServer", "server-server")

/**
 * aiomailru's `ImplicitSession`: logs the user in through the login and permission pages; circuit inferred as in
 * `layerCode`.
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicit = implicit<ImplicitOptions>("layerImplicit", "inferred")

/**
 * aiomailru's `ImplicitClientSession`: `layerImplicit`, signed client-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicitClient = implicit<ClientSide<ImplicitOptions>>("layerImplicitClient", "client-server")

/**
 * aiomailru's `ImplicitServerSession`: `layerImplicit`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerImplicitServer = implicit<ServerSide<ImplicitOptions>>("layerImplicitServer", "server-server")

/**
 * aiomailru's `PasswordSession`: gets a token with the password grant; circuit inferred as in `layerCode`.
 * @since 0.1.0
 * @category Layers
 */
export const layerPassword = password<PasswordOptions>("layerPassword", "inferred")

/**
 * aiomailru's `PasswordClientSession`: `layerPassword`, signed client-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerPasswordClient = password<ClientSide<PasswordOptions>>("layerPasswordClient", "client-server")

/**
 * aiomailru's `PasswordServerSession`: `layerPassword`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerPasswordServer = password<ServerSide<PasswordOptions>>("layerPasswordServer", "server-server")

/**
 * aiomailru's `RefreshSession`: gets a token with the refresh-token grant; circuit inferred as in `layerCode`.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefresh = refresh<RefreshOptions>("layerRefresh", "inferred")

/**
 * aiomailru's `RefreshClientSession`: `layerRefresh`, signed client-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshClient = refresh<ClientSide<RefreshOptions>>("layerRefreshClient", "client-server")

/**
 * aiomailru's `RefreshServerSession`: `layerRefresh`, signed server-server.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServer = refresh<ServerSide<RefreshOptions>>("layerRefreshServer", "server-server")

const appId = Config.string("MAILRU_APP_ID")
const privateKey = Config.redacted("MAILRU_PRIVATE_KEY")
const secretKey = Config.redacted("MAILRU_SECRET_KEY")
const accessToken = Config.redacted("MAILRU_ACCESS_TOKEN")
const refreshToken = Config.redacted("MAILRU_REFRESH_TOKEN")

/**
 * Each session's options from the environment: `MAILRU_APP_ID`, `MAILRU_PRIVATE_KEY`, `MAILRU_SECRET_KEY`,
 * `MAILRU_ACCESS_TOKEN`, `MAILRU_UID`, `MAILRU_REFRESH_TOKEN` (secrets through `Config.redacted`). A `config` option
 * reads other names, e.g. `Config.nested(configs.client, "SECOND")`.
 * @since 0.1.0
 * @category Config
 */
export const configs = {
  public: Config.all({ appId: Settings.optional(appId) }),
  token: Config.all({
    appId,
    accessToken,
    uid: Settings.optional(Config.string("MAILRU_UID")),
    privateKey: Settings.optional(privateKey),
    secretKey: Settings.optional(secretKey)
  }),
  client: Config.all({ appId, privateKey, accessToken, uid: Config.string("MAILRU_UID") }),
  server: Config.all({ appId, secretKey, accessToken, uid: Settings.optional(Config.string("MAILRU_UID")) }),
  refresh: Config.all({ appId, secretKey, refreshToken, privateKey: Settings.optional(privateKey) }),
  refreshClient: Config.all({ appId, privateKey, secretKey, refreshToken }),
  refreshServer: Config.all({ appId, secretKey, refreshToken })
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
export const layerRefreshConfig = CoreSession.configured<RenewableSession, RefreshOptions, FlowSessionError>(
  configs.refresh,
  layerRefresh
)

/**
 * `layerRefreshClient` over `configs.refreshClient`.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshClientConfig = CoreSession.configured<
  RenewableSession,
  ClientSide<RefreshOptions>,
  FlowSessionError
>(configs.refreshClient, layerRefreshClient)

/**
 * `layerRefreshServer` over `configs.refreshServer`.
 * @since 0.1.0
 * @category Layers
 */
export const layerRefreshServerConfig = CoreSession.configured<
  RenewableSession,
  ServerSide<RefreshOptions>,
  FlowSessionError
>(configs.refreshServer, layerRefreshServer)
