/**
 * What every benchmark program shares: starting the server process, closed-loop load at a fixed concurrency
 * for a fixed time (bounded by a call count too), latency percentiles, CPU accounting and plain tables.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

export const benchDir = dirname(fileURLToPath(import.meta.url))
export const rootDir = join(benchDir, "..", "..")

/** The URLs the server process listens on, all on 127.0.0.1. */
export interface ServerUrls {
  readonly pid: number
  readonly baseUrl: string
  readonly effectNoopUrl: string
  readonly nodeNoopUrl: string
}

/** A running server process. */
export interface Server extends ServerUrls {
  readonly child: ChildProcess
  /** CPU seconds the server process has used so far (Linux `/proc`), or `undefined` elsewhere. */
  readonly cpuSeconds: () => number | undefined
  readonly stop: () => Promise<void>
}

const CLOCK_TICKS = 100

const procCpuSeconds = (pid: number): number | undefined => {
  try {
    // Fields after the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
  } catch {
    return undefined
  }
}

/** Starts `emulator.ts` in a child Node process (tsx as a loader, no extra wrapper process) and waits for READY. */
export const startServer = (): Promise<Server> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(benchDir, "emulator.ts")], {
      cwd: rootDir,
      stdio: ["pipe", "pipe", "inherit"],
      // Keep the server's options out of the client's: no --cpu-prof or --expose-gc inherited.
      env: { ...process.env, NODE_OPTIONS: "" }
    })
    const timer = setTimeout(() => {
      child.kill("SIGTERM")
      reject(new Error("the emulator did not print READY within 30 seconds"))
    }, 30_000)
    child.on("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`the emulator exited with ${code} before READY`))
    })
    const lines = createInterface({ input: child.stdout! })
    lines.on("line", (line) => {
      if (!line.startsWith("READY ")) return
      clearTimeout(timer)
      const urls = JSON.parse(line.slice("READY ".length)) as ServerUrls
      const stop = () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) return done()
          const kill = setTimeout(() => child.kill("SIGKILL"), 5_000)
          child.once("exit", () => {
            clearTimeout(kill)
            done()
          })
          child.stdin!.end()
          child.kill("SIGTERM")
        })
      resolve({ ...urls, child, cpuSeconds: () => procCpuSeconds(urls.pid), stop })
    })
  })

/** Latencies of one run, in milliseconds, in a preallocated buffer. */
export class Recorder {
  readonly samples: Float64Array
  count = 0
  constructor(readonly max: number) {
    this.samples = new Float64Array(max)
  }
  get full(): boolean {
    return this.count >= this.max
  }
  add(ms: number): void {
    if (this.count < this.max) this.samples[this.count++] = ms
  }
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN
    const sorted = this.samples.slice(0, this.count).sort()
    return sorted[Math.min(this.count - 1, Math.floor((p / 100) * this.count))]!
  }
}

/** The measured outcome of one load run. */
export interface LoadResult {
  readonly calls: number
  readonly seconds: number
  readonly callsPerSecond: number
  readonly p50: number
  readonly p99: number
  /** Client CPU (user + system, all threads) per call, in microseconds. */
  readonly cpuMicrosPerCall: number
  /** Server process CPU as a share of one core during the run, when known. */
  readonly serverCpuShare: number | undefined
}

/** Settings of a load run: concurrency, how long to warm up and to measure, and a cap on calls measured. */
export interface LoadOptions {
  readonly concurrency: number
  readonly warmupMs: number
  readonly durationMs: number
  readonly maxCalls: number
}

/**
 * A driver runs `concurrency` closed-loop workers until `deadline` (a `performance.now()` time) or until the
 * recorder is full, recording each call's latency; a failed call fails the run. Each client kind brings its own
 * driver, so that an Effect client is driven by fibers and a Promise client by async functions, as their users
 * would.
 */
export type Driver = (concurrency: number, deadline: number, recorder: Recorder) => Promise<void>

/** A warm-up run, then a measured run; CPU of this process and of the server are read around the measured run. */
export const measureLoad = async (driver: Driver, options: LoadOptions, server: Server): Promise<LoadResult> => {
  await driver(options.concurrency, performance.now() + options.warmupMs, new Recorder(options.maxCalls))
  const recorder = new Recorder(options.maxCalls)
  const serverBefore = server.cpuSeconds()
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  await driver(options.concurrency, started + options.durationMs, recorder)
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  const serverAfter = server.cpuSeconds()
  return {
    calls: recorder.count,
    seconds,
    callsPerSecond: recorder.count / seconds,
    p50: recorder.percentile(50),
    p99: recorder.percentile(99),
    cpuMicrosPerCall: (cpu.user + cpu.system) / recorder.count,
    serverCpuShare: serverBefore === undefined || serverAfter === undefined
      ? undefined
      : (serverAfter - serverBefore) / seconds
  }
}

/** A Promise-returning call driven by async workers. */
export const promiseDriver = (call: () => Promise<unknown>): Driver => async (concurrency, deadline, recorder) => {
  const worker = async () => {
    while (performance.now() < deadline && !recorder.full) {
      const start = performance.now()
      await call()
      recorder.add(performance.now() - start)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/** Runs `fn` `count` times after `warmup` untimed runs; operations per second. */
export const opsPerSecond = (fn: (i: number) => unknown, count: number, warmup: number): number => {
  let sink = 0
  for (let i = 0; i < warmup; i++) sink ^= String(fn(i)).length
  const start = performance.now()
  for (let i = 0; i < count; i++) sink ^= String(fn(i)).length
  const seconds = (performance.now() - start) / 1000
  if (sink === -1) console.log("unreachable")
  return count / seconds
}

/** A plain text table: the first `left` columns (text) left-aligned, the others (numbers) right-aligned. */
export const table = (
  headers: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  left = 1
): string => {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i < left ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  ").trimEnd()
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n")
}

/** Numbers as the tables print them. */
export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString("en-US"),
  ms: (n: number) => n.toFixed(n < 10 ? 2 : 1),
  ratio: (n: number) => n.toFixed(2),
  share: (n: number | undefined) => (n === undefined ? "n/a" : `${Math.round(n * 100)}%`),
  mb: (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
}
