/**
 * `pnpm bench:ladder [--server] [concurrency]`: where the CPU of one `OkClient.call` goes, layer by layer.
 *
 * Each rung adds one wrapper of the real call path on top of the one before, from a bare `HttpClient.execute`
 * to `OkClient.call`, and the last rungs are a lean prototype of the same call (the fixes proposed in
 * RESULTS.md) so that a proposed gain is a measured one. By default the transport is in memory (an `HttpClient`
 * that answers a fixed body at once), which takes the server and the network out of the numbers: CPU µs per
 * call, one fiber, best of 3 runs. With `--server` the same rungs run against the emulator over undici at the
 * given concurrency (64 by default), next to the minimal client, with the heap each call holds while in flight.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as ApiCall from "@okmail/core/ApiCall"
import * as ApiHttp from "@okmail/core/ApiHttp"
import * as RateLimit from "@okmail/core/RateLimit"
import * as RetryPolicy from "@okmail/core/RetryPolicy"
import * as Signer from "@okmail/core/Signer"
import type * as Token from "@okmail/core/Token"
import * as TokenStore from "@okmail/core/TokenStore"
import { Emulator, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig } from "@okmail/mailru"
import { OkClient, OkConfig, OkError } from "@okmail/okru"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import {
  type Driver,
  fmt,
  type LoadResult,
  measureLoad,
  promiseDriver,
  type Server,
  startServer,
  table
} from "./harness.js"
import * as Minimal from "./minimal.js"
import { fiberDriver, httpLayers, mailruSession, okSession } from "./okmail.js"

const serverMode = process.argv.includes("--server")
const concurrency = Math.max(1, Math.min(1024, Number(process.argv.slice(2).find((a) => !a.startsWith("--"))) || 64))

/** The body the emulator answers `users.getCurrentUser` with. */
const answer = JSON.stringify({
  uid: Seed.ok.tokens.long.uid,
  name: "Иван Иванов",
  first_name: "Иван",
  last_name: "Иванов",
  gender: "male",
  birthday: "1990-04-12",
  locale: "ru",
  location: { city: "Москва", country: "RUSSIAN_FEDERATION" },
  pic_1: `https://i.mycdn.me/res/stub_50x50.gif?u=${Seed.ok.tokens.long.uid}`
})

const inMemory: Layer.Layer<HttpClient.HttpClient> = Layer.succeed(
  HttpClient.HttpClient,
  HttpClient.make((request) =>
    Effect.sync(() =>
      HttpClientResponse.fromWeb(request, new Response(answer, { headers: { "content-type": "application/json" } }))
    )
  )
)

const server: Server | undefined = serverMode ? await startServer() : undefined
const baseUrl = server?.baseUrl ?? "http://127.0.0.1:9"
const http = server === undefined ? inMemory : httpLayers.undici
const okUrls = Emulator.okUrls(baseUrl)
const clients = Layer.merge(
  OkClient.layer.pipe(Layer.provideMerge(okSession)),
  MailRuClient.layer.pipe(Layer.provide(mailruSession))
).pipe(
  Layer.provideMerge(Layer.mergeAll(http, OkConfig.layer(okUrls), MailRuConfig.layer(Emulator.mailruUrls(baseUrl))))
)
const runtime = ManagedRuntime.make(clients)
const context = await runtime.runPromise(
  Effect.context<OkClient.OkClient | Signer.Signer | TokenStore.TokenStore | HttpClient.HttpClient>()
)
const signer = Context.get(context, Signer.Signer)
const store = Context.get(context, TokenStore.TokenStore)
const client = Context.get(context, OkClient.OkClient)
const httpClient = Context.get(context, HttpClient.HttpClient)
const method = "users.getCurrentUser"
const timeout = Duration.seconds(30)

// ---------------------------------------------------------------------------------------------------------------
// The rungs
// ---------------------------------------------------------------------------------------------------------------

const execute = (params: Record<string, string>) =>
  Effect.flatMap(HttpClient.HttpClient, (current) =>
    current.execute(HttpClientRequest.post(okUrls.apiUrl).pipe(HttpClientRequest.bodyUrlParams(Object.entries(params))))
      .pipe(Effect.flatMap((response) => Effect.map(response.text, (body) => ({ status: response.status, body })))))

const platform = (token: Option.Option<Token.Token>) =>
  Effect.flatMap(signer.sign({ method }, token), (params) => Effect.map(execute(params), (r) => JSON.parse(r.body)))

