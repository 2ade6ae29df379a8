/**
 * The OK.ru API client: `call` returns a method's result and fails with classified API errors, `callRaw`
 * returns the body as the server sent it (aiookru's `pass_error`), `api.<group>.<name>(params)` is the dynamic
 * proxy of aiookru's `API` object, and the commonest methods are typed with Schema-decoded parameters and
 * results.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as ApiError from "@okmail/core/ApiError"
import * as ApiCall from "@okmail/core/ApiCall"
import * as Batch from "@okmail/core/Batch"
import * as ApiHttp from "@okmail/core/ApiHttp"
import * as ApiProxy from "@okmail/core/ApiProxy"
import { ParamsError } from "@okmail/core/ConfigurationError"
import { redactUrl } from "@okmail/core/Endpoint"
import * as Params from "@okmail/core/Params"
import * as RateLimit from "@okmail/core/RateLimit"
import { UnexpectedResultError } from "@okmail/core/ResultError"
import * as Signer from "@okmail/core/Signer"
import * as TimeLimit from "@okmail/core/TimeLimit"
import type { Token } from "@okmail/core/Token"
import * as TokenRefresh from "@okmail/core/TokenRefresh"
import * as TokenStore from "@okmail/core/TokenStore"
import { StatusError } from "@okmail/core/TransportError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { OkConfig } from "./OkConfig.js"
import * as OkError from "./OkError.js"
import * as OkSchema from "./OkSchema.js"

/**
 * The operations of the OK.ru client.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Calls a method: its result, or a typed failure (an error body is classified by `OkError.table`). */
  readonly call: (method: string, params?: Params.Params) => Effect.Effect<unknown, OkError.OkError>
  /** Calls a method and returns the body as the server sent it, error bodies included. */
  readonly callRaw: (method: string, params?: Params.Params) => Effect.Effect<unknown, OkError.OkError>
  /** Any method as `api.<group>.<name>(params)`, through `call`. */
  readonly api: ApiProxy.ApiProxy<Effect.Effect<unknown, OkError.OkError>>
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

const firstIssue = (error: ParseResult.ParseError): { readonly path: string; readonly message: string } => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return {
    path: issue === undefined || issue.path.length === 0 ? "params" : issue.path.map(String).join("."),
    message: issue?.message ?? "does not match"
  }
}

