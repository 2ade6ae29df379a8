/**
 * Summarizes `.cpuprofile` files written by `node --cpu-prof`: the functions with the most self time, and self
 * time by where the code lives (an okmail package, a dependency, Node's internals).
 *
 *   tsx test/bench/cpuprofile.ts FILE.cpuprofile [TOP]
 *
 * `profile.ts` uses it on the profile it takes.
 *
 * tsx compiles TypeScript to one line per file, so a profile of our own code says only "line 1, column N". The
 * compiled code and its source map sit in tsx's cache (`$TMPDIR/tsx-<uid>/`); this script reads them and gives
 * each of our functions its line in the `.ts` source.
 */
import { readdirSync, readFileSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
}

/** The parts of a `.cpuprofile` this summary reads. */
export interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

// ---------------------------------------------------------------------------------------------------------------
// Source maps of tsx's cache
// ---------------------------------------------------------------------------------------------------------------

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/** Per generated line, its segments as [generated column, original line], from a source map's `mappings`. */
const decodeMappings = (mappings: string): Array<Array<readonly [number, number]>> => {
  const lines: Array<Array<readonly [number, number]>> = []
  let originalLine = 0
  for (const line of mappings.split(";")) {
    const segments: Array<readonly [number, number]> = []
    let column = 0
    for (const segment of line.split(",")) {
      if (segment === "") continue
      const values: Array<number> = []
      let value = 0
      let shift = 0
      for (const char of segment) {
        const digit = BASE64.indexOf(char)
        value += (digit & 31) << shift
        if (digit & 32) {
          shift += 5
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
      }
      column += values[0] ?? 0
      if (values.length >= 4) {
        originalLine += values[2]!
        segments.push([column, originalLine])
      }
    }
    lines.push(segments)
  }
  return lines
}

type Mapper = (line: number, column: number) => number | undefined

const loadMappers = (): Map<string, Mapper> => {
  const mappers = new Map<string, { readonly mtime: number; readonly mapper: Mapper }>()
  const uid = typeof process.getuid === "function" ? process.getuid() : 0
  const dir = join(tmpdir(), `tsx-${uid}`)
  let files: Array<string> = []
  try {
    files = readdirSync(dir)
  } catch {
    return new Map()
  }
  for (const name of files) {
    const path = join(dir, name)
    try {
      const entry = JSON.parse(readFileSync(path, "utf8")) as {
        readonly map?: { readonly sources?: ReadonlyArray<string>; readonly mappings?: string }
      }
      const source = entry.map?.sources?.[0]
      if (source === undefined || entry.map?.mappings === undefined) continue
      const mtime = statSync(path).mtimeMs
      // The newest compilation of a file is the one the profiled process most likely ran.
      if ((mappers.get(source)?.mtime ?? -1) >= mtime) continue
      const lines = decodeMappings(entry.map.mappings)
      const mapper: Mapper = (line, column) => {
        let found: number | undefined
        for (const [generated, original] of lines[line] ?? []) {
          if (generated > column) break
          found = original
        }
        return found
      }
      mappers.set(source, { mtime, mapper })
    } catch {
      continue
    }
  }
  return new Map([...mappers].map(([source, { mapper }]) => [source, mapper]))
}

const mappers = loadMappers()

const sourceLine = (frame: CallFrame): number => {
  if (!frame.url.startsWith("file://") || !frame.url.endsWith(".ts")) return frame.lineNumber + 1
  const original = mappers.get(fileURLToPath(frame.url))?.(frame.lineNumber, frame.columnNumber)
  return original === undefined ? frame.lineNumber + 1 : original + 1
}

// ---------------------------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------------------------

const where = (url: string): string => {
  if (url === "") return "(native/vm)"
  if (url.startsWith("node:")) return "node:internal"
  const dependency = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)
  if (dependency !== null) return dependency[1]!
  const own = /\/packages\/([^/]+)\//.exec(url)
  if (own !== null) return `@okmail/${own[1]}`
  if (url.includes("/test/bench/")) return "test/bench"
  return url
}

const shortUrl = (url: string): string =>
  url
    .replace(/^file:\/\//, "")
    .replace(/.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
    .replace(/.*\/packages\//, "packages/")
    .replace(/.*\/test\/bench\//, "test/bench/")

const percent = (part: number, total: number) => `${((part / total) * 100).toFixed(1)}%`.padStart(6)

/** The summary of a profile: self time by place, then the `top` functions by self time. */
export const summarize = (profile: Profile, title: string, top: number): string => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfByFunction = new Map<string, number>()
  const selfByPlace = new Map<string, number>()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)
    const delta = profile.timeDeltas[i] ?? 0
    if (node === undefined) continue
    total += delta
    const frame = node.callFrame
    const name = `${frame.functionName || "(anonymous)"}  ${shortUrl(frame.url)}:${sourceLine(frame)}`
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta)
    const place = frame.functionName === "(garbage collector)" ? "(garbage collector)" :
      frame.functionName === "(idle)" ? "(idle)" :
      frame.functionName === "(program)" ? "(program)" :
      where(frame.url)
    selfByPlace.set(place, (selfByPlace.get(place) ?? 0) + delta)
  }
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1])
  const lines = [`${title}: ${(total / 1e6).toFixed(2)} s sampled`, "", "self time by place:"]
  for (const [place, time] of sorted(selfByPlace).slice(0, 15)) lines.push(`  ${percent(time, total)}  ${place}`)
  lines.push("", `top ${top} functions by self time:`)
  for (const [name, time] of sorted(selfByFunction).slice(0, top)) lines.push(`  ${percent(time, total)}  ${name}`)
  return lines.join("\n")
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, topArg] = process.argv.slice(2)
  if (file === undefined) {
    console.error("usage: tsx test/bench/cpuprofile.ts FILE.cpuprofile [TOP]")
    process.exitCode = 2
  } else {
    const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
    console.log(summarize(profile, file, Math.max(1, Math.min(200, Number(topArg) || 30))))
  }
}
