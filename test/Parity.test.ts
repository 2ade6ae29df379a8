// Parity of the two clients: one table of cases, each run against OK.ru and Mail.Ru through a small adapter per
// API. The same mistake is refused the same way before any request, falsy values reach the wire signed, every
// exchange with a server is bounded in time, a client cannot be built over the other API's session, the same
// refusal has the same tag whichever flow met it, and what is provided to a client's layer holds for its calls.
import * as HttpClient from "@effect/platform/HttpClient"
import * as UrlParams from "@effect/platform/UrlParams"
import { assert, describe, it } from "@effect/vitest"
import { ApiError, type Client, type ConfigurationError, type Params, RateLimit, RetryPolicy } from "@okmail/core"
import { Emulator, EmulatorControl, Fault, Seed } from "@okmail/emulator"
import { MailRuAuth, MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkAuth, OkClient, OkConfig, OkSession } from "@okmail/okru"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"

type Api = "ok" | "mailru"

/** Any error of the library: a tagged class. */
interface Tagged {
  readonly _tag: string
}

/** What the cases do with a client, the same for both APIs. */
interface Calls {
  readonly call: (method: string, params?: Params.Params) => Effect.Effect<unknown, Client.Error>
  /** A read of the session's user: OK's `users.getCurrentUser`, Mail.Ru's `users.getInfo`. */
  readonly read: () => Effect.Effect<unknown, Client.Error>
  /** The typed `friends.get` given a parameter it does not name. */
  readonly friendsGetBogus: () => Effect.Effect<unknown, Client.Error>
}

/** The client under test, whichever API it calls. */
class Caller extends Context.Tag("@okmail/test/Parity/Caller")<Caller, Calls>() {}

/** What is provided to the client's layer, and to it only. */
interface ClientSettings {
  /** The API's config with this time limit; when absent the client's layer is given no config at all. */
  readonly timeout?: Duration.DurationInput | undefined
  /** `RateLimit` and `RetryPolicy` layers. */
  readonly layers?: Layer.Layer<never, ConfigurationError.ConfigurationError> | undefined
}

/** A flow that talks to a server, as a plain Effect. */
interface Flow {
  readonly name: string
  /** The emulator's target of the flow's first request (an OAuth endpoint or the authorize page). */
  readonly target: string
  /** What the `TimeoutError` names: the login walk's per-page limit says `login page`. */
  readonly limit?: string
  readonly run: Effect.Effect<unknown, Tagged, HttpClient.HttpClient | EmulatorControl.EmulatorControl>
}

/** A flow that the server refuses, and the tag the refusal must have. */
interface Refusal {
  readonly flow: string
  readonly why: string
  readonly run: Effect.Effect<unknown, Tagged, HttpClient.HttpClient | EmulatorControl.EmulatorControl>
  readonly tag: string
  /** The raw OAuth `error` an `OAuthError` carries. */
  readonly oauthError?: string
}

interface SlowPage {
  readonly target: string
  readonly delay: Duration.DurationInput
  readonly times: number
}

interface Adapter {
  readonly api: Api
  /** The client over a session on the seeded token (no flow, no renewal), with `settings` on its layer only. */
  readonly overToken: (settings?: ClientSettings) => Layer.Layer<Caller, unknown, HttpClient.HttpClient>
  /** The client over a refresh-token session whose layer is given the config with `sessionTimeout`. */
  readonly overRefresh: (
    sessionTimeout: Duration.DurationInput,
    settings?: ClientSettings
  ) => Layer.Layer<Caller, unknown, HttpClient.HttpClient>
  /** The emulator's name of `read`'s method. */
  readonly readMethod: string
  /** The keys the client sets itself. */
  readonly reserved: ReadonlyArray<string>
  /** The API's "service temporarily unavailable" code: a `ServiceUnavailableError`, retryable. */
  readonly serviceUnavailable: number
  /** The API's config with this time limit, for the flows. */
  readonly config: (timeout: Duration.DurationInput) => Layer.Layer<never, ConfigurationError.ConfigurationError>
  /** The token-endpoint grants and the implicit login walk. */
  readonly flows: ReadonlyArray<Flow>
  /** The implicit login walk, and delays that keep each of its pages under 2 s while the walk passes 4 s. */
  readonly implicit: Effect.Effect<unknown, Tagged, HttpClient.HttpClient>
  readonly slowPages: ReadonlyArray<SlowPage>
  readonly refusals: ReadonlyArray<Refusal>
}

