/**
 * Where the OK.ru client sends its requests and how: the endpoint URLs (the vendor's by default, replaceable for
 * proxies and the emulator), the HTTP verb, the URL form of API calls, the time limit, and the hosts the implicit
 * flow's login walk may send the user's login and password to.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Auth from "@okmail/core/Auth"
import type { ConfigurationError } from "@okmail/core/ConfigurationError"
import * as Settings from "@okmail/core/Settings"

/**
 * The settings of the OK.ru client.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** The `fb.do` endpoint API methods are called on, with a `method` parameter. */
  readonly apiUrl: string
  /** The base of the `/api/<group>/<name>` form of API calls. */
  readonly apiPathUrl: string
  /** The OAuth token endpoint (`/oauth/token.do`). */
  readonly tokenUrl: string
  /** The OAuth authorization page. */
  readonly authorizeUrl: string
  /** Calls `apiPathUrl/<group>/<name>` instead of `apiUrl` with `method=<group.name>`. */
  readonly pathStyle: boolean
  /** `POST` (the default) keeps tokens and signatures in the body, out of URLs and logs. */
  readonly httpMethod: "POST" | "GET"
  /** The time limit of each request. */
  readonly timeout: Duration.Duration
  /** The largest answer a call reads, in bytes; 16 MiB when absent. */
  readonly maxBodyBytes?: number | undefined
  /**
   * The hosts the implicit flow's login walk may send requests to over `https:`: exact names or `*.domain`.
   * The authorize URL's origin (whatever its scheme) and the redirect URI's host are trusted besides.
   */
  readonly loginHosts: ReadonlyArray<string>
}

/**
 * The settings used when none are provided: the vendor's endpoints, `POST`, `fb.do`, 30 seconds, and OK.ru's login
 * hosts: `connect.ok.ru` (the authorize and login pages), `ok.ru` and `www.ok.ru` (where OK.ru's own links and
 * redirects lead), and `oauth.mycdn.me` (the host of the blank redirect page).
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaults: Service = {
  apiUrl: "https://api.ok.ru/fb.do",
  apiPathUrl: "https://api.ok.ru/api",
  tokenUrl: "https://api.ok.ru/oauth/token.do",
  authorizeUrl: "https://connect.ok.ru/oauth/authorize",
  pathStyle: false,
  httpMethod: "POST",
  timeout: Duration.seconds(30),
  loginHosts: Data.array(["connect.ok.ru", "ok.ru", "www.ok.ru", "oauth.mycdn.me"])
}

/**
 * The settings of the OK.ru client; providing them is optional, `defaults` apply otherwise.
 *
 * @since 0.1.0
 * @category Context
 */
export class OkConfig extends Context.Reference<OkConfig>()("@okmail/okru/OkConfig", {
  defaultValue: () => defaults
}) {}

/**
 * Settings to replace; the others keep their defaults.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly apiUrl?: string | undefined
  readonly apiPathUrl?: string | undefined
  readonly tokenUrl?: string | undefined
  readonly authorizeUrl?: string | undefined
  readonly pathStyle?: boolean | undefined
  readonly httpMethod?: "POST" | "GET" | undefined
  readonly timeout?: Duration.DurationInput | undefined
  /** The largest answer a call reads, in bytes (`Settings.defaultMaxBodyBytes`, 16 MiB, unless given). */
  readonly maxBodyBytes?: number | undefined
  readonly loginHosts?: ReadonlyArray<string> | undefined
}

const URL_OPTIONS = ["apiUrl", "apiPathUrl", "tokenUrl", "authorizeUrl"] as const

/**
 * Checks the options and merges them over the defaults: every URL must be absolute `http:` or `https:`, the
 * verb `POST` or `GET`, the time limit a positive duration, each login host a host name or `*.domain`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options = {}): Either.Either<Service, ConfigurationError> =>
  Either.flatMap(Settings.merge(defaults, URL_OPTIONS, options), (merged) =>
    Either.map(
      options.loginHosts === undefined
        ? Either.right(merged.loginHosts)
        : Auth.loginHosts("loginHosts", options.loginHosts),
      (loginHosts) => ({ ...merged, loginHosts, pathStyle: options.pathStyle ?? merged.pathStyle })
    ))

/**
 * Provides the settings with `options` replacing the defaults; malformed options fail the layer with a
 * `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<OkConfig, ConfigurationError> =>
  Layer.effect(OkConfig, make(options))

/**
 * The settings read from the environment: `OK_API_URL`, `OK_API_PATH_URL`, `OK_TOKEN_URL`, `OK_AUTHORIZE_URL`,
 * `OK_PATH_STYLE`, `OK_HTTP_METHOD`, `OK_TIMEOUT`, `OK_MAX_BODY_BYTES`, `OK_LOGIN_HOSTS` (comma-separated), each
 * optional. `Config.nested(config, "SECOND")` reads another set of names.
 *
 * @since 0.1.0
 * @category Config
 */
export const config: Config.Config<Options> = Config.all({
  apiUrl: Settings.optional(Config.string("OK_API_URL")),
  apiPathUrl: Settings.optional(Config.string("OK_API_PATH_URL")),
  tokenUrl: Settings.optional(Config.string("OK_TOKEN_URL")),
  authorizeUrl: Settings.optional(Config.string("OK_AUTHORIZE_URL")),
  pathStyle: Settings.optional(Config.boolean("OK_PATH_STYLE")),
  httpMethod: Settings.optional(Config.literal("POST", "GET")("OK_HTTP_METHOD")),
  timeout: Settings.optional(Config.duration("OK_TIMEOUT")),
  maxBodyBytes: Settings.optional(Config.integer("OK_MAX_BODY_BYTES")),
  loginHosts: Settings.optional(Config.array(Config.string(), "OK_LOGIN_HOSTS"))
})

/**
 * Provides the settings read from a `Config` of options (`config`, the `OK_*` variables, unless given).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  options: Config.Config<Options> = config
): Layer.Layer<OkConfig, ConfigurationError | ConfigError.ConfigError> => Settings.layerConfig(OkConfig, make, options)

/**
 * Provides the settings read from the `OK_*` variables of `config`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerFromEnv: Layer.Layer<OkConfig, ConfigurationError | ConfigError.ConfigError> = layerConfig()
