/**
 * The one canonical encoding of request parameters, shared by the signers and the requests, so that what is
 * signed is exactly what is sent.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import { ParamsError } from "./ConfigurationError.js"

/**
 * Request parameters as a program writes them: strings, numbers, bigints, booleans, arrays and objects.
 * `undefined` values are omitted.
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

const decimal = (n: number): string => {
  const text = String(n)
  if (!text.includes("e")) return text
  return n.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 })
}

const jsonOnce = (value: unknown): string | undefined => {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v))
  } catch {
    return undefined
  }
}

const scalar = (key: string, value: unknown): Either.Either<string, ParamsError> => {
  switch (typeof value) {
    case "string":
      return Either.right(value)
    case "number":
      return Number.isFinite(value)
        ? Either.right(decimal(value))
        : Either.left(new ParamsError({ key, detail: `the number ${value} has no decimal form` }))
    case "bigint":
      return Either.right(value.toString())
    case "boolean":
      return Either.right(value ? "true" : "false")
    case "object": {
      const json = jsonOnce(value)
      return json === undefined
        ? Either.left(new ParamsError({ key, detail: "the object cannot be written as JSON (is it cyclic?)" }))
        : Either.right(json)
    }
    default:
      return Either.left(new ParamsError({ key, detail: `a ${typeof value} has no wire form` }))
  }
}

/**
 * Encodes one value: strings as they are, numbers in decimal, booleans `true`/`false`, arrays joined by commas,
 * objects JSON-stringified once. Nothing falsy is dropped.
 *
 * @since 0.1.0
 * @category Encoding
 */
export const encodeValue = (key: string, value: unknown): Either.Either<string, ParamsError> => {
  if (!Array.isArray(value)) return scalar(key, value)
  const parts: Array<string> = []
  for (const item of value) {
    const part = scalar(key, item)
    if (Either.isLeft(part)) return part
    parts.push(part.right)
  }
  return Either.right(parts.join(","))
}

/**
 * Encodes every parameter; `undefined` values are omitted. Total: any input gives the wire parameters or a
 * `ParamsError` naming the key that has no wire form.
 *
 * @since 0.1.0
 * @category Encoding
 */
export const encode = (params: Params): Either.Either<WireParams, ParamsError> => {
  const out: WireParams = {}
  for (const key of Object.keys(params)) {
    const value = params[key]
    if (value === undefined) continue
    const encoded = encodeValue(key, value)
    if (Either.isLeft(encoded)) return Either.left(encoded.left)
    out[key] = encoded.right
  }
  return Either.right(out)
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