const onClient = (
  settings: ClientSettings,
  config: (timeout: Duration.DurationInput) => Layer.Layer<never, ConfigurationError.ConfigurationError>
) =>
  Layer.merge(
    settings.layers ?? Layer.empty,
    settings.timeout === undefined ? Layer.empty : config(settings.timeout)
  )

const control = EmulatorControl.EmulatorControl

// --- OK.ru ---------------------------------------------------------------------------------------------------

const okApp = Seed.ok.application
const okIvan = Seed.ok.users[0]!
const okConfig = (timeout: Duration.DurationInput) => OkConfig.layer({ timeout })

const okTokenSession = OkSession.layerClient({
  applicationKey: okApp.key,
  accessToken: Redacted.make(Seed.ok.tokens.long.accessToken),
  sessionSecretKey: Redacted.make(Seed.ok.tokens.long.sessionSecretKey)
})

const okRefreshSession = OkSession.layerRefresh({
  applicationId: okApp.id,
  applicationKey: okApp.key,
  applicationSecretKey: Redacted.make(okApp.secretKey),
  refreshToken: Redacted.make(Seed.ok.tokens.refresh.refreshToken)
})

const okCaller = <E, R>(client: Layer.Layer<OkClient.OkClient, E, R>) =>
  Layer.effect(
    Caller,
    Effect.map(OkClient.OkClient, (client): Calls => ({
      call: client.call,
      read: () => client.users.getCurrentUser(),
      friendsGetBogus: () => client.friends.get({ bogus: 1 } as any)
    }))
  ).pipe(Layer.provide(client))

const okCode = (secretKey: string) =>
  Effect.flatMap(
    control,
    (emulator) => emulator.issueCode({ api: "ok", clientId: okApp.id, uid: okIvan.uid, redirectUri: okApp.redirectUri })
  ).pipe(Effect.flatMap((code) =>
    OkAuth.authorizationCode({
      applicationId: okApp.id,
      applicationSecretKey: Redacted.make(secretKey),
      code: Redacted.make(code),
      redirectUri: okApp.redirectUri
    })
  ))

// A refresh token of its own for each run, so that runs do not depend on one another.
const okRefreshToken = (revoked: boolean) =>
  Effect.gen(function*() {
    const emulator = yield* control
    const issued = yield* emulator.issueToken({ api: "ok", clientId: okApp.id, uid: okIvan.uid })
    if (revoked) yield* emulator.revokeToken(issued.refreshToken)
    return yield* OkAuth.refresh({
      applicationId: okApp.id,
      applicationSecretKey: Redacted.make(okApp.secretKey),
      refreshToken: Redacted.make(issued.refreshToken)
    })
  })

const okImplicit = (options: { readonly applicationId?: string; readonly password?: string } = {}) =>
  OkAuth.implicit({
    applicationId: options.applicationId ?? okApp.id,
    login: okIvan.login,
    password: Redacted.make(options.password ?? okIvan.password)
  })

const okPassword = (password: string) =>
  OkAuth.password({
    applicationKey: okApp.key,
    applicationSecretKey: Redacted.make(okApp.secretKey),
    login: okIvan.login,
    password: Redacted.make(password)
  })

const ok: Adapter = {
  api: "ok",
  overToken: (settings = {}) =>
    okCaller(OkClient.layer.pipe(Layer.provide(onClient(settings, okConfig)), Layer.provideMerge(okTokenSession))),
  overRefresh: (sessionTimeout, settings = {}) =>
    okCaller(
      OkClient.layer.pipe(
        Layer.provide(onClient(settings, okConfig)),
        Layer.provideMerge(okRefreshSession.pipe(Layer.provide(okConfig(sessionTimeout))))
      )
    ),
  readMethod: "users.getCurrentUser",
  reserved: ["method", "application_key", "format", "sig", "access_token", "session_key"],
  serviceUnavailable: 2,
  config: okConfig,
  flows: [
    { name: "OkAuth.authorizationCode", target: "oauth/token.do", run: okCode(okApp.secretKey) },
    { name: "OkAuth.refresh", target: "oauth/token.do", run: okRefreshToken(false) },
    { name: "OkAuth.implicit", target: "oauth/authorize", limit: "login page", run: okImplicit() }
  ],
  implicit: okImplicit(),
  // Pages: authorize + login (1.95 s), login posted + permission (1.9 s), permission posted (0.95 s): 4.8 s in all.
  slowPages: [
    { target: "oauth/authorize", delay: "1000 millis", times: 1 },
    { target: "dk", delay: "950 millis", times: 4 }
  ],
  refusals: [
    {
      flow: "OkAuth.implicit",
      why: "a wrong password",
      run: okImplicit({ password: "not-the-password" }),
      tag: "WrongCredentialsError"
    },
    {
      flow: "OkAuth.password",
      why: "a wrong password",
      run: okPassword("not-the-password"),
      tag: "WrongCredentialsError"
    },
    {
      flow: "OkAuth.authorizationCode",
      why: "a wrong application secret key",
      run: okCode("00000000000000000000000000000000"),
      tag: "UnknownClientError"
    },
    {
      flow: "OkAuth.implicit",
      why: "an unknown application",
      run: okImplicit({ applicationId: "424242" }),
      tag: "UnknownClientError"
    },
    {
      flow: "OkAuth.refresh",
      why: "a revoked refresh token",
      run: okRefreshToken(true),
      tag: "OAuthError",
      oauthError: "invalid_grant"
    }
  ]
}

