/**
 * The client builder both APIs use: `call`, `callRaw`, the dynamic `api.<group>.<name>()` proxy, typed methods
 * and batched lookups, over a session read under its API's tags and the API's *dialect* — where a method is
 * sent, which keys the client sets itself, how an answer's error is classified, what the rate limit counts by.
 *
 * Every call takes one path: the parameters are checked and encoded once, then, inside the retry policy, the
 * session's token (renewed before it expires, and once more when the API says it has), the signature, the rate
 * limit, the HTTP exchange under the client's time limit, and the classification of the answer.
 *
 * The settings rule: whatever is provided to the client's layer applies to its calls — the API's endpoints, time
 * limit and largest body, the `RateLimit` and the `RetryPolicy` — and a `RateLimit` or `RetryPolicy` provided
 * around one call (`Effect.provideService`) applies to that call. A session built on a flow hands its client the
 * settings its flows ran with: a client given none holds the session's, and a client given other ones fails to
 * build with a `ConfigurationError` instead of calling one server with another's tokens.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { ApiError } from "./ApiError.js"
import type { AuthError } from "./AuthError.js"
import { type ConfigurationError, ParamsError } from "./ConfigurationError.js"
import * as ApiHttp from "./internal/apiHttp.js"
import * as ApiProxy from "./internal/apiProxy.js"
import * as Batch from "./internal/batch.js"
import * as TimeLimit from "./internal/timeLimit.js"
import { redactUrl } from "./internal/url.js"
import * as Params from "./Params.js"
import * as RateLimit from "./RateLimit.js"
import { UnexpectedResultError } from "./ResultError.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as Session from "./Session.js"
import * as Settings from "./Settings.js"
import type { Token } from "./Token.js"
import * as TokenRefresh from "./TokenRefresh.js"
import type { TokenStoreError } from "./TokenStore.js"
import { StatusError, type TransportError } from "./TransportError.js"

/**
 * Every way a call can fail: an API error, the transport, the configuration or the parameters, the token store,
 * a token renewal, and a typed result that does not decode.
 *
 * @since 0.1.0
 * @category Errors
 */
export type Error =
  | ApiError
  | TransportError
  | ConfigurationError
  | ParamsError
  | TokenStoreError
  | AuthError
  | UnexpectedResultError

/**
 * Any method of any group as `api.<group>.<name>(params)`.
 *
 * @since 0.1.0
 * @category Models
 */
export type Proxy<R> = ApiProxy.ApiProxy<R>

/**
 * What makes one API differ from the other on the call path.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Dialect<C extends Settings.Settings> {
  /** The API's short name, carried by its errors (`ok`, `mailru`). */
  readonly api: string
  /** Prefixes the spans of the client's methods (`OkClient`, `MailRuClient`). */
  readonly name: string
  /** The API's settings: a `Context.Reference` whose default is the vendor's production endpoints. */
  readonly config: Context.Reference<any, C>
  /** Parameters the client sets itself; a call that passes one fails with a `ParamsError`. */
  readonly reserved: ReadonlySet<string>
  /** Where a method is sent, and the parameters that say which method it is. */
  readonly target: (
    method: string,
    settings: C
  ) => Either.Either<{ readonly url: string; readonly params: Params.WireParams }, ParamsError>
  /** The API error an answer's body holds, if any. */
  readonly classify: (body: unknown, method: string) => Option.Option<ApiError>
  /** What the rate limit counts a signed call by: the application it is made for. */
  readonly rateLimitKey: (signed: Params.WireParams) => string
}

/**
 * The operations every API's client has.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Calls a method: its result, or a typed failure (an error body is classified by the API's table). */
  readonly call: (method: string, params?: Params.Params) => Effect.Effect<unknown, Error>
  /** Calls a method and returns the body as the server sent it, error bodies included. */
  readonly callRaw: (method: string, params?: Params.Params) => Effect.Effect<unknown, Error>
  /** Any method as `api.<group>.<name>(params)`, through `call`. */
  readonly api: Proxy<Effect.Effect<unknown, Error>>
}

/**
 * Options of a lookup by id whose requests are batched.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ByIdOptions<A> {
  readonly maxBatchSize: number
  /** One call for a group of ids (`group` is what the requests of one call share, such as the fields asked). */
  readonly fetch: (group: string, ids: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<A>, Error>
  readonly idOf: (item: A) => string
}