const exchange = (token: Option.Option<Token.Token>) =>
  Effect.gen(function*() {
    const params = yield* signer.sign({ method }, token)
    const request: ApiHttp.Request = { api: "ok", method, url: okUrls.apiUrl, httpMethod: "POST", params, timeout }
    const response = yield* ApiHttp.send(request)
    const body = yield* ApiHttp.parseJson(request, response)
    const error = OkError.fromBody(body, method)
    return Option.isSome(error) ? yield* Effect.fail(error.value) : body
  })

const rateLimited = (token: Option.Option<Token.Token>) =>
  RateLimit.limitCall(Seed.ok.application.key, token)(exchange(token))

const withToken = Effect.flatMap(store.get, (token) => Effect.succeed(token))

// The lean prototype: the same steps as OkClient.call (span, token, retry, sign, send with a time limit, parse,
// classify) without the wrappers that cost and change nothing on this path: services are captured, not
// provided per call (F1); no rate limiter when it is `unlimited` (F2); no `Effect.scoped` around `execute`
// (F3); the retry schedule built once (F4).
const schedule = RetryPolicy.schedule(RetryPolicy.defaults)
const lean = (options: { readonly httpSpan: boolean; readonly timeLimit: boolean }) =>
  Effect.fn("OkClient.call")(function*(name: string) {
    yield* Effect.annotateCurrentSpan("okru.method", name)
    const token = yield* store.get
    const attempt = Effect.gen(function*() {
      const params = yield* signer.sign({ method: name }, token)
      const request: ApiHttp.Request = { api: "ok", method: name, url: okUrls.apiUrl, httpMethod: "POST", params }
      const sent = options.httpSpan ? execute(params) : Effect.withTracerEnabled(execute(params), false)
      const limited = options.timeLimit
        ? Effect.timeoutFail(sent, { duration: timeout, onTimeout: () => "timeout" as const })
        : sent
      const response = yield* Effect.orDie(limited)
      const read: ApiHttp.Response = { status: response.status, headers: {} as never, body: response.body }
      const body = yield* ApiHttp.parseJson(request, read)
      const error = OkError.fromBody(body, name)
      return Option.isSome(error) ? yield* Effect.fail(error.value) : body
    })
    return yield* Effect.retry(attempt, { schedule, while: RetryPolicy.isRetryable })
  })
const leanCall = lean({ httpSpan: true, timeLimit: true })
const leanNoHttpSpan = lean({ httpSpan: false, timeLimit: true })
const leanNoTimeLimit = lean({ httpSpan: false, timeLimit: false })

/** What the rungs may need from the runtime. */
type Needs = HttpClient.HttpClient | OkClient.OkClient | MailRuClient.MailRuClient

const rungs: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, Needs>]> = [
  ["a  sign + HttpClient.execute + text + JSON.parse", Effect.flatMap(withToken, platform)],
  ["a' a with the tracer off", Effect.withTracerEnabled(Effect.flatMap(withToken, platform), false)],
  ["b  a + Effect.scoped", Effect.scoped(Effect.flatMap(withToken, platform))],
  [
    "c  b + Effect.timeoutFail",
    Effect.scoped(Effect.flatMap(withToken, platform)).pipe(
      Effect.timeoutFail({ duration: timeout, onTimeout: () => "timeout" })
    )
  ],
  ["d  ApiHttp.send + parseJson + OkError.fromBody", Effect.flatMap(withToken, exchange)],
  ["e  d in RateLimit.limitCall (unlimited)", Effect.flatMap(withToken, rateLimited)],
  [
    "f  e in ApiCall.run (token, retry policy)",
    ApiCall.run({ method }, rateLimited).pipe(Effect.provideService(TokenStore.TokenStore, store))
  ],
  [
    "g  f + OkClient.run's three provideService",
    ApiCall.run({ method }, rateLimited).pipe(
      Effect.provideService(TokenStore.TokenStore, store),
      Effect.provideService(HttpClient.HttpClient, httpClient),
      Effect.provideService(RateLimit.RateLimit, RateLimit.unlimited)
    )
  ],
  ["h  OkClient.call (the real one: g + Effect.fn span + Params.encode)", client.call(method)],
  ["i  h with the tracer off", Effect.withTracerEnabled(client.call(method), false)],
  ["L1 lean prototype (F1-F4)", Effect.suspend(() => leanCall(method))],
  ["L2 L1 without HttpClient's own span (F6)", Effect.suspend(() => leanNoHttpSpan(method))],
  [
    "L3 L2 without Effect.timeoutFail (what a cheaper time limit could save)",
    Effect.suspend(() => leanNoTimeLimit(method))
  ],
  ["M  MailRuClient.call (the real one)", Effect.flatMap(MailRuClient.MailRuClient, (c) => c.call("users.getInfo"))]
]

