import * as HttpClient from "@effect/platform/HttpClient"
import { ConfigurationError } from "@okmail/core/ConfigurationError"
import * as Signer from "@okmail/core/Signer"
import type { Token } from "@okmail/core/Token"
import * as TokenRefresh from "@okmail/core/TokenRefresh"
import * as TokenStore from "@okmail/core/TokenStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { MailRuConfig } from "../MailRuConfig.js"
import * as MailRuAuth from "../MailRuAuth.js"
import * as MailRuSigner from "../MailRuSigner.js"

/** Which circuit a session signs with: named by its class, or inferred from the secrets it was given. */
export type Mode = "infer" | "client-server" | "server-server"

/** The application side of a session: its id, its secrets and how it picks its circuit. */
export interface Spec {
  readonly appId: string
  readonly mode: Mode
  readonly privateKey?: Redacted.Redacted<string> | undefined
  readonly secretKey?: Redacted.Redacted<string> | undefined
  readonly uid?: string | undefined
  readonly secureZero?: boolean | undefined
}

const fail = (option: string, detail: string) => Effect.fail(new ConfigurationError({ option, detail }))

/** What can be checked before a flow runs, so that a session that could never sign does not log anyone in. */
export const precheck = (spec: Spec): Effect.Effect<void, ConfigurationError> => {
  if (spec.appId.trim() === "") return fail("appId", "the application id is empty")
  switch (spec.mode) {
    case "client-server":
      return MailRuSigner.nonEmpty(spec.privateKey)
        ? Effect.void
        : fail("privateKey", "the client-server circuit is signed with the application private key")
    case "server-server":
      return MailRuSigner.nonEmpty(spec.secretKey)
        ? Effect.void
        : fail("secretKey", "the server-server circuit is signed with the application secret key")
    case "infer":
      return MailRuSigner.nonEmpty(spec.privateKey) || MailRuSigner.nonEmpty(spec.secretKey)
        ? Effect.void
        : fail("secretKey", "a session needs a non-empty private key (with a uid) or a non-empty secret key")
  }
}

/** The signer of a session once its token is known (the token may bring the uid). */
export const signerFor = (spec: Spec, token: Token): Effect.Effect<Signer.Service, ConfigurationError> =>
  Effect.gen(function*() {
    yield* precheck(spec)
    const uid = token.userId !== undefined && token.userId !== "" ? token.userId : spec.uid
    const circuit = spec.mode === "infer"
      ? yield* MailRuSigner.inferCircuit({ uid, privateKey: spec.privateKey, secretKey: spec.secretKey })
      : spec.mode
    if (circuit === "server-server") {
      return MailRuSigner.make({ circuit, appId: spec.appId, secretKey: spec.secretKey! })
    }
    if (uid === undefined || uid === "") {
      return yield* fail("uid", "the client-server circuit is signed with the user's id, and none is known")
    }
    return MailRuSigner.make({
      circuit,
      appId: spec.appId,
      privateKey: spec.privateKey!,
      uid,
      secureZero: spec.secureZero
    })
  })

/** The token the store holds, or the one the flow gets (then stored): a stored token is never replaced. */
const currentOrObtain = <E, R>(obtain: Effect.Effect<Token, E, R>) =>
  Effect.gen(function*() {
    const store = yield* TokenStore.TokenStore
    const stored = yield* store.get
    if (Option.isSome(stored)) return stored.value
    const token = yield* obtain
    yield* store.set(token)
    return token
  })

