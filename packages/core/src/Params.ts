/**
 * The one canonical encoding of request parameters, shared by the signers and the requests, so that what is
 * signed is exactly what is sent.
 *
 * Every value has one wire form; a value without one is refused with a `ParamsError` naming its key, never
 * guessed at, and reading the parameters never throws (a throwing getter or Proxy trap is refused too):
 *
 * | value | wire form |
 * |---|---|
 * | string | as it is |
 * | finite number | plain decimal, never an exponent: `1e21` is `1000000000000000000000` |
 * | bigint | decimal |
 * | boolean | `true` or `false` |
 * | `undefined` or `null` | omitted: the parameter is not sent, as when the key is absent |
 * | array of strings, numbers, bigints and booleans | the items' wire forms joined by commas |
 * | plain object | JSON, once, as `JSON.stringify` writes it (bigints as JSON strings of their decimal) |
 *
 * Refused wherever they appear: `NaN` and infinities, symbols, functions, `Date`s (send `getTime()` or
 * `toISOString()`: the two APIs read dates differently), `Map`s, `Set`s and every other class instance, and
 * cycles. In a comma list, `null`, `undefined`, arrays and objects are refused, since a comma list cannot hold
 * them: structured data goes in a plain object. Inside JSON, plain objects and arrays nest freely, `null` is
 * JSON's `null`, a member whose value is `undefined` is left out (as `JSON.stringify` does), and an `undefined`
 * array item is refused. The parameters themselves must be a plain object.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { ParamsError } from "./ConfigurationError.js"

/**
 * Request parameters as a program writes them: strings, numbers, bigints, booleans, arrays and plain objects;
 * `undefined` and `null` values are omitted. The module header gives the wire form of each.
 *
 * @since 0.1.0
 * @category Models
 */
export type Params = { readonly [key: string]: unknown }

/**
 * Request parameters as they travel: every value a string.
 *
 * @since 0.1.0
 * @category Models
 */
export type WireParams = Record<string, string>

// Thrown inside the writers to stop at the first value with no wire form; `guarded` turns it into a ParamsError.
class Refusal {
  constructor(readonly detail: string) {}
}

// `path` starts with the parameter's key, which the error names already: only a deeper path is worth repeating.
const refuse = (key: string, path: string, reason: string): never => {
  throw new Refusal(path === key ? reason : `${reason} (at ${path})`)
}

const isPlain = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const kind = (value: unknown): string => {
  if (value === null || value === undefined) return String(value)
  if (typeof value !== "object") return `a ${typeof value}`
  if (Array.isArray(value)) return "an array"
  if (isPlain(value)) return "an object"
  const name: unknown = Object.getPrototypeOf(value)?.constructor?.name
  return typeof name === "string" && name !== "" ? `a ${name}` : "a class instance"
}

// The digits `String(n)` gives, without its exponent: `1.5e-7` is `0.00000015`, exactly as short.
const decimal = (n: number): string => {
  const text = String(n)
  const e = text.indexOf("e")
  if (e < 0) return text
  const sign = n < 0 ? "-" : ""
  const [whole, fraction = ""] = text.slice(sign.length, e).split(".") as [string, string?]
  const digits = whole + fraction
  const point = whole.length + Number(text.slice(e + 1))
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length)
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

const scalar = (key: string, path: string, value: unknown): string => {
  switch (typeof value) {
    case "string":
      return value
    case "number":
      return Number.isFinite(value) ? decimal(value) : refuse(key, path, `the number ${value} has no decimal form`)
    case "bigint":
      return value.toString()
    case "boolean":
      return value ? "true" : "false"
    default:
      return refuse(key, path, `${kind(value)} has no wire form`)
  }
}

