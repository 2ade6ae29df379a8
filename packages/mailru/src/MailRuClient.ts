/**
 * The Mail.Ru Platform client: `call` (errors classified), `callRaw` (the body as it came, aiomailru's
 * `pass_error`), the `api.<group>.<name>(params)` proxy, the unsigned `publicRequest`, and typed methods whose
 * parameters and results are decoded by Schema.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type { ApiError } from "@okmail/core/ApiError"
import * as ApiCall from "@okmail/core/ApiCall"
import * as Batch from "@okmail/core/Batch"
import * as ApiHttp from "@okmail/core/ApiHttp"
import * as ApiProxy from "@okmail/core/ApiProxy"
import { ConfigurationError, ParamsError } from "@okmail/core/ConfigurationError"
import * as Params from "@okmail/core/Params"
import * as RateLimit from "@okmail/core/RateLimit"
import { UnexpectedResultError } from "@okmail/core/ResultError"
import * as RetryPolicy from "@okmail/core/RetryPolicy"
import * as Signer from "@okmail/core/Signer"
import * as TimeLimit from "@okmail/core/TimeLimit"
import type { Token } from "@okmail/core/Token"
import * as TokenRefresh from "@okmail/core/TokenRefresh"
import * as TokenStore from "@okmail/core/TokenStore"
import { StatusError } from "@okmail/core/TransportError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { MailRuConfig } from "./MailRuConfig.js"
import * as MailRuError from "./MailRuError.js"
import * as MailRuSchema from "./MailRuSchema.js"
import { reservedKeys } from "./MailRuSigner.js"

/**
 * The methods of the Mail.Ru Platform REST API as its documentation lists them; `api.<group>.<name>` is typed for
 * these, and any other name reaches the same proxy through its index signature.
 *
 * @since 0.1.0
 * @category Models
 */
export type KnownMethod =
  | "audio.get"
  | "audio.getByIds"
  | "audio.search"
  | "events.getNewEventsCount"
  | "friends.get"
  | "friends.getAppUsers"
  | "friends.getInvitationsCount"
  | "friends.getOnline"
  | "guestbook.get"
  | "guestbook.post"
  | "mail.getUnreadCount"
  | "messages.getThread"
  | "messages.getThreadsList"
  | "messages.getUnreadCount"
  | "messages.post"
  | "notifications.send"
  | "payments.openDialog"
  | "photos.createAlbum"
  | "photos.get"
  | "photos.getAlbums"
  | "photos.upload"
  | "stream.comment"
  | "stream.get"
  | "stream.getByAuthor"
  | "stream.like"
  | "stream.post"
  | "stream.share"
  | "stream.unlike"
  | "users.getBalance"
  | "users.getInfo"
  | "users.hasAppPermission"
  | "users.isAppUser"

type GroupOf<M extends string> = M extends `${infer G}.${string}` ? G : never
type NameOf<M extends string, G extends string> = M extends `${G}.${infer N}` ? N : never

/**
 * The method proxy: `api.users.getInfo(params)` calls `users.getInfo`. The documented methods are typed as
 * present; any other `api.<group>.<name>` works the same at run time.
 *
 * @since 0.1.0
 * @category Models
 */
export type Api<R> =
  & { readonly [G in GroupOf<KnownMethod>]: { readonly [N in NameOf<KnownMethod, G>]: (params?: Params.Params) => R } }
  & ApiProxy.ApiProxy<R>

