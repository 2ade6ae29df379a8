/**
 * The emulator of both APIs and both OAuth servers: one Effect HTTP app, run in process (an `HttpClient`
 * wired straight to the app, no socket) for unit tests, or on a loopback port for end-to-end tests, examples and
 * benchmarks.
 *
 * In process, the emulator answers the vendors' own URLs (`https://api.ok.ru/fb.do`,
 * `https://appsmail.ru/platform/api`, ...), so a client with its default configuration talks to it unchanged;
 * any other host is a network failure, so nothing reaches the internet. On a port, OK.ru is served at the root
 * and Mail.Ru under `/mailru`: `okUrls(baseUrl)` and `mailruUrls(baseUrl)` give the settings to point the clients
 * at it.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createServer } from "node:http"
import { EmulatorControl, type Service as ControlService } from "./EmulatorControl.js"
import { Disconnected, onlyVerbs, vendorHosts } from "./internal/http.js"
import * as MailRu from "./internal/mailru.js"
import * as Ok from "./internal/ok.js"
import { secondsLeft, World } from "./internal/state.js"
import * as Seed from "./Seed.js"

/**
 * A running emulator: its HTTP app and its control service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Emulator {
  readonly app: HttpApp.Default<Disconnected>
  readonly control: ControlService
}

const makeControl = (world: World): ControlService => ({
  requests: Effect.sync(() => [...world.log]),
  clearRequests: Effect.sync(() => {
    world.log.length = 0
  }),
  inject: (injection) => Effect.sync(() => world.inject(injection)),
  clearFaults: Effect.sync(() => world.clearFaults()),
  expireToken: (token) => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => world.expire(token, now))),
  revokeToken: (token) => Effect.sync(() => world.revoke(token)),
  setPassword: (api, login, password) => Effect.sync(() => world.setPassword(api, login, password)),
  issueCode: (request) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() =>
        world.issueCode(request.api, request.clientId, request.uid, request.redirectUri, request.scopes ?? [], now)
      )),
  issueToken: (request) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        const scopes = request.scopes ?? (request.api === "mailru" ? Seed.mailruScopes : ["VALUABLE_ACCESS"])
        const issued = world.issueAccess(request.api, request.clientId, request.uid, scopes, now)
        return {
          accessToken: issued.accessToken,
          refreshToken: world.issueRefresh(request.api, request.clientId, request.uid, scopes, now),
          sessionSecretKey: issued.grant.sessionSecretKey,
          uid: request.uid,
          expiresIn: secondsLeft(issued.grant, now)
        }
      }))
})

const router = (world: World) =>
  HttpRouter.empty.pipe(
    HttpRouter.all("/fb.do", onlyVerbs(["GET", "POST"], Ok.fbDo(world))),
    HttpRouter.all("/api/*", onlyVerbs(["GET", "POST"], Ok.apiPath(world))),
    HttpRouter.all("/oauth/token.do", Ok.tokenEndpoint(world)),
    HttpRouter.all("/oauth/authorize", Ok.authorize(world)),
    HttpRouter.all("/dk", Ok.dk(world)),
    HttpRouter.all("/mailru/platform/api", onlyVerbs(["GET", "POST"], MailRu.api(world))),
    HttpRouter.all("/mailru/platform/*", onlyVerbs(["GET"], MailRu.publicData(world))),
    HttpRouter.all("/mailru/oauth/token", MailRu.token(world)),
    HttpRouter.all("/mailru/oauth/authorize", MailRu.authorize(world)),
    HttpRouter.all("/mailru/cgi-bin/auth", MailRu.auth(world)),
    HttpRouter.all("/mailru/recovery", MailRu.recovery(world)),
    HttpRouter.get("/mailru/oauth/success.html", Effect.succeed(MailRu.success))
  )

/**
 * Makes a fresh emulator: the seeded world, with tokens' lifetimes counted from the current clock.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<Emulator> = Effect.map(Clock.currentTimeMillis, (startedAt) => {
  const world = new World(startedAt)
  const app: HttpApp.Default<Disconnected> = router(world).pipe(
    Effect.catchTag("RouteNotFound", () => Effect.succeed(HttpServerResponse.text("Not Found", { status: 404 })))
  )
  return { app, control: makeControl(world) }
})

const transportError = (request: Parameters<Parameters<typeof HttpClient.make>[0]>[0], description: string) =>
  new HttpClientError.RequestError({ request, reason: "Transport", description })

/**
 * An `HttpClient` that hands every request to the emulator's app in the calling fiber, so that the caller's
 * `Clock` (a `TestClock` in tests) drives delays and expiry. It answers the vendors' hosts only.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const inProcessClient = (emulator: Emulator): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const prefix = vendorHosts[url.hostname.toLowerCase()]
      if (prefix === undefined) {
        return yield* transportError(request, `the emulator does not serve ${url.host}`)
      }
      const target = new URL(url)
      target.pathname = `${prefix}${url.pathname}`
      let body: Uint8Array | undefined
      switch (request.body._tag) {
        case "Empty":
          break
        case "Uint8Array":
          body = request.body.body
          break
        case "Raw":
          if (typeof request.body.body === "string") body = new TextEncoder().encode(request.body.body)
          else return yield* transportError(request, "the emulator reads text and byte bodies only")
          break
        default:
          return yield* transportError(request, "the emulator reads text and byte bodies only")
      }
      const headers = new globalThis.Headers(request.headers)
      if (request.body._tag !== "Empty" && request.body.contentType !== undefined && !headers.has("content-type")) {
        headers.set("content-type", request.body.contentType)
      }
      const webRequest = new Request(target, {
        method: request.method,
        headers,
        ...(body === undefined || request.method === "GET" || request.method === "HEAD" ? {} : { body: body as Uint8Array<ArrayBuffer> })
      })
      const response = yield* emulator.app.pipe(
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(webRequest)),
        Effect.catchTag("Disconnected", () => transportError(request, "the connection was closed without an answer"))
      )
      return HttpClientResponse.fromWeb(request, HttpServerResponse.toWeb(response))
    })
  )

/**
 * A fresh in-process emulator: provides an `HttpClient` wired to it and its `EmulatorControl`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerInProcess = (): Layer.Layer<HttpClient.HttpClient | EmulatorControl> =>
  Layer.effectContext(
    Effect.map(make, (emulator) =>
      Context.make(HttpClient.HttpClient, inProcessClient(emulator)).pipe(
        Context.add(EmulatorControl, emulator.control)
      ))
  )

/**
 * The client settings that point OK.ru calls at an emulator served at `baseUrl`.
 *
 * @since 0.1.0
 * @category Urls
 */