// Writes a tree of plain objects and arrays as `JSON.stringify` would, refusing what it would silently change or
// drop (a Date's `toJSON`, a Map as `{}`, a function left out) and what it would throw on (a cycle).
const json = (key: string, path: string, value: unknown, ancestors: Set<object>): string => {
  if (value === null) return "null"
  if (typeof value === "string") return JSON.stringify(value)
  if (typeof value === "bigint") return `"${value}"`
  if (typeof value === "number" && Number.isFinite(value)) return JSON.stringify(value)
  if (typeof value !== "object") return scalar(key, path, value)
  if (ancestors.has(value)) return refuse(key, path, "the object contains itself")
  ancestors.add(value)
  let text: string
  if (Array.isArray(value)) {
    const items: Array<string> = []
    for (let i = 0; i < value.length; i++) items.push(json(key, `${path}[${i}]`, value[i], ancestors))
    text = `[${items.join(",")}]`
  } else if (isPlain(value)) {
    const members: Array<string> = []
    for (const name of Object.keys(value)) {
      const member: unknown = (value as Record<string, unknown>)[name]
      if (member === undefined) continue
      members.push(`${JSON.stringify(name)}:${json(key, `${path}.${name}`, member, ancestors)}`)
    }
    text = `{${members.join(",")}}`
  } else {
    const hint = value instanceof Date
      ? "send its getTime() or toISOString()"
      : "only plain objects and arrays are written as JSON"
    return refuse(key, path, `${kind(value)} has no wire form: ${hint}`)
  }
  ancestors.delete(value)
  return text
}

const wire = (key: string, value: unknown): string => {
  if (typeof value !== "object" || value === null) return scalar(key, key, value)
  if (!Array.isArray(value)) return json(key, key, value, new Set())
  const parts: Array<string> = []
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i]
    const path = `${key}[${i}]`
    parts.push(
      typeof item === "object" && item !== null
        ? refuse(key, path, `${kind(item)} cannot be an item of a comma list: send structured data in an object`)
        : scalar(key, path, item)
    )
  }
  return parts.join(",")
}

const explain = (error: unknown): string => {
  try {
    if (error instanceof Refusal) return error.detail
    return `reading it threw: ${error instanceof Error ? error.message : String(error)}`
  } catch {
    // What was thrown is hostile too (a Proxy, an object without `toString`).
    return "reading it threw"
  }
}

// Runs `f`, turning a refusal, or anything a getter or a Proxy trap throws, into a ParamsError for `key`.
const guarded = <A>(key: string, f: () => A): Either.Either<A, ParamsError> => {
  try {
    return Either.right(f())
  } catch (error) {
    return Either.left(new ParamsError({ key, detail: explain(error) }))
  }
}

/**
 * Encodes one value in its wire form (see the module header): strings as they are, numbers in plain decimal,
 * booleans `true`/`false`, arrays joined by commas, plain objects as JSON once. Nothing falsy is dropped; as a
 * single value has no "omitted" form, `undefined` and `null` are refused here (`encode` omits them). Total: never
 * throws.
 *
 * @since 0.1.0
 * @category Encoding
 */
export const encodeValue = (key: string, value: unknown): Either.Either<string, ParamsError> =>
  guarded(key, () => wire(key, value))

/**
 * Encodes every parameter; `undefined` and `null` values are omitted. Total: any input gives the wire parameters,
 * or a `ParamsError` naming the key that has no wire form (`params` when the parameters are not a plain object);
 * never a throw.
 *
 * @since 0.1.0
 * @category Encoding
 */
export const encode = (params: Params): Either.Either<WireParams, ParamsError> => {
  const keys = guarded("params", () => {
    if (typeof params !== "object" || params === null || Array.isArray(params) || !isPlain(params)) {
      throw new Refusal(`the parameters must be a plain object, not ${kind(params)}`)
    }
    return Object.keys(params)
  })
  if (Either.isLeft(keys)) return Either.left(keys.left)
  const out: Array<[string, string]> = []
  for (const key of keys.right) {
    const encoded = guarded(key, () => {
      const value = params[key]
      return value === undefined || value === null ? undefined : wire(key, value)
    })
    if (Either.isLeft(encoded)) return Either.left(encoded.left)
    if (encoded.right !== undefined) out.push([key, encoded.right])
  }
  // `fromEntries` defines the keys, so that a parameter named `__proto__` is kept, not taken for the prototype.
  return Either.right(Object.fromEntries(out))
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The string both APIs sign: every parameter but the excluded keys, sorted by key, written `key=value` with no
 * separator.
 *
 * @since 0.1.0
 * @category Encoding
 */
export const canonicalString = (params: WireParams, exclude: ReadonlyArray<string> = ["sig"]): string => {
  let out = ""
  for (const key of Object.keys(params).sort(byCodeUnit)) {
    if (exclude.includes(key)) continue
    out += `${key}=${params[key]}`
  }
  return out
}
