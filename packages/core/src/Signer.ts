/**
 * The signing service both APIs implement: which circuit signs, and the wire parameters with the session
 * credential and the signature added.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as internalMd5 from "./internal/md5.js"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { ConfigurationError } from "./ConfigurationError.js"
import type { WireParams } from "./Params.js"
import type { Token } from "./Token.js"

/**
 * Which secret signs:
 * - `client-server`: a secret the user's session holds (OK's session secret key, Mail.Ru's private key with the uid);
 * - `server-server`: a secret only the application's server holds;
 * - `application`: a call without a user session, signed by the application secret (OK);
 * - `unsigned`: public requests that carry no signature (Mail.Ru's public data).
 *
 * @since 0.1.0
 * @category Models
 */
export type Circuit = "client-server" | "server-server" | "application" | "unsigned"

/**
 * The operations of a signer.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  readonly api: string
  readonly circuit: Circuit
  /**
   * The wire parameters to send: `params` with the application id, the session credential and `sig` added.
   * Pure over `token`: the same parameters and token always give the same result.
   */
  readonly sign: (params: WireParams, token: Option.Option<Token>) => Effect.Effect<WireParams, ConfigurationError>
}

/**
 * The signer of the current session.
 *
 * @since 0.1.0
 * @category Context
 */
export class Signer extends Context.Tag("@okmail/core/Signer")<Signer, Service>() {}

/**
 * The MD5 digest of a UTF-8 string in lowercase hex, as both APIs' signatures use it.
 *
 * @since 0.1.0
 * @category Signing
 */
export const md5Hex: (input: string) => string = internalMd5.md5Hex