// --- Mail.Ru ---------------------------------------------------------------------------------------------------

const mrApp = Seed.mailru.application
const mrIvan = Seed.mailru.users[0]!
const mrBlocked = Seed.mailru.blocked
const mailruConfig = (timeout: Duration.DurationInput) => MailRuConfig.layer({ timeout })

const mailruTokenSession = MailRuSession.layerClient({
  appId: mrApp.id,
  privateKey: Redacted.make(mrApp.privateKey),
  accessToken: Redacted.make(Seed.mailru.tokens.session.accessToken),
  uid: Seed.mailru.tokens.session.uid
})

const mailruRefreshSession = MailRuSession.layerRefresh({
  appId: mrApp.id,
  privateKey: Redacted.make(mrApp.privateKey),
  secretKey: Redacted.make(mrApp.secretKey),
  refreshToken: Redacted.make(Seed.mailru.tokens.session.refreshToken)
})

const mailruCaller = <E, R>(client: Layer.Layer<MailRuClient.MailRuClient, E, R>) =>
  Layer.effect(
    Caller,
    Effect.map(MailRuClient.MailRuClient, (client): Calls => ({
      call: client.call,
      read: () => client.users.getInfo(),
      friendsGetBogus: () => client.friends.get({ bogus: 1 } as any)
    }))
  ).pipe(Layer.provide(client))

const mailruCode = (secretKey: string) =>
  Effect.flatMap(
    control,
    (emulator) =>
      emulator.issueCode({ api: "mailru", clientId: mrApp.id, uid: mrIvan.uid, redirectUri: mrApp.redirectUri })
  ).pipe(Effect.flatMap((code) =>
    MailRuAuth.authorizationCode({
      appId: mrApp.id,
      secretKey: Redacted.make(secretKey),
      code: Redacted.make(code),
      redirectUri: mrApp.redirectUri
    })
  ))

const mailruRefreshToken = (revoked: boolean) =>
  Effect.gen(function*() {
    const emulator = yield* control
    const issued = yield* emulator.issueToken({ api: "mailru", clientId: mrApp.id, uid: mrIvan.uid })
    if (revoked) yield* emulator.revokeToken(issued.refreshToken)
    return yield* MailRuAuth.refresh({
      appId: mrApp.id,
      secretKey: Redacted.make(mrApp.secretKey),
      refreshToken: Redacted.make(issued.refreshToken)
    })
  })

const mailruPassword = (
  options: { readonly email?: string; readonly password?: string; readonly secretKey?: string } = {}
) =>
  MailRuAuth.password({
    appId: mrApp.id,
    secretKey: Redacted.make(options.secretKey ?? mrApp.secretKey),
    email: options.email ?? mrIvan.email,
    password: Redacted.make(options.password ?? mrIvan.password)
  })

const mailruImplicit = (
  options: { readonly appId?: string; readonly email?: string; readonly password?: string } = {}
) =>
  MailRuAuth.implicit({
    appId: options.appId ?? mrApp.id,
    email: options.email ?? mrIvan.email,
    password: Redacted.make(options.password ?? mrIvan.password)
  })

