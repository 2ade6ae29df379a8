/**
 * The Mail.Ru request signature, for its two circuits: the client-server circuit signs with the user's id and
 * the application's private key, the server-server circuit (`secure=1`) with the application's secret key. The
 * access token travels as `session_key` and, unlike on OK.ru, is signed like any other parameter.
 *
 * @since 0.1.0
 */
import { ConfigurationError } from "@okmail/core/ConfigurationError"
import * as Params from "@okmail/core/Params"
import * as Signer from "@okmail/core/Signer"
import type { Token } from "@okmail/core/Token"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * The circuits Mail.Ru signs with, and `unsigned` for the public requests and calls without any secret.
 *
 * @since 0.1.0
 * @category Models
 */
export type Circuit = "client-server" | "server-server" | "unsigned"

/**
 * The parameters a signer sets itself; a program's own parameters may not name them.
 *
 * @since 0.1.0
 * @category Signing
 */
export const reservedKeys: ReadonlyArray<string> = ["app_id", "session_key", "secure", "sig"]

/**
 * The client-server signature: `md5(uid + canonical parameters + private_key)`, every parameter but `sig` signed.
 *
 * @since 0.1.0
 * @category Signing
 */
export const clientSignature = (params: Params.WireParams, uid: string, privateKey: string): string =>
  Signer.md5Hex(uid + Params.canonicalString(params, ["sig"]) + privateKey)

/**
 * The server-server signature: `md5(canonical parameters + secret_key)`, every parameter but `sig` signed (the
 * parameters must already hold `secure=1`).
 *
 * @since 0.1.0
 * @category Signing
 */
export const serverSignature = (params: Params.WireParams, secretKey: string): string =>
  Signer.md5Hex(Params.canonicalString(params, ["sig"]) + secretKey)

/**
 * What a signer needs. The client-server circuit takes the uid from the session's token (`userId`), else from
 * `uid`; `secureZero` sends (and signs) `secure=0`, as aiomailru did. The unsigned circuit adds `app_id` when
 * it is given and nothing else.
 *
 * @since 0.1.0
 * @category Models
 */
export type Options =
  | {
    readonly circuit: "client-server"
    readonly appId: string
    readonly privateKey: Redacted.Redacted<string>
    readonly uid?: string | undefined
    readonly secureZero?: boolean | undefined
  }
  | {
    readonly circuit: "server-server"
    readonly appId: string
    readonly secretKey: Redacted.Redacted<string>
  }
  | {
    readonly circuit: "unsigned"
    readonly appId?: string | undefined
  }

/**
 * Whether a secret is present and not empty.
 *
 * @since 0.1.0
 * @category Predicates
 */
export const nonEmpty = (secret: Redacted.Redacted<string> | undefined): secret is Redacted.Redacted<string> =>
  secret !== undefined && Redacted.value(secret) !== ""

const fail = (option: string, detail: string) => Effect.fail(new ConfigurationError({ option, detail }))