// ---------------------------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------------------------

const loop = (effect: Effect.Effect<unknown, unknown, Needs>, count: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < count; i++) yield* effect
  })

const inMemoryLadder = async () => {
  const count = 5_000
  for (const [, effect] of rungs) await runtime.runPromise(loop(effect, 2_000))
  const best = new Map<string, number>()
  for (let round = 0; round < 3; round++) {
    for (const [name, effect] of rungs) {
      const before = process.cpuUsage()
      await runtime.runPromise(loop(effect, count))
      const used = process.cpuUsage(before)
      best.set(name, Math.min(best.get(name) ?? Infinity, (used.user + used.system) / count))
    }
  }
  const floor = best.get(rungs[0]![0])!
  console.log("In-memory transport, one fiber, CPU µs per call (best of 3 × 5,000 calls)")
  console.log()
  console.log(table(
    ["rung", "CPU µs/call", "vs a"],
    rungs.map(([name]) => [name, best.get(name)!.toFixed(1), fmt.ratio(best.get(name)! / floor)])
  ))
}

// A burst of calls started together; the heap that survives a full collection while they are in flight, per
// call in flight: what each waiting call holds on to.
setFlagsFromString("--expose-gc")
const gc = runInNewContext("gc") as () => void
const burstSize = 1_000

const retainedPerCall = async (start: (onDone: () => void) => Promise<unknown>): Promise<number> => {
  gc()
  gc()
  const before = process.memoryUsage().heapUsed
  let done = 0
  const running = start(() => {
    done += 1
  })
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setTimeout(resolve, 5))
  const inFlight = burstSize - done
  gc()
  const after = process.memoryUsage().heapUsed
  await running
  return (after - before) / 1024 / Math.max(1, inFlight)
}

const serverLadder = async (running: Server) => {
  const minimal = Minimal.okClient({
    apiUrl: okUrls.apiUrl,
    applicationKey: Seed.ok.application.key,
    accessToken: Seed.ok.tokens.long.accessToken,
    sessionSecretKey: Seed.ok.tokens.long.sessionSecretKey
  })
  const selected = rungs.filter(([name]) => /^(a|a'|d|h|i|L1|L2|L3) /.test(name))
  const drivers: Array<readonly [string, Driver, (onDone: () => void) => Promise<unknown>]> = [
    [
      "minimal (undici + node:crypto)",
      promiseDriver(() => minimal.call(method)),
      (onDone) => Promise.all(Array.from({ length: burstSize }, () => minimal.call(method).then(onDone)))
    ],
    ...selected.map(([name, call]) =>
      [
        name,
        fiberDriver({ runtime, call }),
        (onDone: () => void) =>
          runtime.runPromise(
            Effect.forEach(Array.from({ length: burstSize }), () => Effect.tap(call, () => Effect.sync(onDone)), {
              concurrency: "unbounded",
              discard: true
            })
          )
      ] as const
    )
  ]
  const options = { concurrency, warmupMs: 500, durationMs: 2_000, maxCalls: 2_000_000 }
  // Three rounds, the rungs interleaved, each rung's run with the least CPU per call kept: other work on the
  // machine only adds.
  const kept = new Map<string, LoadResult>()
  for (let round = 0; round < 3; round++) {
    for (const [name, driver] of drivers) {
      const result = await measureLoad(driver, options, running)
      const previous = kept.get(name)
      if (previous === undefined || result.cpuMicrosPerCall < previous.cpuMicrosPerCall) kept.set(name, result)
    }
  }
  const rows: Array<Array<string>> = []
  for (const [name, , burst] of drivers) {
    await burst(() => {})
    const retained = await retainedPerCall(burst)
    const result = kept.get(name)!
    rows.push([
      name,
      fmt.int(result.callsPerSecond),
      fmt.ms(result.p50),
      fmt.ms(result.p99),
      fmt.int(result.cpuMicrosPerCall),
      fmt.share(result.serverCpuShare),
      retained.toFixed(1)
    ])
  }
  await minimal.close()
  console.log(`Emulator over undici, concurrency ${concurrency}; each rung's run with the least CPU per call of 3`)
  console.log()
  console.log(table(
    [
      "rung",
      "calls/s",
      "p50 ms",
      "p99 ms",
      "client CPU µs/call",
      "server CPU",
      `KB held per call (${burstSize} in flight)`
    ],
    rows
  ))
}

try {
  if (server === undefined) await inMemoryLadder()
  else await serverLadder(server)
} finally {
  await runtime.dispose()
  await server?.stop()
}