const mailru: Adapter = {
  api: "mailru",
  overToken: (settings = {}) =>
    mailruCaller(
      MailRuClient.layer.pipe(Layer.provide(onClient(settings, mailruConfig)), Layer.provideMerge(mailruTokenSession))
    ),
  overRefresh: (sessionTimeout, settings = {}) =>
    mailruCaller(
      MailRuClient.layer.pipe(
        Layer.provide(onClient(settings, mailruConfig)),
        Layer.provideMerge(mailruRefreshSession.pipe(Layer.provide(mailruConfig(sessionTimeout))))
      )
    ),
  readMethod: "users.getInfo",
  reserved: ["method", "app_id", "session_key", "secure", "sig"],
  serviceUnavailable: 3,
  config: mailruConfig,
  flows: [
    { name: "MailRuAuth.password", target: "oauth/token", run: mailruPassword() },
    { name: "MailRuAuth.refresh", target: "oauth/token", run: mailruRefreshToken(false) },
    { name: "MailRuAuth.implicit", target: "oauth/authorize", limit: "login page", run: mailruImplicit() }
  ],
  implicit: mailruImplicit(),
  // Pages: authorize (1.9 s), login posted + authorize (1.9 s), permission posted (1.9 s): 5.7 s in all.
  slowPages: [{ target: "oauth/authorize", delay: "1900 millis", times: 3 }],
  refusals: [
    {
      flow: "MailRuAuth.implicit",
      why: "a wrong password",
      run: mailruImplicit({ password: "not-the-password" }),
      tag: "WrongCredentialsError"
    },
    {
      flow: "MailRuAuth.password",
      why: "a wrong password",
      run: mailruPassword({ password: "not-the-password" }),
      tag: "WrongCredentialsError"
    },
    {
      flow: "MailRuAuth.authorizationCode",
      why: "a wrong secret key",
      run: mailruCode("00000000000000000000000000000000"),
      tag: "UnknownClientError"
    },
    {
      flow: "MailRuAuth.password",
      why: "a wrong secret key",
      run: mailruPassword({ secretKey: "00000000000000000000000000000000" }),
      tag: "UnknownClientError"
    },
    {
      flow: "MailRuAuth.implicit",
      why: "an unknown application",
      run: mailruImplicit({ appId: "424242" }),
      tag: "UnknownClientError"
    },
    {
      flow: "MailRuAuth.implicit",
      why: "a blocked user",
      run: mailruImplicit({ email: mrBlocked.email, password: mrBlocked.password }),
      tag: "UserBlockedError"
    },
    {
      flow: "MailRuAuth.password",
      why: "a blocked user",
      run: mailruPassword({ email: mrBlocked.email, password: mrBlocked.password }),
      tag: "UserBlockedError"
    },
    {
      flow: "MailRuAuth.refresh",
      why: "a revoked refresh token",
      run: mailruRefreshToken(true),
      tag: "OAuthError",
      oauthError: "invalid_grant"
    }
  ]
}

const adapters: { readonly [K in Api]: Adapter } = { ok, mailru }

// --- Helpers ---------------------------------------------------------------------------------------------------

const requests = Effect.flatMap(control, (emulator) => emulator.requests)

const requestCount = Effect.map(requests, (log) => log.length)

const callsOf = (api: Api, method: string) =>
  Effect.map(requests, (log) => log.filter((entry) => entry.api === api && entry.method === method))

const inject = (api: Api, target: string, fault: Fault.Fault, times = 1) =>
  Effect.flatMap(control, (emulator) => emulator.inject({ api, target, fault, times }))

/** The error the effect fails with; a test failure if it succeeds, dies or is interrupted. */
const failureOf = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<E, never, R> =>
  Effect.flatMap(Effect.exit(effect), (exit) => exitFailure(exit))

const exitFailure = <A, E>(exit: Exit.Exit<A, E>): Effect.Effect<E> =>
  Exit.isSuccess(exit)
    ? Effect.dieMessage(`succeeded where a failure was due: ${JSON.stringify(exit.value)?.slice(0, 200)}`)
    : Option.match(Cause.failureOption(exit.cause), {
      onNone: () => Effect.dieMessage(`not a failure: ${Cause.pretty(exit.cause)}`),
      onSome: Effect.succeed
    })

/** Moves the test clock on by `millis`, in steps of 50 ms so that each woken fiber runs before the next wakes. */
const drive = (millis: number) =>
  Effect.forEach(Array.from({ length: Math.ceil(millis / 50) }), () => TestClock.adjust("50 millis"), { discard: true })

/** Asserts the fiber is still running. */
const assertRunning = <A, E>(fiber: Fiber.Fiber<A, E>, when: string) =>
  Effect.map(Fiber.poll(fiber), (exit) => {
    if (Option.isSome(exit)) {
      const outcome = Exit.isSuccess(exit.value) ? "succeeded" : Cause.pretty(exit.value.cause)
      assert.fail(`already done ${when}: ${outcome}`)
    }
  })