/**
 * The client under construction, for an API's package to add its typed methods.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Builder<C extends Settings.Settings> extends Service {
  /** The settings the client holds. */
  readonly settings: C
  /**
   * A typed method: its parameters checked by `params` (no key it does not name), its result decoded by
   * `result`; `extra` parameters are added to every call.
   */
  readonly typed: <P, PI, A, AI>(
    method: string,
    params: Schema.Schema<P, PI>,
    result: Schema.Schema<A, AI>,
    extra?: Params.Params
  ) => (params: P) => Effect.Effect<A, Error>
  /** A lookup by id; lookups made together share calls of up to `maxBatchSize` ids. */
  readonly byId: <A>(options: ByIdOptions<A>) => (id: string, group?: string) => Effect.Effect<Option.Option<A>, Error>
  /** An unsigned request outside the session (public data), classified and retried like a call. */
  readonly request: (options: {
    readonly name: string
    readonly url: string
    readonly params: Params.WireParams
    readonly httpMethod: "POST" | "GET"
  }) => Effect.Effect<unknown, Error>
}

/**
 * The parameters of a method that takes none: any key is refused. (An empty `Schema.Struct` accepts any object,
 * whatever `onExcessProperty` says.)
 *
 * @since 0.1.0
 * @category Schemas
 */
export const NoParams: Schema.Schema<{}> = Schema.Struct({}).pipe(
  Schema.filter((params: Readonly<Record<string, unknown>>) => {
    const key = Object.keys(params).find((name) => params[name] !== undefined)
    return key === undefined || { path: [key], message: "is unexpected: the method takes no parameters" }
  })
)

const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/

const firstIssue = (error: ParseResult.ParseError): { readonly key: string; readonly message: string } => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const key = issue === undefined || issue.path.length === 0 ? "" : issue.path.map(String).join(".")
  const message = (issue?.message ?? error.message).split("\n", 1)[0]!
  return { key, message: message.length > 300 ? `${message.slice(0, 300)}…` : message }
}

/**
 * Checks a call's method name (`group.name`, letters, digits and `_`) and parameters (an object without the keys
 * the client sets itself), and encodes them for the wire.
 *
 * @since 0.1.0
 * @category Validation
 */
export const encodeCall = (
  method: unknown,
  params: unknown,
  reserved: ReadonlySet<string>
): Either.Either<Params.WireParams, ParamsError> => {
  if (typeof method !== "string" || !METHOD_NAME.test(method)) {
    return Either.left(new ParamsError({ key: "method", detail: "a method name is written group.name" }))
  }
  // Encoded first: the encoder reads hostile values (throwing getters, proxies) without ever throwing.
  return Either.flatMap(Params.encode(params as Params.Params), (wire) => {
    for (const key of Object.keys(wire)) {
      if (key === "method" || reserved.has(key)) {
        return Either.left(new ParamsError({ key, detail: "the client sets this parameter itself" }))
      }
    }
    return Either.right(wire)
  })
}