/**
 * The operations of the Mail.Ru client.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Calls an API method; an error body fails with its classified API error. */
  readonly call: (method: string, params?: Params.Params) => Effect.Effect<unknown, MailRuError.MailRuError>
  /** Calls an API method and returns the body as the server sent it, error bodies included. */
  readonly callRaw: (method: string, params?: Params.Params) => Effect.Effect<unknown, MailRuError.MailRuError>
  /** Any method as `api.<group>.<name>(params)`, through `call`. */
  readonly api: Api<Effect.Effect<unknown, MailRuError.MailRuError>>
  /** An unsigned request for public data at `publicUrl/<segments>`; an error body fails with its API error. */
  readonly publicRequest: (
    segments: string | ReadonlyArray<string>,
    params?: Params.Params
  ) => Effect.Effect<unknown, MailRuError.MailRuError>
  readonly users: {
    /** `users.getInfo`: the named users, or the session's user. */
    readonly getInfo: (
      params?: MailRuSchema.UsersGetInfoParams
    ) => Effect.Effect<ReadonlyArray<MailRuSchema.User>, MailRuError.MailRuError>
    /**
     * One user by uid, `None` for a uid the API does not know. Lookups made together (`Effect.forEach(uids,
     * (uid) => users.getOne(uid), { batching: true })`) share `users.getInfo` calls of up to `maxUidsPerCall` uids.
     */
    readonly getOne: (uid: string) => Effect.Effect<Option.Option<MailRuSchema.User>, MailRuError.MailRuError>
  }
  readonly friends: {
    /** `friends.get`: the uids of the session user's friends. */
    readonly get: (params?: MailRuSchema.FriendsParams) => Effect.Effect<ReadonlyArray<string>, MailRuError.MailRuError>
    /** `friends.get` with `ext=1`: the session user's friends, described. */
    readonly getExtended: (
      params?: MailRuSchema.FriendsParams
    ) => Effect.Effect<ReadonlyArray<MailRuSchema.User>, MailRuError.MailRuError>
    /** `friends.getAppUsers`: the uids of the friends who installed the application. */
    readonly getAppUsers: (
      params?: MailRuSchema.FriendsParams
    ) => Effect.Effect<ReadonlyArray<string>, MailRuError.MailRuError>
    /** `friends.getAppUsers` with `ext=1`: the friends who installed the application, described. */
    readonly getAppUsersExtended: (
      params?: MailRuSchema.FriendsParams
    ) => Effect.Effect<ReadonlyArray<MailRuSchema.User>, MailRuError.MailRuError>
  }
  readonly stream: {
    /** `stream.get`: the events of a user's stream. */
    readonly get: (
      params?: MailRuSchema.StreamGetParams
    ) => Effect.Effect<ReadonlyArray<MailRuSchema.StreamEntry>, MailRuError.MailRuError>
  }
  readonly photos: {
    /** `photos.getAlbums`: a user's photo albums. */
    readonly getAlbums: (
      params?: MailRuSchema.PhotosGetAlbumsParams
    ) => Effect.Effect<ReadonlyArray<MailRuSchema.Album>, MailRuError.MailRuError>
  }
  readonly guestbook: {
    /** `guestbook.post`: writes in a user's guestbook. */
    readonly post: (
      params: MailRuSchema.GuestbookPostParams
    ) => Effect.Effect<MailRuSchema.GuestbookPostResult, MailRuError.MailRuError>
  }
}

/**
 * The most uids one batched `users.getInfo` call carries. The documented limit is not known; this is the
 * cautious one place to change it.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const maxUidsPerCall = 100

/**
 * The Mail.Ru client.
 *
 * @since 0.1.0
 * @category Context
 */
export class MailRuClient extends Context.Tag("@okmail/mailru/MailRuClient")<MailRuClient, Service>() {}

const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/
const RESERVED = new Set(["method", ...reservedKeys])

const firstIssue = (error: ParseResult.ParseError): { readonly key: string; readonly message: string } => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const key = issue === undefined || issue.path.length === 0 ? "" : issue.path.map(String).join(".")
  const message = (issue?.message ?? error.message).split("\n", 1)[0]!
  return { key, message: message.length > 300 ? `${message.slice(0, 300)}…` : message }
}