/**
 * Makes the client over the session's signer and token store (and its token renewal, when it has one) and the
 * HTTP client; the settings are read from `OkConfig` once.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  Signer.Signer | TokenStore.TokenStore | HttpClient.HttpClient | Scope.Scope
> = Effect.gen(function*() {
    const config = yield* OkConfig
    // One time limit for all the client's calls, its sweeper living as long as the client.
    const timeLimit = yield* TimeLimit.make(config.timeout)
    const signer = yield* Signer.Signer
    const store = yield* TokenStore.TokenStore
    const http = yield* HttpClient.HttpClient
    const renewal = yield* Effect.serviceOption(TokenRefresh.TokenRefresh)
    const runCall = ApiCall.runWith({ store, renewal })

    const endpoint = (method: string): Effect.Effect<{ url: string; params: Params.WireParams }, ParamsError> => {
      if (!config.pathStyle) return Effect.succeed({ url: config.apiUrl, params: { method } })
      const match = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(method)
      if (match === null) {
        return Effect.fail(new ParamsError({ key: "method", detail: `"${method}" is not of the form group.name` }))
      }
      return Effect.succeed({ url: `${config.apiPathUrl}/${match[1]}/${match[2]}`, params: {} })
    }

    const exchange = (method: string, wire: Params.WireParams, raw: boolean) => (token: Option.Option<Token>) =>
      Effect.gen(function*() {
        const target = yield* endpoint(method)
        const params = yield* signer.sign({ ...wire, ...target.params }, token)
        const request: ApiHttp.Request = {
          api: "ok",
          method,
          url: target.url,
          httpMethod: config.httpMethod,
          params,
          timeout: config.timeout
        }
        const answer = Effect.gen(function*() {
          const response = yield* ApiHttp.sendWith(http, request, timeLimit)
          const body = yield* ApiHttp.parseJson(request, response)
          const error = OkError.fromBody(body, method)
          if (Option.isNone(error) && response.status >= 400) {
            return yield* new StatusError({ method, url: redactUrl(new URL(target.url)), status: response.status })
          }
          if (raw || Option.isNone(error)) return body
          return yield* Effect.fail<ApiError.ApiError>(error.value)
        })
        return yield* RateLimit.limitCall(params["application_key"] ?? "", token)(answer)
      })

    const run = (method: string, params: Params.Params | undefined, raw: boolean) =>
      Effect.gen(function*() {
        yield* Effect.annotateCurrentSpan("okru.method", method)
        if (typeof method !== "string" || method === "") {
          return yield* new ParamsError({ key: "method", detail: "the method name must be a non-empty string" })
        }
        const wire = yield* Params.encode(params ?? {})
        return yield* runCall({ method }, exchange(method, wire, raw))
      })

    const call: Service["call"] = Effect.fn("OkClient.call")((method: string, params?: Params.Params) =>
      run(method, params, false)
    )
    const callRaw: Service["callRaw"] = Effect.fn("OkClient.callRaw")((method: string, params?: Params.Params) =>
      run(method, params, true)
    )

    const typed = <PA, PI, A, AI>(
      method: string,
      paramsSchema: Schema.Schema<PA, PI>,
      resultSchema: Schema.Schema<A, AI>
    ) => {
      const encodeParams = Schema.encode(paramsSchema)
      const decodeResult = Schema.decodeUnknown(resultSchema)
      return Effect.fn(`OkClient.${method}`)(function*(params: PA) {
        const encoded = yield* encodeParams(params).pipe(
          Effect.mapError((error) => {
            const issue = firstIssue(error)
            return new ParamsError({ key: issue.path, detail: issue.message })
          })
        )
        const result = yield* call(method, encoded as Params.Params)
        return yield* decodeResult(result).pipe(
          Effect.mapError((error) => {
            const issue = firstIssue(error)
            return new UnexpectedResultError({ api: "ok", method, detail: `${issue.path}: ${issue.message}` })
          })
        )
      })
    }

    const NoParams = Schema.Struct({})
    const getCurrentUser = typed("users.getCurrentUser", OkSchema.GetCurrentUserParams, OkSchema.User)
    const getLoggedInUser = typed("users.getLoggedInUser", NoParams, Schema.String)
    const friendsGet = typed("friends.get", OkSchema.FriendsGetParams, OkSchema.Ids)
    const friendsGetOnline = typed("friends.getOnline", OkSchema.FriendsGetOnlineParams, OkSchema.Ids)
    const eventsGet = typed("events.get", OkSchema.EventsGetParams, Schema.Array(OkSchema.Event))
    const usersGetInfo = typed("users.getInfo", OkSchema.GetInfoParams, Schema.Array(OkSchema.User))
    const users = Batch.resolver({
      maxBatchSize: 100,
      fetch: (fields, uids) =>
        usersGetInfo({ uids: uids as readonly [string, ...Array<string>], fields: fields.split(",") as [string] }),
      idOf: (user: OkSchema.User) => user.uid
    })

    return {
      call,
      callRaw,
      api: ApiProxy.make(call),
      users: {
        getCurrentUser: (params = {}) => getCurrentUser(params),
        getInfo: usersGetInfo,
        getLoggedInUser: () => getLoggedInUser({}),
        getOne: (uid, fields = defaultUserFields) =>
          Effect.request(Batch.byId<OkSchema.User, OkError.OkError>(uid, fields.join(",")), users)
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
 * Provides the client over the session layer's signer and token store and an HTTP client.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<OkClient, never, Signer.Signer | TokenStore.TokenStore | HttpClient.HttpClient> =
  Layer.scoped(OkClient, make)