/** The error of a fiber that must have failed by now. */
const failedWith = <A, E>(fiber: Fiber.Fiber<A, E>, when: string): Effect.Effect<E> =>
  Effect.flatMap(Fiber.poll(fiber), (exit) =>
    Option.isNone(exit)
      ? Effect.flatMap(Fiber.interrupt(fiber), () => Effect.dieMessage(`still running ${when}`))
      : exitFailure(exit.value))

const assertTimeout = (error: unknown, timeoutMillis: number, method?: string) => {
  const tagged = error as { readonly _tag: string; readonly timeoutMillis?: number; readonly method?: string }
  assert.strictEqual(tagged._tag, "TimeoutError", `${JSON.stringify(error)}`)
  assert.strictEqual(tagged.timeoutMillis, timeoutMillis)
  if (method !== undefined) assert.strictEqual(tagged.method, method)
}

/** The parameters of every request sent, query and form body together; the emulator's log keeps no values. */
const recordingEmulator = (sent: Array<URLSearchParams>) =>
  Layer.provideMerge(
    Layer.effect(
      HttpClient.HttpClient,
      Effect.map(HttpClient.HttpClient, (http) =>
        HttpClient.tapRequest(http, (request) =>
          Effect.sync(() => {
            const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
            sent.push(new URLSearchParams(`${UrlParams.toString(request.urlParams)}&${body}`))
          })))
    ),
    Emulator.layerInProcess()
  )

// --- The compile-time half of "a client over the other API's session" ----------------------------------------

const okServer = {
  applicationKey: okApp.key,
  applicationSecretKey: Redacted.make(okApp.secretKey),
  accessToken: Redacted.make(Seed.ok.tokens.long.accessToken)
}
const mailruServer = {
  appId: mrApp.id,
  secretKey: Redacted.make(mrApp.secretKey),
  accessToken: Redacted.make(Seed.mailru.tokens.session.accessToken)
}

/** Accepts a layer that needs nothing but an HTTP client: its session's services must all be provided. */
const needsOnlyHttp = <A, E>(layer: Layer.Layer<A, E, HttpClient.HttpClient>) => layer

/**
 * Never run: `pnpm check` type-checks it, and each `@ts-expect-error` fails the check unless its line is an error.
 * The first two lines, which differ only in the session's API, must compile.
 */
const wrongSessionDoesNotCompile = () => [
  needsOnlyHttp(OkClient.layer.pipe(Layer.provide(OkSession.layerServer(okServer)))),
  needsOnlyHttp(MailRuClient.layer.pipe(Layer.provide(MailRuSession.layerServer(mailruServer)))),
  // @ts-expect-error an OkClient cannot be built over a Mail.Ru session
  needsOnlyHttp(OkClient.layer.pipe(Layer.provide(MailRuSession.layerServer(mailruServer)))),
  // @ts-expect-error a MailRuClient cannot be built over an OK session
  needsOnlyHttp(MailRuClient.layer.pipe(Layer.provide(OkSession.layerServer(okServer))))
]

// --- The cases -------------------------------------------------------------------------------------------------

interface Test {
  readonly title: string
  readonly run: () => Effect.Effect<unknown, unknown>
}

interface Case {
  readonly name: string
  readonly tests: (adapter: Adapter) => ReadonlyArray<Test>
}

const badMethodNames = ["", "users", "users.", ".x", "users.get info", "a.b/c"]