/**
 * Builds the signer. `sign` adds `app_id`, `session_key` (the access token, when the session has one) and, for
 * the server-server circuit, `secure=1`, then `sig` over all of them; no value is dropped, whatever it is.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options): Signer.Service => {
  const sign = (params: Params.WireParams, token: Option.Option<Token>) => {
    const wire: Params.WireParams = { ...params }
    for (const key of reservedKeys) delete wire[key]
    if (options.circuit === "unsigned") {
      if (options.appId !== undefined && options.appId !== "") wire["app_id"] = options.appId
      return Effect.succeed(wire)
    }
    if (options.appId === "") return fail("appId", "the application id is empty")
    wire["app_id"] = options.appId
    if (Option.isSome(token)) wire["session_key"] = Redacted.value(token.value.accessToken)
    if (options.circuit === "server-server") {
      if (!nonEmpty(options.secretKey)) {
        return fail("secretKey", "the server-server circuit is signed with the application secret key")
      }
      wire["secure"] = "1"
      return Effect.succeed({ ...wire, sig: serverSignature(wire, Redacted.value(options.secretKey)) })
    }
    if (!nonEmpty(options.privateKey)) {
      return fail("privateKey", "the client-server circuit is signed with the application private key")
    }
    const uid = Option.flatMapNullable(token, (t) => t.userId).pipe(
      Option.orElse(() => Option.fromNullable(options.uid)),
      Option.filter((u) => u !== "")
    )
    if (Option.isNone(uid)) return fail("uid", "the client-server circuit is signed with the user's id")
    if (options.secureZero === true) wire["secure"] = "0"
    return Effect.succeed({ ...wire, sig: clientSignature(wire, uid.value, Redacted.value(options.privateKey)) })
  }
  return { api: "mailru", circuit: options.circuit, sign }
}

/**
 * The circuit of a session whose circuit is not named, by the rule of aiomailru's `TokenSession` as this
 * project settled it: a uid and a private key, both non-empty, sign client-server; else a non-empty secret key
 * signs server-server; with neither the session cannot sign.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const inferCircuit = (options: {
  readonly uid?: string | undefined
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey?: Redacted.Redacted<string> | undefined
}): Effect.Effect<"client-server" | "server-server", ConfigurationError> =>
  options.uid !== undefined && options.uid !== "" && nonEmpty(options.privateKey)
    ? Effect.succeed("client-server")
    : nonEmpty(options.secretKey)
    ? Effect.succeed("server-server")
    : fail(
      "secretKey",
      "a session needs a uid and a non-empty private key (client-server) or a non-empty secret key (server-server)"
    )

/**
 * The circuit of a session: named by its layer, or `inferred` from the secrets it holds and the token's uid.
 *
 * @since 0.1.0
 * @category Models
 */
export type SessionCircuit = "client-server" | "server-server" | "inferred"

/**
 * The application side of a session: its id and the secrets its circuits sign with.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Application {
  readonly appId: string
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey?: Redacted.Redacted<string> | undefined
  readonly uid?: string | undefined
  /** Send and sign `secure=0` in the client-server circuit, as aiomailru did. */
  readonly secureZero?: boolean | undefined
}

/**
 * Checks what can be checked before a flow runs, so that a session that could never sign logs nobody in.
 *
 * @since 0.1.0
 * @category Sessions
 */
export const check = (circuit: SessionCircuit, app: Application): Effect.Effect<void, ConfigurationError> => {
  if (app.appId.trim() === "") return fail("appId", "the application id is empty")
  switch (circuit) {
    case "client-server":
      return nonEmpty(app.privateKey)
        ? Effect.void
        : fail("privateKey", "the client-server circuit is signed with the application private key")
    case "server-server":
      return nonEmpty(app.secretKey)
        ? Effect.void
        : fail("secretKey", "the server-server circuit is signed with the application secret key")
    case "inferred":
      return nonEmpty(app.privateKey) || nonEmpty(app.secretKey)
        ? Effect.void
        : fail("secretKey", "a session needs a non-empty private key (with a uid) or a non-empty secret key")
  }
}

/**
 * The signer of a session once its token is known (the token may bring the uid).
 *
 * @since 0.1.0
 * @category Sessions
 */
export const forSession = (circuit: SessionCircuit, app: Application) =>
(token: Option.Option<Token>): Effect.Effect<Signer.Service, ConfigurationError> =>
  Effect.gen(function*() {
    yield* check(circuit, app)
    const fromToken = Option.getOrUndefined(Option.flatMapNullable(token, (t) => t.userId))
    const uid = fromToken !== undefined && fromToken !== "" ? fromToken : app.uid
    const resolved = circuit === "inferred"
      ? yield* inferCircuit({ uid, privateKey: app.privateKey, secretKey: app.secretKey })
      : circuit
    if (resolved === "server-server") return make({ circuit: resolved, appId: app.appId, secretKey: app.secretKey! })
    if (uid === undefined || uid === "") {
      return yield* fail("uid", "the client-server circuit is signed with the user's id, and none is known")
    }
    return make({ circuit: resolved, appId: app.appId, privateKey: app.privateKey!, uid, secureZero: app.secureZero })
  })
