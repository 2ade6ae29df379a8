/**
 * The OK.ru API client: `call` returns a method's result and fails with classified API errors, `callRaw`
 * returns the body as the server sent it (aiookru's `pass_error`), `api.<group>.<name>(params)` is the dynamic
 * proxy of aiookru's `API` object, and the commonest methods are typed with Schema-decoded parameters and
 * results.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Client from "@okmail/core/Client"
import type { ConfigurationError } from "@okmail/core/ConfigurationError"
import { ParamsError } from "@okmail/core/ConfigurationError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as OkConfig from "./OkConfig.js"
import * as OkError from "./OkError.js"
import * as OkSchema from "./OkSchema.js"
import * as OkSession from "./OkSession.js"

/**
 * The operations of the OK.ru client.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service extends Client.Service {
  readonly users: {
    readonly getCurrentUser: (
      params?: typeof OkSchema.GetCurrentUserParams.Type
    ) => Effect.Effect<OkSchema.User, OkError.OkError>
    readonly getInfo: (
      params: typeof OkSchema.GetInfoParams.Type
    ) => Effect.Effect<ReadonlyArray<OkSchema.User>, OkError.OkError>
    /** The current user's id. */
    readonly getLoggedInUser: () => Effect.Effect<string, OkError.OkError>
    /**
     * One user by uid, `None` for a uid the API does not know. Lookups made together (`Effect.forEach(uids,
     * (uid) => users.getOne(uid), { batching: true })`) share `users.getInfo` calls of up to 100 uids each.
     */
    readonly getOne: (
      uid: string,
      fields?: ReadonlyArray<string>
    ) => Effect.Effect<Option.Option<OkSchema.User>, OkError.OkError>
  }
  readonly friends: {
    /** The ids of the user's friends. */
    readonly get: (params?: typeof OkSchema.FriendsGetParams.Type) => Effect.Effect<ReadonlyArray<string>, OkError.OkError>
    /** The ids of the user's friends who are online. */
    readonly getOnline: (
      params?: typeof OkSchema.FriendsGetOnlineParams.Type
    ) => Effect.Effect<ReadonlyArray<string>, OkError.OkError>
  }
  readonly group: {
    readonly getInfo: (
      params: typeof OkSchema.GroupGetInfoParams.Type
    ) => Effect.Effect<ReadonlyArray<OkSchema.Group>, OkError.OkError>
  }
  readonly events: {
    readonly get: (params?: typeof OkSchema.EventsGetParams.Type) => Effect.Effect<ReadonlyArray<OkSchema.Event>, OkError.OkError>
  }
  readonly mediatopic: {
    /** Publishes a media topic; the result is its id. */
    readonly post: (params: typeof OkSchema.MediatopicPostParams.Type) => Effect.Effect<string, OkError.OkError>
  }
}

/**
 * The fields `users.getOne` asks for when none are given.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const defaultUserFields: ReadonlyArray<string> = ["uid", "name", "first_name", "last_name", "gender", "pic_1"]

/**
 * The OK.ru client.
 *
 * @since 0.1.0
 * @category Context
 */
export class OkClient extends Context.Tag("@okmail/okru/OkClient")<OkClient, Service>() {}

// Parameters the client sets itself (the signer adds the application key, the format, the session and `sig`).
const reserved = new Set(["application_key", "format", "sig", "access_token", "session_key"])

const METHOD_PATH = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/

/**
 * OK.ru's dialect of the call path: `fb.do` with `method=<group.name>` (or `/api/<group>/<name>`), the signer's
 * reserved keys, `OkError`'s classification, and the rate limit counted by application key.
 *
 * @since 0.1.0
 * @category Dialect
 */
export const dialect: Client.Dialect<OkConfig.Service> = {
  api: "ok",
  name: "OkClient",
  config: OkConfig.OkConfig,
  reserved,
  target: (method, settings) => {
    if (!settings.pathStyle) return Either.right({ url: settings.apiUrl, params: { method } })
    const match = METHOD_PATH.exec(method)
    return match === null
      ? Either.left(new ParamsError({ key: "method", detail: `"${method}" is not of the form group.name` }))
      : Either.right({ url: `${settings.apiPathUrl}/${match[1]}/${match[2]}`, params: {} })
  },
  classify: OkError.fromBody,
  rateLimitKey: (signed) => signed["application_key"] ?? ""
}

/**
 * Makes the client over the OK session's signer and token store (and its renewal, when it has one), the HTTP
 * client and the settings provided to its layer (see core's `Client` for the rule).
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  ConfigurationError,
  OkSession.Signer | OkSession.TokenStore | HttpClient.HttpClient | Scope.Scope
> = Effect.gen(function*() {
  const client = yield* Client.make(dialect, OkSession.tags)
  const { typed } = client
  const getInfo = typed("users.getInfo", OkSchema.GetInfoParams, Schema.Array(OkSchema.User))
  const getCurrentUser = typed("users.getCurrentUser", OkSchema.GetCurrentUserParams, OkSchema.User)
  const getLoggedInUser = typed("users.getLoggedInUser", Client.NoParams, Schema.String)
  const friendsGet = typed("friends.get", OkSchema.FriendsGetParams, OkSchema.Ids)
  const friendsGetOnline = typed("friends.getOnline", OkSchema.FriendsGetOnlineParams, OkSchema.Ids)
  const eventsGet = typed("events.get", OkSchema.EventsGetParams, Schema.Array(OkSchema.Event))
  const getOne = client.byId({
    maxBatchSize: 100,
    fetch: (fields, uids) =>
      getInfo({ uids: uids as readonly [string, ...Array<string>], fields: fields.split(",") as [string] }),
    idOf: (user: OkSchema.User) => user.uid
  })
  return {
    call: client.call,
    callRaw: client.callRaw,
    api: client.api,
    users: {
      getCurrentUser: (params = {}) => getCurrentUser(params),
      getInfo,
      getLoggedInUser: () => getLoggedInUser({}),
      getOne: (uid, fields = defaultUserFields) => getOne(uid, fields.join(","))
    },
    friends: {
      get: (params = {}) => friendsGet(params),
      getOnline: (params = {}) => friendsGetOnline(params)
    },
    group: {
      getInfo: typed("group.getInfo", OkSchema.GroupGetInfoParams, Schema.Array(OkSchema.Group))
    },
    events: {
      get: (params = {}) => eventsGet(params)
    },
    mediatopic: {
      post: typed("mediatopic.post", OkSchema.MediatopicPostParams, Schema.String)
    }
  } satisfies Service
})

/**
 * Provides the client over an OK session layer's services and an HTTP client. What is provided to this layer —
 * `OkConfig`, `RateLimit`, `RetryPolicy` — applies to its calls.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<
  OkClient,
  ConfigurationError,
  OkSession.Signer | OkSession.TokenStore | HttpClient.HttpClient
> = Layer.scoped(OkClient, make)