/** A session that cannot renew its token: `Signer` + `TokenStore`. */
export const plain = <E, R, EF, RF>(
  spec: Spec,
  store: Layer.Layer<TokenStore.TokenStore, E, R>,
  obtain: Effect.Effect<Token, EF, RF>
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore,
  E | EF | ConfigurationError | TokenStore.TokenStoreError,
  R | Exclude<RF, TokenStore.TokenStore>
> =>
  Layer.scopedContext(
    Effect.gen(function*() {
      yield* precheck(spec)
      const token = yield* currentOrObtain(obtain)
      const signer = yield* signerFor(spec, token)
      return Context.make(Signer.Signer, signer)
    })
  ).pipe(Layer.provideMerge(store))

/** How a session gets a new token: `renew` it, or `reauthorize` with the user's credentials when it can. */
export interface Renewal {
  readonly renew: (stale: Token) => Effect.Effect<Token, TokenRefresh.RefreshError, HttpClient.HttpClient>
  readonly reauthorize?: Effect.Effect<Token, TokenRefresh.RefreshError, HttpClient.HttpClient> | undefined
}

// The OAuth server answers invalid_grant for a refresh token that was revoked, expired or already used.
const refused = (error: TokenRefresh.RefreshError) => error._tag === "OAuthError" && error.error === "invalid_grant"

// A session built from the user's credentials authorizes again when its token cannot be refreshed.
const renewOrReauthorize = ({ reauthorize, renew }: Renewal) => (stale: Token) =>
  reauthorize === undefined
    ? renew(stale)
    : stale.refreshToken === undefined
    ? reauthorize
    : Effect.catchIf(renew(stale), refused, () => reauthorize)

/**
 * A session that renews its token: `Signer` + `TokenStore` + `TokenRefresh`. The renewal runs with the HTTP client
 * and settings the layer was built with, in the layer's scope. A session that can `reauthorize` says so to
 * `TokenRefresh`, which then also replaces a token the API calls invalid.
 */
export const refreshable = <E, R, EF, RF>(
  spec: Spec,
  store: Layer.Layer<TokenStore.TokenStore, E, R>,
  obtain: Effect.Effect<Token, EF, RF>,
  renewal: Renewal
): Layer.Layer<
  Signer.Signer | TokenStore.TokenStore | TokenRefresh.TokenRefresh,
  E | EF | ConfigurationError | TokenStore.TokenStoreError,
  R | Exclude<RF, TokenStore.TokenStore> | HttpClient.HttpClient
> =>
  Layer.scopedContext(
    Effect.gen(function*() {
      yield* precheck(spec)
      const client = yield* HttpClient.HttpClient
      const config = yield* MailRuConfig
      const token = yield* currentOrObtain(obtain)
      const signer = yield* signerFor(spec, token)
      const refresh = yield* TokenRefresh.make(
        (stale) =>
          renewOrReauthorize(renewal)(stale).pipe(
            Effect.provideService(HttpClient.HttpClient, client),
            Effect.provideService(MailRuConfig, config)
          ),
        { reauthorizes: renewal.reauthorize !== undefined }
      )
      return Context.make(Signer.Signer, signer).pipe(Context.add(TokenRefresh.TokenRefresh, refresh))
    })
  ).pipe(Layer.provideMerge(store))

/** A typed configuration failure. */
export const configurationError = (option: string, detail: string): Effect.Effect<never, ConfigurationError> =>
  fail(option, detail)

/** Fails unless the secret is present and not empty. */
export const requireSecret = (
  option: string,
  secret: Redacted.Redacted<string> | undefined,
  detail: string
): Effect.Effect<Redacted.Redacted<string>, ConfigurationError> =>
  MailRuSigner.nonEmpty(secret) ? Effect.succeed(secret) : fail(option, detail)

/** Renews a token with its own (rotated) refresh token. */
export const renewWithRefreshToken = (appId: string, secretKey: Redacted.Redacted<string>) =>
(
  stale: Token
): Effect.Effect<Token, TokenRefresh.RefreshError, HttpClient.HttpClient> =>
  stale.refreshToken === undefined
    ? fail("refreshToken", "the session's token holds no refresh token to renew it with")
    : MailRuAuth.refresh({ appId, secretKey, refreshToken: stale.refreshToken, keep: stale })