const encodeCall = (method: string, params: unknown): Either.Either<Params.WireParams, ParamsError> => {
  if (typeof method !== "string" || !METHOD_NAME.test(method)) {
    return Either.left(new ParamsError({ key: "method", detail: "a method name is written group.name" }))
  }
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    return Either.left(new ParamsError({ key: "params", detail: "the parameters must be an object" }))
  }
  for (const key of Object.keys(params)) {
    if (RESERVED.has(key)) {
      return Either.left(new ParamsError({ key, detail: "the client sets this parameter itself" }))
    }
  }
  return Either.map(Params.encode(params as Params.Params), (wire) => ({ ...wire, method }))
}

const SEGMENT = /^[^/?#]+$/

const publicPath = (segments: unknown): Either.Either<string, ParamsError> => {
  const list = typeof segments === "string" ? segments.split("/") : segments
  if (!Array.isArray(list) || list.length === 0) {
    return Either.left(new ParamsError({ key: "segments", detail: "a public request names at least one segment" }))
  }
  const out: Array<string> = []
  for (const segment of list) {
    if (typeof segment !== "string" || !SEGMENT.test(segment) || segment === "." || segment === "..") {
      return Either.left(
        new ParamsError({ key: "segments", detail: "each segment is a non-empty path segment without / ? #" })
      )
    }
    out.push(encodeURIComponent(segment))
  }
  return Either.right(out.join("/"))
}

/**
 * Makes the client over the session's `Signer` and `TokenStore` (and its `TokenRefresh`, when it has one), the
 * HTTP client and the settings of `MailRuConfig`, all captured when it is made.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  ConfigurationError,
  Signer.Signer | TokenStore.TokenStore | HttpClient.HttpClient | Scope.Scope
> = Effect.gen(function*() {
  const signer = yield* Signer.Signer
  if (signer.api !== "mailru") {
    return yield* new ConfigurationError({ option: "Signer", detail: "the session's signer is not a Mail.Ru signer" })
  }
  const store = yield* TokenStore.TokenStore
  const renewal = yield* Effect.serviceOption(TokenRefresh.TokenRefresh)
  const http = yield* HttpClient.HttpClient
  const config = yield* MailRuConfig
  // One time limit for all the client's calls, its sweeper living as long as the client.
  const timeLimit = yield* TimeLimit.make(config.timeout)
  const runCall = ApiCall.runWith({ store, renewal })

  const exchange = (method: string, url: string, params: Params.WireParams) =>
    Effect.gen(function*() {
      const request: ApiHttp.Request = {
        api: "mailru",
        method,
        url,
        httpMethod: config.httpMethod,
        params,
        timeout: config.timeout
      }
      const response = yield* ApiHttp.sendWith(http, request, timeLimit)
      const body = yield* ApiHttp.parseJson(request, response)
      return { request, status: response.status, body }
    })

  const signedCall = (method: string, wire: Params.WireParams, raw: boolean) => (token: Option.Option<Token>) =>
    Effect.flatMap(signer.sign(wire, token), (signed) =>
      RateLimit.limitCall(signed["app_id"] ?? "", token)(
        Effect.flatMap(
          exchange(method, config.apiUrl, signed),
          (answer): Effect.Effect<unknown, ApiError | StatusError> =>
            raw ? Effect.succeed(answer.body) : classified(method)(answer)
        )
      ))

  const classified = (method: string) =>
  (
    answer: { readonly request: ApiHttp.Request; readonly status: number; readonly body: unknown }
  ): Effect.Effect<unknown, ApiError | StatusError> => {
    const error = MailRuError.fromBody(answer.body, method)
    if (Option.isSome(error)) return Effect.fail(error.value)
    return answer.status >= 400
      ? Effect.fail(new StatusError({ method, url: answer.request.url, status: answer.status }))
      : Effect.succeed(answer.body)
  }

  const call = Effect.fn("MailRuClient.call")(function*(method: string, params: Params.Params = {}) {
    yield* Effect.annotateCurrentSpan("mailru.method", String(method))
    const wire = yield* encodeCall(method, params)
    return yield* runCall({ method }, signedCall(method, wire, false))
  })

  const callRaw = Effect.fn("MailRuClient.callRaw")(function*(method: string, params: Params.Params = {}) {
    yield* Effect.annotateCurrentSpan("mailru.method", String(method))
    const wire = yield* encodeCall(method, params)
    return yield* runCall({ method }, signedCall(method, wire, true))
  })

  const publicRequest = Effect.fn("MailRuClient.publicRequest")(
    function*(segments: string | ReadonlyArray<string>, params: Params.Params = {}) {
      const path = yield* publicPath(segments)
      if (typeof params !== "object" || params === null || Array.isArray(params)) {
        return yield* new ParamsError({ key: "params", detail: "the parameters must be an object" })
      }
      const wire = yield* Params.encode(params)
      const method = `public ${path}`
      return yield* Effect.flatMap(exchange(method, `${config.publicUrl}/${path}`, wire), classified(method)).pipe(
        RetryPolicy.retry(method)
      )
    }
  )

  const typed = <P, PI, A, AI>(
    method: string,
    paramsSchema: Schema.Schema<P, PI>,
    resultSchema: Schema.Schema<A, AI>,
    extra: Params.Params = {}
  ) => {
    const decodeParams = Schema.decodeUnknown(paramsSchema, { onExcessProperty: "error" })
    const decodeResult = Schema.decodeUnknown(resultSchema)
    return Effect.fn(`MailRuClient.${method}`)(function*(params: unknown = {}) {
      const checked = yield* decodeParams(params).pipe(
        Effect.mapError((error) => {
          const issue = firstIssue(error)
          return new ParamsError({ key: issue.key || "params", detail: issue.message })
        })
      )
      const body = yield* call(method, { ...(checked as Params.Params), ...extra })
      return yield* decodeResult(body).pipe(
        Effect.mapError((error) => {
          const issue = firstIssue(error)
          return new UnexpectedResultError({
            api: "mailru",
            method,
            detail: issue.key === "" ? issue.message : `${issue.key}: ${issue.message}`
          })
        })
      )
    })
  }

  const Uids = Schema.Array(Schema.String)
  const Users = Schema.Array(MailRuSchema.User)
  const usersGetInfo = typed("users.getInfo", MailRuSchema.UsersGetInfoParams, Users)
  const users = Batch.resolver({
    maxBatchSize: maxUidsPerCall,
    fetch: (_group, uids) => usersGetInfo({ uids }),
    idOf: (user: MailRuSchema.User) => user.uid
  })

  return {
    call,
    callRaw,
    api: ApiProxy.make(call) as Api<Effect.Effect<unknown, MailRuError.MailRuError>>,
    publicRequest,
    users: {
      getInfo: usersGetInfo,
      getOne: (uid: string) => Effect.request(Batch.byId<MailRuSchema.User, MailRuError.MailRuError>(uid), users)
    },
    friends: {
      get: typed("friends.get", MailRuSchema.FriendsParams, Uids),
      getExtended: typed("friends.get", MailRuSchema.FriendsParams, Users, { ext: 1 }),
      getAppUsers: typed("friends.getAppUsers", MailRuSchema.FriendsParams, Uids),
      getAppUsersExtended: typed("friends.getAppUsers", MailRuSchema.FriendsParams, Users, { ext: 1 })
    },
    stream: {
      get: typed("stream.get", MailRuSchema.StreamGetParams, Schema.Array(MailRuSchema.StreamEntry))
    },
    photos: {
      getAlbums: typed("photos.getAlbums", MailRuSchema.PhotosGetAlbumsParams, Schema.Array(MailRuSchema.Album))
    },
    guestbook: {
      post: typed("guestbook.post", MailRuSchema.GuestbookPostParams, MailRuSchema.GuestbookPostResult)
    }
  } satisfies Service
})

/**
 * Provides the client over the session layer's `Signer` and `TokenStore` and an HTTP client.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<
  MailRuClient,
  ConfigurationError,
  Signer.Signer | TokenStore.TokenStore | HttpClient.HttpClient
> = Layer.scoped(MailRuClient, make)
