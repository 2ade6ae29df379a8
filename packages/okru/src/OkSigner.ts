/**
 * The OK.ru request signature, for the three secrets that can sign: the session secret key (client-server), the
 * MD5 of the access token and the application secret key (server-server), and the application secret key alone
 * (calls without a user session).
 *
 * @since 0.1.0
 */
import { ConfigurationError, isSecret, requireText } from "@okmail/core/ConfigurationError"
import * as Params from "@okmail/core/Params"
import * as Signer from "@okmail/core/Signer"
import type { Token } from "@okmail/core/Token"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * The circuits OK.ru signs with.
 *
 * @since 0.1.0
 * @category Models
 */
export type Circuit = "client-server" | "server-server" | "application"

/**
 * The parameters that are sent but never signed.
 *
 * @since 0.1.0
 * @category Signing
 */
export const unsignedKeys: ReadonlyArray<string> = ["sig", "access_token", "session_key"]

/**
 * The signature of wire parameters under a secret: every parameter but `sig`, `access_token` and
 * `session_key`, sorted, joined `key=value`, the secret appended, MD5 in lower-case hex.
 *
 * @since 0.1.0
 * @category Signing
 */
export const signature = (params: Params.WireParams, secret: string): string =>
  Signer.md5Hex(Params.canonicalString(params, unsignedKeys) + secret)

/**
 * The secret of the server-server circuit: `md5(access_token + application_secret_key)`.
 *
 * @since 0.1.0
 * @category Signing
 */
export const serverSecret = (accessToken: string, applicationSecretKey: string): string =>
  Signer.md5Hex(accessToken + applicationSecretKey)

/**
 * What a signer needs: the application's public key, the circuit, and for the server-server and application
 * circuits the application secret key.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly applicationKey: string
  readonly circuit: Circuit
  readonly applicationSecretKey?: Redacted.Redacted<string> | undefined
}

const nonEmpty = (secret: Redacted.Redacted<string> | undefined): secret is Redacted.Redacted<string> =>
  secret !== undefined && Redacted.value(secret) !== ""

const fail = (option: string, detail: string) => Effect.fail(new ConfigurationError({ option, detail }))

/**
 * Builds the signer. `sign` adds `application_key`, `format=json` and, in a session, `access_token`, then
 * `sig`; no value is dropped, whatever it is (`offset=0` is signed and sent).
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options): Signer.Service => {
  const sign = (params: Params.WireParams, token: Option.Option<Token>) => {
    const wire: Params.WireParams = { ...params, application_key: options.applicationKey, format: "json" }
    delete wire["sig"]
    delete wire["access_token"]
    delete wire["session_key"]
    if (options.circuit === "application") {
      if (!nonEmpty(options.applicationSecretKey)) {
        return fail("applicationSecretKey", "a call without a session is signed by the application secret key")
      }
      return Effect.succeed({ ...wire, sig: signature(wire, Redacted.value(options.applicationSecretKey)) })
    }
    if (Option.isNone(token)) {
      return fail("accessToken", "the session holds no access token")
    }
    const accessToken = Redacted.value(token.value.accessToken)
    if (options.circuit === "client-server") {
      const sessionSecretKey = token.value.sessionSecretKey
      if (!nonEmpty(sessionSecretKey)) {
        return fail("sessionSecretKey", "the client-server circuit is signed by the session secret key")
      }
      return Effect.succeed({
        ...wire,
        access_token: accessToken,
        sig: signature(wire, Redacted.value(sessionSecretKey))
      })
    }
    if (!nonEmpty(options.applicationSecretKey)) {
      return fail("applicationSecretKey", "the server-server circuit is signed with the application secret key")
    }
    return Effect.succeed({
      ...wire,
      access_token: accessToken,
      sig: signature(wire, serverSecret(accessToken, Redacted.value(options.applicationSecretKey)))
    })
  }
  return { api: "ok", circuit: options.circuit, sign }
}

/**
 * The circuit of a token session, by the rule of aiookru's `TokenSession`: a non-empty application secret key
 * signs server-server, else a non-empty session secret key signs client-server; with neither the session
 * cannot sign.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const inferCircuit = (
  applicationSecretKey: Redacted.Redacted<string> | undefined,
  token: Token
): Effect.Effect<"client-server" | "server-server", ConfigurationError> =>
  nonEmpty(applicationSecretKey)
    ? Effect.succeed("server-server")
    : nonEmpty(token.sessionSecretKey)
    ? Effect.succeed("client-server")
    : fail(
      "applicationSecretKey",
      "a token session needs a non-empty application secret key (server-server) or session secret key (client-server)"
    )

/**
 * The circuit of a session: named by its layer, or `inferred` from the secrets it holds.
 *
 * @since 0.1.0
 * @category Models
 */
export type SessionCircuit = Circuit | "inferred"

/**
 * The application side of a session: its public key and, for the server-server circuit and calls without a
 * user, its secret key.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Application {
  readonly applicationKey: string
  readonly applicationSecretKey?: Redacted.Redacted<string> | undefined
}

/**
 * Checks what can be checked before a flow runs, so that a session that could never sign logs nobody in.
 *
 * @since 0.1.0
 * @category Sessions
 */
export const check = (circuit: SessionCircuit, app: Application): Effect.Effect<void, ConfigurationError> =>
  Effect.gen(function*() {
    yield* requireText("applicationKey", app.applicationKey)
    if ((circuit === "server-server" || circuit === "application") && !isSecret(app.applicationSecretKey)) {
      return yield* fail(
        "applicationSecretKey",
        circuit === "application"
          ? "a session without a user is signed by the application secret key, which is missing or empty"
          : "the server-server circuit needs the application secret key, which is missing or empty"
      )
    }
  })

/**
 * The signer of a session once its token is known; the `inferred` circuit is resolved by `inferCircuit`.
 *
 * @since 0.1.0
 * @category Sessions
 */
export const forSession = (circuit: SessionCircuit, app: Application) =>
(token: Option.Option<Token>): Effect.Effect<Signer.Service, ConfigurationError> =>
  Effect.gen(function*() {
    const secret = isSecret(app.applicationSecretKey) ? app.applicationSecretKey : undefined
    const applicationKey = app.applicationKey
    if (circuit === "application") return make({ applicationKey, circuit, applicationSecretKey: secret })
    if (Option.isNone(token)) return yield* fail("accessToken", "the session holds no access token")
    const resolved = circuit === "inferred" ? yield* inferCircuit(secret, token.value) : circuit
    if (resolved === "client-server" && !isSecret(token.value.sessionSecretKey)) {
      return yield* fail(
        "sessionSecretKey",
        "the client-server circuit needs the session secret key, which is missing or empty"
      )
    }
    return make({ applicationKey, circuit: resolved, applicationSecretKey: secret })
  })
