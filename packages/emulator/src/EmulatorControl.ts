/**
 * What a test or a demo may do to a running emulator: read its request log, expire or revoke tokens, change a
 * password, issue authorization codes, and inject faults into the next calls of a method or endpoint.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type { Fault } from "./Fault.js"

/**
 * Which API a request or an order concerns.
 *
 * @since 0.1.0
 * @category Models
 */
export type Api = "ok" | "mailru"

/**
 * One request the emulator answered. `method` is the API method (`users.getInfo`) or the endpoint
 * (`oauth/token.do`, `oauth/authorize`, `dk`, `cgi-bin/auth`, `platform/<segments>`); `grant` is the grant
 * type of a token request; `circuit` is the signature circuit the emulator verified; `verdict` is `ok`,
 * `error <code>` for an API error, `oauth <error>`, `page` for a login or permission page, `redirect`, or
 * `fault <kind>`. No token, secret, password or signature is ever recorded.
 *
 * @since 0.1.0
 * @category Models
 */
export interface LogEntry {
  readonly at: number
  readonly api: Api
  readonly endpoint: string
  readonly method: string
  readonly httpMethod: string
  readonly appId?: string | undefined
  readonly uid?: string | undefined
  readonly grant?: string | undefined
  readonly circuit?: "client-server" | "server-server" | "application" | "unsigned" | undefined
  readonly verdict: string
}

/**
 * An order to fail the next `times` (1 by default) requests whose method or endpoint is `target` (`*` for
 * any) with `fault`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Injection {
  readonly api: Api
  readonly target: string
  readonly fault: Fault
  readonly times?: number | undefined
}

/**
 * A request for an authorization code, as the authorize page would give one after the user agreed.
 *
 * @since 0.1.0
 * @category Models
 */
export interface CodeRequest {
  readonly api: Api
  readonly clientId: string
  readonly uid: string
  readonly redirectUri: string
  readonly scopes?: ReadonlyArray<string> | undefined
}

/**
 * A token issued directly, as if a flow had run.
 *
 * @since 0.1.0
 * @category Models
 */
export interface IssuedToken {
  readonly accessToken: string
  readonly refreshToken: string
  readonly sessionSecretKey?: string | undefined
  readonly uid: string
  readonly expiresIn: number
}

/**
 * The operations of the control service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Every request answered so far, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<LogEntry>>
  /** Empties the request log. */
  readonly clearRequests: Effect.Effect<void>
  /** Queues a fault for the next requests of a method or endpoint. */
  readonly inject: (injection: Injection) => Effect.Effect<void>
  /** Drops every queued fault. */
  readonly clearFaults: Effect.Effect<void>
  /** Makes an access token (or refresh token) expired as of now. */
  readonly expireToken: (token: string) => Effect.Effect<void>
  /** Revokes an access token or a refresh token. */
  readonly revokeToken: (token: string) => Effect.Effect<void>
  /** Changes a user's password (OK: by login; Mail.Ru: by e-mail). */
  readonly setPassword: (api: Api, login: string, password: string) => Effect.Effect<void>
  /** Issues an authorization code. */
  readonly issueCode: (request: CodeRequest) => Effect.Effect<string>
  /** Issues an access token with its refresh token (and OK's session secret key). */
  readonly issueToken: (request: Omit<CodeRequest, "redirectUri">) => Effect.Effect<IssuedToken>
}

/**
 * The control service of the emulator in the current context.
 *
 * @since 0.1.0
 * @category Context
 */
export class EmulatorControl extends Context.Tag("@okmail/emulator/EmulatorControl")<EmulatorControl, Service>() {}