const cases: ReadonlyArray<Case> = [
  {
    name: "1. a malformed method name is a ParamsError on `method`, and nothing is sent",
    tests: (adapter) =>
      badMethodNames.map((method): Test => ({
        title: `call(${JSON.stringify(method)})`,
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            const before = yield* requestCount
            const error = yield* failureOf(calls.call(method))
            assert.strictEqual(error._tag, "ParamsError", JSON.stringify(error))
            assert.strictEqual((error as ConfigurationError.ParamsError).key, "method")
            assert.strictEqual(yield* requestCount, before)
          }).pipe(Effect.provide(adapter.overToken()), Effect.provide(Emulator.layerInProcess()))
      }))
  },
  {
    name: "2. a key the client sets itself is a ParamsError naming it, and nothing is sent",
    tests: (adapter) =>
      adapter.reserved.map((key): Test => ({
        title: `call("friends.get", { ${key} })`,
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            const before = yield* requestCount
            const error = yield* failureOf(calls.call("friends.get", { [key]: "x" }))
            assert.strictEqual(error._tag, "ParamsError", JSON.stringify(error))
            assert.strictEqual((error as ConfigurationError.ParamsError).key, key)
            assert.strictEqual(yield* requestCount, before)
          }).pipe(Effect.provide(adapter.overToken()), Effect.provide(Emulator.layerInProcess()))
      }))
  },
  {
    name: "3. a parameter a typed method does not name is a ParamsError, and nothing is sent",
    tests: (adapter) => [{
      title: "friends.get({ bogus: 1 })",
      run: () =>
        Effect.gen(function*() {
          const calls = yield* Caller
          const before = yield* requestCount
          const error = yield* failureOf(calls.friendsGetBogus())
          assert.strictEqual(error._tag, "ParamsError", JSON.stringify(error))
          assert.strictEqual((error as ConfigurationError.ParamsError).key, "bogus")
          assert.strictEqual(yield* requestCount, before)
        }).pipe(Effect.provide(adapter.overToken()), Effect.provide(Emulator.layerInProcess()))
    }]
  },
  {
    name: "4. falsy values reach the wire and are signed",
    tests: (adapter) => [{
      title: "offset=0, flag=false, empty=\"\" are sent, and the signature over them is accepted",
      run: () => {
        const sent: Array<URLSearchParams> = []
        return Effect.gen(function*() {
          const calls = yield* Caller
          const result = yield* Effect.either(calls.call("friends.get", { offset: 0, flag: false, empty: "" }))
          const wire = sent.filter((params) => params.get("method") === "friends.get")
          assert.lengthOf(wire, 1)
          assert.strictEqual(wire[0]!.get("offset"), "0")
          assert.strictEqual(wire[0]!.get("flag"), "false")
          assert.strictEqual(wire[0]!.get("empty"), "")
          // Accepted: a result, or an API error other than a refused signature.
          if (result._tag === "Left") {
            assert.isTrue(ApiError.isApiError(result.left), `not an API error: ${JSON.stringify(result.left)}`)
            assert.notStrictEqual(result.left._tag, "BadSignatureError")
          }
          const log = yield* callsOf(adapter.api, "friends.get")
          assert.lengthOf(log, 1)
          assert.notStrictEqual(log[0]!.verdict, "error 104")
        }).pipe(Effect.provide(adapter.overToken()), Effect.provide(recordingEmulator(sent)))
      }
    }]
  },
  {
    name: "5. every exchange with a server is bounded in time",
    tests: (adapter) => [
      {
        title: "a call answered after 10 s fails with a TimeoutError at the 2 s limit, not before",
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            yield* inject(adapter.api, adapter.readMethod, Fault.delay("10 seconds"))
            const fiber = yield* Effect.fork(calls.read())
            yield* drive(1900)
            yield* assertRunning(fiber, "at 1.9 s")
            yield* drive(200)
            assertTimeout(yield* failedWith(fiber, "at 2.1 s"), 2000)
          }).pipe(
            Effect.provide(adapter.overToken()),
            Effect.provide(
              Layer.mergeAll(Emulator.layerInProcess(), adapter.config("2 seconds"), RetryPolicy.layerNone)
            )
          )
      },
      ...adapter.flows.map((flow): Test => ({
        title: `${flow.name}, with ${flow.target} stalled, fails with a TimeoutError at the 2 s limit, not before`,
        run: () =>
          Effect.gen(function*() {
            // Unstalled, the flow gets its token at once: a failure below is the stall's.
            yield* flow.run
            yield* inject(adapter.api, flow.target, Fault.delay("1 minute"))
            const fiber = yield* Effect.fork(flow.run)
            yield* drive(1900)
            yield* assertRunning(fiber, "at 1.9 s")
            yield* drive(200)
            assertTimeout(yield* failedWith(fiber, "at 2.1 s"), 2000, flow.limit)
          }).pipe(Effect.provide(Layer.merge(Emulator.layerInProcess(), adapter.config("2 seconds"))))
      })),
      {
        title: "the implicit walk, each page under the 2 s limit, fails with a TimeoutError at the 4 s walk limit",
        run: () =>
          Effect.gen(function*() {
            for (const slow of adapter.slowPages) {
              yield* inject(adapter.api, slow.target, Fault.delay(slow.delay), slow.times)
            }
            const fiber = yield* Effect.fork(adapter.implicit)
            yield* drive(3900)
            yield* assertRunning(fiber, "at 3.9 s")
            yield* drive(200)
            assertTimeout(yield* failedWith(fiber, "at 4.1 s"), 4000, "login walk")
          }).pipe(Effect.provide(Layer.merge(Emulator.layerInProcess(), adapter.config("2 seconds"))))
      }
    ]
  },
  {
    name: "6. a client is built over its own API's session only; both clients live in one program",
    tests: (adapter) => {
      const okSession = okTokenSession
      const mailruSession = mailruTokenSession
      const layers = {
        "Layer.mergeAll of each client over its session": Layer.mergeAll(
          OkClient.layer.pipe(Layer.provide(okSession)),
          MailRuClient.layer.pipe(Layer.provide(mailruSession))
        ),
        "Layer.provideMerge of both clients over both sessions": Layer.provideMerge(
          Layer.merge(OkClient.layer, MailRuClient.layer),
          Layer.merge(okSession, mailruSession)
        )
      }
      return [
        {
          title: "the wrong session does not compile (checked by `pnpm check`)",
          run: () => Effect.sync(() => assert.isFunction(wrongSessionDoesNotCompile))
        },
        ...Object.entries(layers).map(([how, layer]): Test => ({
          title: `${how}: both clients call their API; this one's call is signed by its own session`,
          run: () =>
            Effect.gen(function*() {
              const okClient = yield* OkClient.OkClient
              const mailruClient = yield* MailRuClient.MailRuClient
              const [okUser, mailruUsers] = yield* Effect.all([
                okClient.users.getCurrentUser(),
                mailruClient.users.getInfo()
              ])
              if (adapter.api === "ok") assert.strictEqual(okUser.uid, Seed.ok.tokens.long.uid)
              else assert.strictEqual(mailruUsers[0]?.uid, Seed.mailru.tokens.session.uid)
              const log = yield* callsOf(adapter.api, adapter.readMethod)
              assert.deepStrictEqual(log.map((entry) => [entry.verdict, entry.circuit]), [["ok", "client-server"]])
            }).pipe(Effect.provide(layer), Effect.provide(Emulator.layerInProcess()))
        }))
      ]
    }
  },
  {
    name: "7. the same refusal has the same tag whichever flow or grant meets it",
    tests: (adapter) =>
      adapter.refusals.map((refusal): Test => ({
        title: `${refusal.flow}, ${refusal.why} → ${refusal.tag}${
          refusal.oauthError === undefined ? "" : ` (${refusal.oauthError})`
        }`,
        run: () =>
          Effect.gen(function*() {
            const error = yield* failureOf(refusal.run)
            assert.strictEqual(error._tag, refusal.tag, JSON.stringify(error))
            if (refusal.oauthError !== undefined) {
              assert.strictEqual((error as { readonly error?: string }).error, refusal.oauthError)
            }
          }).pipe(Effect.provide(Emulator.layerInProcess()))
      }))
  },
  {
    name: "8. what is provided to the client's layer holds for its calls",
    tests: (adapter) => [
      {
        title: "RateLimit 2/s on the client's layer: 6 concurrent calls start at 0, 1.1 and 2.2 s",
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            const done = yield* Ref.make(0)
            const fiber = yield* Effect.fork(
              Effect.forEach(
                Array.from({ length: 6 }),
                () => Effect.zipRight(calls.read(), Ref.update(done, (n) => n + 1)),
                { concurrency: "unbounded", discard: true }
              )
            )
            yield* drive(1000)
            assert.strictEqual(yield* Ref.get(done), 2, "calls done within the first window")
            yield* drive(1150)
            assert.strictEqual(yield* Ref.get(done), 4, "calls done before the third window")
            yield* drive(100)
            assert.strictEqual(yield* Ref.get(done), 6, "calls done once the third window opened")
            yield* Fiber.join(fiber)
            const log = yield* callsOf(adapter.api, adapter.readMethod)
            assert.deepStrictEqual(log.map((entry) => entry.at), [0, 0, 1100, 1100, 2200, 2200])
          }).pipe(
            Effect.provide(adapter.overToken({ layers: RateLimit.layer({ requestsPerSecond: 2 }) })),
            Effect.provide(Emulator.layerInProcess())
          )
      },
      {
        title: "RetryPolicy maxRetries 1 on the client's layer: a service twice unavailable is tried exactly twice",
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            yield* inject(adapter.api, adapter.readMethod, Fault.apiError(adapter.serviceUnavailable), 2)
            const fiber = yield* Effect.fork(calls.read())
            yield* drive(1000)
            const error = yield* failedWith(fiber, "after 1 s")
            assert.strictEqual((error as Tagged)._tag, "ServiceUnavailableError")
            const log = yield* callsOf(adapter.api, adapter.readMethod)
            assert.deepStrictEqual(log.map((entry) => entry.verdict), ["fault ApiError", "fault ApiError"])
          }).pipe(
            Effect.provide(adapter.overToken({ layers: RetryPolicy.layer({ maxRetries: 1, base: "10 millis" }) })),
            Effect.provide(Emulator.layerInProcess())
          )
      },
      {
        title: "RetryPolicy.none provided around one call wins over the client's layer for that call only",
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            yield* inject(adapter.api, adapter.readMethod, Fault.apiError(adapter.serviceUnavailable), 2)
            const once = yield* Effect.fork(
              calls.read().pipe(Effect.provideService(RetryPolicy.CurrentRetryPolicy, RetryPolicy.none))
            )
            yield* drive(1000)
            assert.strictEqual(((yield* failedWith(once, "after 1 s")) as Tagged)._tag, "ServiceUnavailableError")
            assert.lengthOf(yield* callsOf(adapter.api, adapter.readMethod), 1)
            // The next call, without the override, has the client's retry: the second fault, then an answer.
            const retried = yield* Effect.fork(calls.read())
            yield* drive(1000)
            yield* Fiber.join(retried)
            const log = yield* callsOf(adapter.api, adapter.readMethod)
            assert.deepStrictEqual(log.map((entry) => entry.verdict), ["fault ApiError", "fault ApiError", "ok"])
          }).pipe(
            Effect.provide(adapter.overToken({ layers: RetryPolicy.layer({ maxRetries: 1, base: "10 millis" }) })),
            Effect.provide(Emulator.layerInProcess())
          )
      },
      {
        title: "the config's 3 s time limit on the client's layer wins over the 20 s one around it",
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            yield* inject(adapter.api, adapter.readMethod, Fault.delay("10 seconds"))
            const fiber = yield* Effect.fork(calls.read())
            yield* drive(2900)
            yield* assertRunning(fiber, "at 2.9 s")
            yield* drive(200)
            assertTimeout(yield* failedWith(fiber, "at 3.1 s"), 3000)
          }).pipe(
            Effect.provide(adapter.overToken({ timeout: "3 seconds", layers: RetryPolicy.layerNone })),
            Effect.provide(Layer.merge(Emulator.layerInProcess(), adapter.config("20 seconds")))
          )
      },
      {
        title: "a refresh session built under a 7 s config, its client under a 9 s one: a ConfigurationError " +
          "on `config`",
        run: () =>
          Effect.gen(function*() {
            const mismatched = adapter.overRefresh("7 seconds", { timeout: "9 seconds" })
            const error = yield* failureOf(Effect.scoped(Layer.build(mismatched)))
            assert.strictEqual((error as Tagged)._tag, "ConfigurationError", JSON.stringify(error))
            assert.strictEqual((error as ConfigurationError.ConfigurationError).option, "config")
            // The session's flow ran (a token request); no API call was made with its token.
            const log = yield* requests
            assert.isTrue(log.some((entry) => entry.grant === "refresh_token" && entry.verdict === "ok"))
            assert.isFalse(log.some((entry) => entry.method === adapter.readMethod))
            // The same settings on both: the client builds and calls (on an emulator of its own, as Mail.Ru has
            // spent the seeded refresh token above).
            yield* Effect.scoped(
              Effect.flatMap(
                Layer.build(adapter.overRefresh("7 seconds", { timeout: "7 seconds" })),
                (context) => Context.get(context, Caller).read()
              )
            ).pipe(Effect.provide(Emulator.layerInProcess()))
          }).pipe(Effect.provide(Emulator.layerInProcess()))
      },
      {
        title: "a client given no config over a refresh session built under a 7 s one holds the session's 7 s limit",
        run: () =>
          Effect.gen(function*() {
            const calls = yield* Caller
            yield* inject(adapter.api, adapter.readMethod, Fault.delay("8 seconds"))
            const fiber = yield* Effect.fork(calls.read())
            yield* drive(6900)
            yield* assertRunning(fiber, "at 6.9 s")
            yield* drive(200)
            assertTimeout(yield* failedWith(fiber, "at 7.1 s"), 7000)
          }).pipe(
            Effect.provide(adapter.overRefresh("7 seconds", { layers: RetryPolicy.layerNone })),
            Effect.provide(Emulator.layerInProcess())
          )
      }
    ]
  }
]

for (const testCase of cases) {
  describe(testCase.name, () => {
    for (const api of ["ok", "mailru"] as const) {
      for (const test of testCase.tests(adapters[api])) {
        it.effect(`${api}: ${test.title}`, () => test.run())
      }
    }
  })
}
