/**
 * `pnpm bench:profile [client] [concurrency] [seconds] [--keep]`: profiles one client under load and prints
 * where its CPU time goes. It starts the server process, warms the client up for 2 seconds, then runs the V8
 * CPU profiler (through `node:inspector`, so that start-up and module loading stay out of the profile) while the
 * client calls `users.getCurrentUser` (OK.ru) or `users.getInfo` (Mail.Ru) at the concurrency for the seconds.
 *
 * Clients: `ok` and `mailru` (okmail), `minimal-ok` and `minimal-mailru` (the hand-written clients). Defaults:
 * `ok 64 10`. Only the client process is profiled. The `.cpuprofile` is written to the system's temporary
 * directory and deleted after the summary unless `--keep` is given (then open it in Chrome DevTools, or
 * summarize it again with `tsx test/bench/cpuprofile.ts FILE [TOP]`).
 */
import { Emulator, Seed } from "@okmail/emulator"
import { rmSync, writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Profile, summarize } from "./cpuprofile.js"
import { type Driver, fmt, measureLoad, promiseDriver, Recorder, startServer } from "./harness.js"
import * as Minimal from "./minimal.js"
import { build, fiberDriver } from "./okmail.js"

const args = process.argv.slice(2).filter((arg) => !arg.startsWith("--"))
const keep = process.argv.includes("--keep")
const [target = "ok", concurrencyArg = "64", secondsArg = "10"] = args
const concurrency = Math.max(1, Math.min(1024, Number(concurrencyArg) || 64))
const seconds = Math.max(1, Math.min(120, Number(secondsArg) || 10))

const server = await startServer()
let close: () => Promise<void> = async () => {}
try {
  let driver: Driver
  if (target === "ok" || target === "mailru") {
    const built = build(target, server.baseUrl, "undici")
    driver = fiberDriver(built)
    close = () => built.runtime.dispose()
  } else if (target === "minimal-ok" || target === "minimal-mailru") {
    const client = target === "minimal-mailru"
      ? Minimal.mailruClient({
        apiUrl: Emulator.mailruUrls(server.baseUrl).apiUrl,
        appId: Seed.mailru.application.id,
        privateKey: Seed.mailru.application.privateKey,
        accessToken: Seed.mailru.tokens.session.accessToken,
        uid: Seed.mailru.tokens.session.uid
      })
      : Minimal.okClient({
        apiUrl: Emulator.okUrls(server.baseUrl).apiUrl,
        applicationKey: Seed.ok.application.key,
        accessToken: Seed.ok.tokens.long.accessToken,
        sessionSecretKey: Seed.ok.tokens.long.sessionSecretKey
      })
    const method = target === "minimal-mailru" ? "users.getInfo" : "users.getCurrentUser"
    driver = promiseDriver(() => client.call(method))
    close = () => client.close()
  } else {
    throw new Error(`unknown client ${target}: ok, mailru, minimal-ok or minimal-mailru`)
  }

  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.setSamplingInterval", { interval: 200 })
  await driver(concurrency, performance.now() + 2_000, new Recorder(5_000_000))
  await session.post("Profiler.start")
  const result = await measureLoad(driver, {
    concurrency,
    warmupMs: 0,
    durationMs: seconds * 1000,
    maxCalls: 5_000_000
  }, server)
  const { profile } = await session.post("Profiler.stop")
  session.disconnect()
  console.log(
    `${target} c=${concurrency}: ${fmt.int(result.callsPerSecond)} calls/s, p50 ${fmt.ms(result.p50)} ms, ` +
      `p99 ${fmt.ms(result.p99)} ms, client CPU ${fmt.int(result.cpuMicrosPerCall)} µs/call, ` +
      `server CPU ${fmt.share(result.serverCpuShare)}`
  )
  const file = join(tmpdir(), `okmail-${target}-c${concurrency}-${process.pid}.cpuprofile`)
  writeFileSync(file, JSON.stringify(profile))
  console.log()
  console.log(summarize(profile as unknown as Profile, file, 30))
  if (keep) console.log(`\nkept ${file}`)
  else rmSync(file)
} finally {
  await close()
  await server.stop()
}
