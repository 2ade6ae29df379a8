/**
 * Peak memory of one client with N calls in flight at once, in a fresh process so that no earlier run's heap or
 * resident pages count: warm up, collect garbage, read the baseline, start all N calls together and sample
 * `process.memoryUsage()` every 2 ms until the last one is answered. Prints one `RESULT {json}` line.
 *
 *   node --expose-gc --import tsx test/bench/memory.ts okmail-ok http://127.0.0.1:PORT 10000 [256]
 *
 * Clients: `okmail-ok`, `okmail-mailru` (an Effect program: `Effect.forEach` with unbounded concurrency) and
 * `minimal-ok`, `minimal-mailru` (`Promise.all` over the hand-written client). Started by `run.ts`.
 */
import { Emulator, Seed } from "@okmail/emulator"
import * as Effect from "effect/Effect"
import * as Minimal from "./minimal.js"
import { build, undiciLayer } from "./okmail.js"

/** What one memory run reports; bytes. */
export interface MemoryResult {
  readonly client: string
  readonly calls: number
  readonly connections: number
  readonly seconds: number
  readonly baselineRss: number
  readonly baselineHeapUsed: number
  readonly peakRss: number
  readonly peakHeapUsed: number
  readonly peakHeapTotal: number
  readonly peakInFlight: number
  readonly samples: number
}

const [client = "okmail-ok", baseUrl = "", countArg = "10000", connectionsArg = "256"] = process.argv.slice(2)
const calls = Math.max(1, Math.min(50_000, Number(countArg) || 10_000))
// Both clients open at most this many connections; the other calls wait in undici's queue, in flight all the
// same. Without a cap each client opens one socket per call, and ten thousand connects at once overflow the
// server's accept backlog: the run then measures the kernel's SYN retries more than the clients.
const agent = { connections: Math.max(1, Math.min(20_000, Number(connectionsArg) || 256)) }
if (!baseUrl.startsWith("http://127.0.0.1:")) throw new Error(`the base URL must be a loopback URL, not ${baseUrl}`)

const collect = async () => {
  const gc = (globalThis as { gc?: () => void }).gc
  for (let i = 0; i < 3; i++) {
    gc?.()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

// Each client as "run `n` calls at once, counting calls in flight".
let inFlight = 0
let peakInFlight = 0
const started = () => {
  inFlight += 1
  if (inFlight > peakInFlight) peakInFlight = inFlight
}
const finished = () => {
  inFlight -= 1
}

let burst: (n: number) => Promise<void>
let close: () => Promise<void>
if (client === "okmail-ok" || client === "okmail-mailru") {
  const built = build(client === "okmail-ok" ? "ok" : "mailru", baseUrl, undiciLayer(agent))
  const one = Effect.suspend(() => {
    started()
    return built.call
  }).pipe(Effect.ensuring(Effect.sync(finished)))
  burst = (n) =>
    built.runtime.runPromise(Effect.forEach(Array.from({ length: n }), () => one, {
      concurrency: "unbounded",
      discard: true
    }))
  close = () => built.runtime.dispose()
} else if (client === "minimal-ok" || client === "minimal-mailru") {
  const minimal = client === "minimal-ok"
    ? Minimal.okClient({
      apiUrl: Emulator.okUrls(baseUrl).apiUrl,
      applicationKey: Seed.ok.application.key,
      accessToken: Seed.ok.tokens.long.accessToken,
      sessionSecretKey: Seed.ok.tokens.long.sessionSecretKey,
      agent
    })
    : Minimal.mailruClient({
      apiUrl: Emulator.mailruUrls(baseUrl).apiUrl,
      appId: Seed.mailru.application.id,
      privateKey: Seed.mailru.application.privateKey,
      accessToken: Seed.mailru.tokens.session.accessToken,
      uid: Seed.mailru.tokens.session.uid,
      agent
    })
  const method = client === "minimal-ok" ? "users.getCurrentUser" : "users.getInfo"
  const one = async () => {
    started()
    try {
      return await minimal.call(method)
    } finally {
      finished()
    }
  }
  burst = async (n) => {
    await Promise.all(Array.from({ length: n }, one))
  }
  close = () => minimal.close()
} else {
  throw new Error(`unknown client ${client}`)
}

// Warm-up: the code paths compiled and a few connections open, as in a process that has been serving a while.
for (let round = 0; round < 50; round++) await burst(16)
await collect()
peakInFlight = 0
const baseline = process.memoryUsage()
let peakRss = baseline.rss
let peakHeapUsed = baseline.heapUsed
let peakHeapTotal = baseline.heapTotal
let samples = 0
const sample = () => {
  const usage = process.memoryUsage()
  samples += 1
  if (usage.rss > peakRss) peakRss = usage.rss
  if (usage.heapUsed > peakHeapUsed) peakHeapUsed = usage.heapUsed
  if (usage.heapTotal > peakHeapTotal) peakHeapTotal = usage.heapTotal
}
const sampler = setInterval(sample, 2)
const start = performance.now()
await burst(calls)
const seconds = (performance.now() - start) / 1000
sample()
clearInterval(sampler)
await close()

const result: MemoryResult = {
  client,
  calls,
  connections: agent.connections,
  seconds,
  baselineRss: baseline.rss,
  baselineHeapUsed: baseline.heapUsed,
  peakRss,
  peakHeapUsed,
  peakHeapTotal,
  peakInFlight,
  samples
}
console.log(`RESULT ${JSON.stringify(result)}`)
