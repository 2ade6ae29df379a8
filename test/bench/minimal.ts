/**
 * The practical limit okmail is measured against: a hand-written client per API with no Effect and no
 * abstraction — the same wire parameters, the same MD5 signature (node:crypto), a form POST through
 * `undici.request` on a keep-alive `Agent` (the same undici and the same default Agent settings as
 * `NodeHttpClient.layerUndici`), `JSON.parse` of the body and the error checks a caller cannot skip (status,
 * error body).
 */
import { createHash } from "node:crypto"
import { Agent, type Dispatcher } from "undici"

/** MD5 of the UTF-8 string in lower-case hex, with node:crypto. */
export const md5 = (input: string): string => createHash("md5").update(input, "utf8").digest("hex")

/** The sorted `key=value` string both APIs sign. */
export const canonical = (params: Readonly<Record<string, string>>, skip: ReadonlyArray<string>): string => {
  let out = ""
  for (const key of Object.keys(params).sort()) {
    if (!skip.includes(key)) out += `${key}=${params[key]}`
  }
  return out
}

/** A minimal client: one method call as a Promise, and closing its connections. */
export interface MinimalClient {
  readonly call: (method: string) => Promise<unknown>
  readonly close: () => Promise<void>
}

const post = async (dispatcher: Dispatcher, url: URL, params: Record<string, string>): Promise<unknown> => {
  const response = await dispatcher.request({
    origin: url.origin,
    path: url.pathname,
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString()
  })
  const text = await response.body.text()
  if (response.statusCode >= 400) throw new Error(`HTTP ${response.statusCode}`)
  return JSON.parse(text)
}

/** OK.ru, client-server circuit: `sig = md5(sorted params without sig/access_token/session_key + session secret)`. */
export const okClient = (options: {
  readonly apiUrl: string
  readonly applicationKey: string
  readonly accessToken: string
  readonly sessionSecretKey: string
  readonly agent?: Agent.Options | undefined
}): MinimalClient => {
  const dispatcher = new Agent(options.agent)
  const url = new URL(options.apiUrl)
  return {
    call: async (method) => {
      const params: Record<string, string> = { method, application_key: options.applicationKey, format: "json" }
      params["sig"] = md5(canonical(params, ["sig", "access_token", "session_key"]) + options.sessionSecretKey)
      params["access_token"] = options.accessToken
      const body = await post(dispatcher, url, params)
      if (typeof body === "object" && body !== null && "error_code" in body) {
        throw new Error(`OK error ${String((body as { error_code: unknown }).error_code)}`)
      }
      return body
    },
    close: () => dispatcher.close()
  }
}

/** Mail.Ru, client-server circuit: `sig = md5(uid + sorted params without sig + private key)`. */
export const mailruClient = (options: {
  readonly apiUrl: string
  readonly appId: string
  readonly privateKey: string
  readonly accessToken: string
  readonly uid: string
  readonly agent?: Agent.Options | undefined
}): MinimalClient => {
  const dispatcher = new Agent(options.agent)
  const url = new URL(options.apiUrl)
  return {
    call: async (method) => {
      const params: Record<string, string> = { method, app_id: options.appId, session_key: options.accessToken }
      params["sig"] = md5(options.uid + canonical(params, ["sig"]) + options.privateKey)
      const body = await post(dispatcher, url, params)
      if (typeof body === "object" && body !== null && "error" in body) {
        throw new Error(`Mail.Ru error ${JSON.stringify((body as { error: unknown }).error)}`)
      }
      return body
    },
    close: () => dispatcher.close()
  }
}

/** A POST of `body` (a form like an API call's) to a trivial endpoint, read and parsed like an API answer. */
export const noopClient = (endpoint: string, body: string): MinimalClient => {
  const dispatcher = new Agent()
  const url = new URL(endpoint)
  return {
    call: async () => {
      const response = await dispatcher.request({
        origin: url.origin,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body
      })
      const text = await response.body.text()
      if (response.statusCode >= 400) throw new Error(`HTTP ${response.statusCode}`)
      return JSON.parse(text)
    },
    close: () => dispatcher.close()
  }
}