export const okUrls = (baseUrl: string) => {
  const base = baseUrl.replace(/\/+$/, "")
  return {
    apiUrl: `${base}/fb.do`,
    apiPathUrl: `${base}/api`,
    tokenUrl: `${base}/oauth/token.do`,
    authorizeUrl: `${base}/oauth/authorize`
  } as const
}

/**
 * The client settings that point Mail.Ru calls at an emulator served at `baseUrl`.
 *
 * @since 0.1.0
 * @category Urls
 */
export const mailruUrls = (baseUrl: string) => {
  const base = `${baseUrl.replace(/\/+$/, "")}/mailru`
  return {
    apiUrl: `${base}/platform/api`,
    publicUrl: `${base}/platform`,
    codeTokenUrl: `${base}/oauth/token`,
    tokenUrl: `${base}/oauth/token`,
    authorizeUrl: `${base}/oauth/authorize`
  } as const
}

/**
 * Where a served emulator listens.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ServerInfo {
  readonly baseUrl: string
  readonly ok: ReturnType<typeof okUrls>
  readonly mailru: ReturnType<typeof mailruUrls>
}

/**
 * The address of the emulator served by `layerServer`.
 *
 * @since 0.1.0
 * @category Context
 */
export class EmulatorServer extends Context.Tag("@okmail/emulator/EmulatorServer")<EmulatorServer, ServerInfo>() {}

/**
 * Options of a served emulator: the port (0, the default, picks a free one) and the loopback address.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ServerOptions {
  readonly port?: number | undefined
  readonly host?: string | undefined
}

/**
 * A fresh emulator served on a loopback port for as long as the layer's scope: provides its address and its
 * `EmulatorControl`. A dropped-connection fault closes the socket.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerServer = (
  options: ServerOptions = {}
): Layer.Layer<EmulatorServer | EmulatorControl, HttpServerError.ServeError> => {
  const host = options.host ?? "127.0.0.1"
  const serve = Layer.scopedContext(Effect.gen(function*() {
    const emulator = yield* make
    const server = yield* HttpServer.HttpServer
    yield* server.serve(
      emulator.app.pipe(
        Effect.catchTag("Disconnected", () => Effect.succeed(HttpServerResponse.empty({ status: 500 })))
      )
    )
    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    const baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`
    return Context.make(EmulatorServer, { baseUrl, ok: okUrls(baseUrl), mailru: mailruUrls(baseUrl) }).pipe(
      Context.add(EmulatorControl, emulator.control)
    )
  }))
  return serve.pipe(Layer.provide(NodeHttpServer.layer(() => createServer(), { port: options.port ?? 0, host })))
}
