// The emulator's own signature rules, written from the vendors' documentation and independent of the
// clients' signers, so that one mistake cannot hide in both.
import { md5 } from "./state.js"

const sortedPairs = (params: Readonly<Record<string, string>>, excluded: ReadonlyArray<string>): string => {
  const keys = Object.keys(params).filter((key) => !excluded.includes(key))
  keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return keys.map((key) => `${key}=${params[key]}`).join("")
}

/** OK: every parameter but `sig`, `access_token` and `session_key`, sorted and joined, then the secret. */
export const okSignature = (params: Readonly<Record<string, string>>, secret: string): string =>
  md5(sortedPairs(params, ["sig", "access_token", "session_key"]) + secret)

/** What OK accepts a signature as: the circuit whose secret reproduces it, or undefined. */
export const verifyOk = (
  params: Readonly<Record<string, string>>,
  secrets: {
    readonly applicationSecretKey: string
    readonly accessToken?: string | undefined
    readonly sessionSecretKey?: string | undefined
  }
): "client-server" | "server-server" | "application" | undefined => {
  const sig = (params["sig"] ?? "").toLowerCase()
  if (sig === "") return undefined
  if (secrets.accessToken === undefined) {
    return sig === okSignature(params, secrets.applicationSecretKey) ? "application" : undefined
  }
  if (secrets.sessionSecretKey !== undefined && sig === okSignature(params, secrets.sessionSecretKey)) {
    return "client-server"
  }
  return sig === okSignature(params, md5(secrets.accessToken + secrets.applicationSecretKey))
    ? "server-server"
    : undefined
}

/** Mail.Ru: `secure=1` signs `md5(params + secret_key)`; otherwise `md5(uid + params + private_key)`. */
export const verifyMailRu = (
  params: Readonly<Record<string, string>>,
  secrets: { readonly privateKey: string; readonly secretKey: string; readonly uid?: string | undefined }
): "client-server" | "server-server" | undefined => {
  const sig = (params["sig"] ?? "").toLowerCase()
  if (sig === "") return undefined
  const joined = sortedPairs(params, ["sig"])
  if (params["secure"] === "1") return sig === md5(joined + secrets.secretKey) ? "server-server" : undefined
  if (secrets.uid === undefined) return undefined
  return sig === md5(secrets.uid + joined + secrets.privateKey) ? "client-server" : undefined
}
