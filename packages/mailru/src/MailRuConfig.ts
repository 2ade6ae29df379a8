/**
 * Where the Mail.Ru client and its authorization flows send their requests and how: the endpoint URLs (the
 * vendor's by default, replaceable for proxies and the emulator), the HTTP verb, the time limit, and the hosts
 * the implicit flow's login walk may send the user's e-mail and password to.
 *
 * @since 0.1.0
 */
import * as Auth from "@okmail/core/Auth"
import type { ConfigurationError } from "@okmail/core/ConfigurationError"
import * as Settings from "@okmail/core/Settings"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"

/**
 * The settings of the Mail.Ru client.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** The REST endpoint API methods are called on, with a `method` parameter. */
  readonly apiUrl: string
  /** The base of the unsigned public requests, `publicUrl/<segments>`. */
  readonly publicUrl: string
  /** The token endpoint of the authorization-code grant. */
  readonly codeTokenUrl: string
  /** The token endpoint of the password and refresh-token grants. */
  readonly tokenUrl: string
  /** The OAuth authorization page. */
  readonly authorizeUrl: string
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
 * The settings used when none are provided: the vendor's endpoints, `POST`, 30 seconds, and Mail.Ru's login hosts:
 * `connect.mail.ru` (the authorize and permission pages, the redirect page), `auth.mail.ru` (where the login
 * form posts, and the recovery page of a blocked user) and `account.mail.ru` (Mail.Ru's newer login pages).
 * `e.mail.ru` (a mere link on the login page) and `appsmail.ru` (the API, not a page) are not login hosts.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaults: Service = {
  apiUrl: "https://appsmail.ru/platform/api",
  publicUrl: "https://appsmail.ru/platform",
  codeTokenUrl: "https://connect.mail.ru/oauth/token",
  tokenUrl: "https://appsmail.ru/oauth/token",
  authorizeUrl: "https://connect.mail.ru/oauth/authorize",
  httpMethod: "POST",
  timeout: Duration.seconds(30),
  loginHosts: Data.array(["connect.mail.ru", "auth.mail.ru", "account.mail.ru"])
}

/**
 * The settings of the Mail.Ru client; providing them is optional, `defaults` apply otherwise.
 *
 * @since 0.1.0
 * @category Context
 */
export class MailRuConfig extends Context.Reference<MailRuConfig>()("@okmail/mailru/MailRuConfig", {
  defaultValue: () => defaults
}) {}

/**
 * Settings to replace; the others keep their defaults. Its URL fields have the names of
 * `Emulator.mailruUrls(baseUrl)`, so that its result can be passed as it is.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly apiUrl?: string | undefined
  readonly publicUrl?: string | undefined
  readonly codeTokenUrl?: string | undefined
  readonly tokenUrl?: string | undefined
  readonly authorizeUrl?: string | undefined
  readonly httpMethod?: "POST" | "GET" | undefined
  readonly timeout?: Duration.DurationInput | undefined
  /** The largest answer a call reads, in bytes (`Settings.defaultMaxBodyBytes`, 16 MiB, unless given). */
  readonly maxBodyBytes?: number | undefined
  readonly loginHosts?: ReadonlyArray<string> | undefined
}

const URL_OPTIONS = ["apiUrl", "publicUrl", "codeTokenUrl", "tokenUrl", "authorizeUrl"] as const

/**
 * Checks the options and merges them over the defaults: every URL must be absolute `http:` or `https:` without
 * query or fragment, the verb `POST` or `GET`, the time limit a positive duration, each login host a host name
 * or `*.domain`.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options = {}): Either.Either<Service, ConfigurationError> =>
  Either.flatMap(Settings.merge(defaults, URL_OPTIONS, options), (merged) =>
    options.loginHosts === undefined
      ? Either.right(merged)
      : Either.map(Auth.loginHosts("loginHosts", options.loginHosts), (loginHosts) => ({ ...merged, loginHosts })))

/**
 * Provides the settings with `options` replacing the defaults; malformed options fail the layer with a
 * `ConfigurationError`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<MailRuConfig, ConfigurationError> =>
  Layer.effect(MailRuConfig, make(options))

/**
 * The settings read from the environment: `MAILRU_API_URL`, `MAILRU_PUBLIC_URL`, `MAILRU_CODE_TOKEN_URL`,
 * `MAILRU_TOKEN_URL`, `MAILRU_AUTHORIZE_URL`, `MAILRU_HTTP_METHOD`, `MAILRU_TIMEOUT`, `MAILRU_MAX_BODY_BYTES`,
 * `MAILRU_LOGIN_HOSTS` (comma-separated), each optional. `Config.nested(config, "SECOND")` reads another set of
 * names.
 *
 * @since 0.1.0
 * @category Config
 */
export const config: Config.Config<Options> = Config.all({
  apiUrl: Settings.optional(Config.string("MAILRU_API_URL")),
  publicUrl: Settings.optional(Config.string("MAILRU_PUBLIC_URL")),
  codeTokenUrl: Settings.optional(Config.string("MAILRU_CODE_TOKEN_URL")),
  tokenUrl: Settings.optional(Config.string("MAILRU_TOKEN_URL")),
  authorizeUrl: Settings.optional(Config.string("MAILRU_AUTHORIZE_URL")),
  httpMethod: Settings.optional(Config.literal("POST", "GET")("MAILRU_HTTP_METHOD")),
  timeout: Settings.optional(Config.duration("MAILRU_TIMEOUT")),
  maxBodyBytes: Settings.optional(Config.integer("MAILRU_MAX_BODY_BYTES")),
  loginHosts: Settings.optional(Config.array(Config.string(), "MAILRU_LOGIN_HOSTS"))
})

/**
 * Provides the settings read from a `Config` of options (`config`, the `MAILRU_*` variables, unless given).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  options: Config.Config<Options> = config
): Layer.Layer<MailRuConfig, ConfigurationError | ConfigError.ConfigError> =>
  Settings.layerConfig(MailRuConfig, make, options)

/**
 * Provides the settings read from the `MAILRU_*` variables of `config`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerFromEnv: Layer.Layer<MailRuConfig, ConfigurationError | ConfigError.ConfigError> = layerConfig()
