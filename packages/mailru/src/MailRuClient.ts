/**
 * The Mail.Ru Platform client: `call` (errors classified), `callRaw` (the body as it came, aiomailru's
 * `pass_error`), the `api.<group>.<name>(params)` proxy, the unsigned `publicRequest`, and typed methods whose
 * parameters and results are decoded by Schema.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Client from "@okmail/core/Client"
import { type ConfigurationError, ParamsError } from "@okmail/core/ConfigurationError"
import * as Params from "@okmail/core/Params"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as MailRuConfig from "./MailRuConfig.js"
import * as MailRuError from "./MailRuError.js"
import * as MailRuSchema from "./MailRuSchema.js"
import * as MailRuSession from "./MailRuSession.js"
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
  & Client.Proxy<R>

/**
 * The operations of the Mail.Ru client.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service extends Omit<Client.Service, "api"> {
  /** Any method as `api.<group>.<name>(params)`, through `call`. */
  readonly api: Api<Effect.Effect<unknown, MailRuError.MailRuError>>
  /**
   * An unsigned `GET` for public data at `publicUrl/<segments>` (whatever the configured verb: it carries no
   * secret); an error body fails with its API error.
   */
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
 * Mail.Ru's dialect of the call path: the REST endpoint with `method=<group.name>`, the signer's reserved keys,
 * `MailRuError`'s classification, and the rate limit counted by application id.
 *
 * @since 0.1.0
 * @category Dialect
 */
export const dialect: Client.Dialect<MailRuConfig.Service> = {
  api: "mailru",
  name: "MailRuClient",
  config: MailRuConfig.MailRuConfig,
  reserved: new Set(reservedKeys),
  target: (method, settings) => Either.right({ url: settings.apiUrl, params: { method } }),
  classify: MailRuError.fromBody,
  rateLimitKey: (signed) => signed["app_id"] ?? ""
}

/**
 * Makes the client over the Mail.Ru session's signer and token store (and its renewal, when it has one), the HTTP
 * client and the settings provided to its layer (see core's `Client` for the rule).
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  ConfigurationError,
  MailRuSession.Signer | MailRuSession.TokenStore | HttpClient.HttpClient | Scope.Scope
> = Effect.gen(function*() {
  const client = yield* Client.make(dialect, MailRuSession.tags)
  const { typed } = client

  const publicRequest = Effect.fn("MailRuClient.publicRequest")(
    function*(segments: string | ReadonlyArray<string>, params: Params.Params = {}) {
      const path = yield* publicPath(segments)
      return yield* client.request({
        name: `public ${path}`,
        url: `${client.settings.publicUrl}/${path}`,
        params: yield* Params.encode(params),
        httpMethod: "GET"
      })
    }
  )

  const Uids = Schema.Array(Schema.String)
  const Users = Schema.Array(MailRuSchema.User)
  const usersGetInfo = typed("users.getInfo", MailRuSchema.UsersGetInfoParams, Users)
  const getOne = client.byId({
    maxBatchSize: maxUidsPerCall,
    fetch: (_group, uids) => usersGetInfo({ uids }),
    idOf: (user: MailRuSchema.User) => user.uid
  })
  const optional = <P, A>(method: (params: P) => Effect.Effect<A, MailRuError.MailRuError>) => (params?: P) =>
    method(params ?? ({} as P))

  return {
    call: client.call,
    callRaw: client.callRaw,
    api: client.api as Api<Effect.Effect<unknown, MailRuError.MailRuError>>,
    publicRequest,
    users: {
      getInfo: optional(usersGetInfo),
      getOne: (uid: string) => getOne(uid)
    },
    friends: {
      get: optional(typed("friends.get", MailRuSchema.FriendsParams, Uids)),
      getExtended: optional(typed("friends.get", MailRuSchema.FriendsParams, Users, { ext: 1 })),
      getAppUsers: optional(typed("friends.getAppUsers", MailRuSchema.FriendsParams, Uids)),
      getAppUsersExtended: optional(typed("friends.getAppUsers", MailRuSchema.FriendsParams, Users, { ext: 1 }))
    },
    stream: {
      get: optional(typed("stream.get", MailRuSchema.StreamGetParams, Schema.Array(MailRuSchema.StreamEntry)))
    },
    photos: {
      getAlbums: optional(
        typed("photos.getAlbums", MailRuSchema.PhotosGetAlbumsParams, Schema.Array(MailRuSchema.Album))
      )
    },
    guestbook: {
      post: typed("guestbook.post", MailRuSchema.GuestbookPostParams, MailRuSchema.GuestbookPostResult)
    }
  } satisfies Service
})

/**
 * Provides the client over a Mail.Ru session layer's services and an HTTP client. What is provided to this layer
 * — `MailRuConfig`, `RateLimit`, `RetryPolicy` — applies to its calls.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<
  MailRuClient,
  ConfigurationError,
  MailRuSession.Signer | MailRuSession.TokenStore | HttpClient.HttpClient
> = Layer.scoped(MailRuClient, make)