/**
 * Makes a client over the session under `tags`, the HTTP client and the settings provided to its layer.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = <C extends Settings.Settings, S, T, R>(
  dialect: Dialect<C>,
  tags: Session.Tags<S, T, R>
): Effect.Effect<Builder<C>, ConfigurationError, S | T | HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const session = yield* Session.services(tags)
    const http = yield* HttpClient.HttpClient
    const own = yield* dialect.config
    const settings = yield* Settings.reconcile(
      own,
      own === dialect.config.defaultValue(),
      Option.map(session.renewal, (renewal) => renewal.settings)
    )
    // Read once, so that what is provided to the client's layer holds for its calls; a value provided around one
    // call (anything but the default) overrides it there.
    const policy = yield* RetryPolicy.CurrentRetryPolicy
    const limiter = yield* RateLimit.RateLimit
    const currentPolicy = Effect.map(RetryPolicy.CurrentRetryPolicy, (p) => p === RetryPolicy.defaults ? policy : p)
    const currentLimiter = Effect.map(RateLimit.RateLimit, (l) => l === RateLimit.unlimited ? limiter : l)
    // One time limit for all the client's calls, its sweeper living as long as the client.
    const timeLimit = yield* TimeLimit.make(settings.timeout)
    const { api } = dialect

    const exchange = (method: string, url: string, params: Params.WireParams, httpMethod: "POST" | "GET") =>
      Effect.gen(function*() {
        const request: ApiHttp.Request = {
          api,
          method,
          url,
          httpMethod,
          params,
          timeout: settings.timeout,
          maxBodyBytes: settings.maxBodyBytes
        }
        return yield* ApiHttp.exchangeJsonWith(http, request, timeLimit)
      })

    const answer = (method: string, url: string, raw: boolean) =>
    (
      result: { readonly status: number; readonly body: unknown }
    ): Effect.Effect<unknown, ApiError | StatusError> => {
      const error = dialect.classify(result.body, method)
      if (Option.isNone(error) && result.status >= 400) {
        return Effect.fail(new StatusError({ method, url: redactUrl(url), status: result.status }))
      }
      return raw || Option.isNone(error) ? Effect.succeed(result.body) : Effect.fail(error.value)
    }

    const attempt = (method: string, url: string, wire: Params.WireParams, raw: boolean, rate: RateLimit.Service) =>
    (token: Option.Option<Token>) =>
      Effect.flatMap(session.signer.sign(wire, token), (signed) =>
        RateLimit.limitWith(
          exchange(method, url, signed, settings.httpMethod).pipe(Effect.flatMap(answer(method, url, raw))),
          rate,
          RateLimit.callKey(rate, dialect.rateLimitKey(signed), token)
        ))

    const run = (method: string, params: Params.Params | undefined, raw: boolean) =>
      Effect.gen(function*() {
        yield* Effect.annotateCurrentSpan(`${api}.method`, String(method))
        const wire = yield* encodeCall(method, params ?? {}, dialect.reserved)
        const target = yield* dialect.target(method, settings)
        const rate = yield* currentLimiter
        const retry = yield* currentPolicy
        return yield* TokenRefresh.withTokenFrom(
          session.store,
          session.renewal,
          attempt(method, target.url, { ...wire, ...target.params }, raw, rate)
        ).pipe(RetryPolicy.apply(retry, method))
      })

    const call: Service["call"] = Effect.fn(`${dialect.name}.call`)((method: string, params?: Params.Params) =>
      run(method, params, false)
    )
    const callRaw: Service["callRaw"] = Effect.fn(`${dialect.name}.callRaw`)((method: string, params?: Params.Params) =>
      run(method, params, true)
    )

    const typed = <P, PI, A, AI>(
      method: string,
      paramsSchema: Schema.Schema<P, PI>,
      resultSchema: Schema.Schema<A, AI>,
      extra: Params.Params = {}
    ) => {
      const encodeParams = Schema.encodeUnknown(paramsSchema, { onExcessProperty: "error" })
      const decodeResult = Schema.decodeUnknown(resultSchema)
      return Effect.fn(`${dialect.name}.${method}`)(function*(params: P) {
        const encoded = yield* encodeParams(params ?? {}).pipe(
          Effect.mapError((error) => {
            const issue = firstIssue(error)
            return new ParamsError({ key: issue.key || "params", detail: issue.message })
          })
        )
        const body = yield* call(method, { ...(encoded as Params.Params), ...extra })
        return yield* decodeResult(body).pipe(
          Effect.mapError((error) => {
            const issue = firstIssue(error)
            return new UnexpectedResultError({
              api,
              method,
              detail: issue.key === "" ? issue.message : `${issue.key}: ${issue.message}`
            })
          })
        )
      })
    }

    const byId = <A>(options: ByIdOptions<A>) => {
      const resolver = Batch.resolver(options)
      return (id: string, group = ""): Effect.Effect<Option.Option<A>, Error> =>
        Effect.request(Batch.byId<A, Error>(id, group), resolver)
    }

    const request: Builder<C>["request"] = (options) =>
      Effect.flatMap(currentPolicy, (retry) =>
        exchange(options.name, options.url, options.params, options.httpMethod).pipe(
          Effect.flatMap(answer(options.name, options.url, false)),
          RetryPolicy.apply(retry, options.name)
        ))

    return { settings, call, callRaw, api: ApiProxy.make(call), typed, byId, request }
  })
