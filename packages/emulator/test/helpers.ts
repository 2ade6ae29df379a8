import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Emulator, EmulatorControl, Seed } from "@okmail/emulator"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"

export const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex")

const joined = (params: Readonly<Record<string, string>>, excluded: ReadonlyArray<string>) =>
  Object.keys(params)
    .filter((key) => !excluded.includes(key))
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join("")

/** OK's documented signature, written again here so that the emulator's own code is checked against it. */
export const okSig = (params: Readonly<Record<string, string>>, secret: string) =>
  md5(joined(params, ["sig", "access_token", "session_key"]) + secret)

export const mailruClientSig = (params: Readonly<Record<string, string>>, uid: string, privateKey: string) =>
  md5(uid + joined(params, ["sig"]) + privateKey)

export const mailruServerSig = (params: Readonly<Record<string, string>>, secretKey: string) =>
  md5(joined(params, ["sig"]) + secretKey)

export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly setCookies: ReadonlyArray<readonly [string, string]>
}

/** One raw request, no client library: the answer as it came. */
export const send = (
  method: "GET" | "POST",
  url: string,
  params: Readonly<Record<string, string>> = {},
  cookie?: string
) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    let request = method === "GET"
      ? HttpClientRequest.get(url).pipe(HttpClientRequest.appendUrlParams(params))
      : HttpClientRequest.post(url).pipe(HttpClientRequest.bodyUrlParams(params))
    if (cookie !== undefined) request = HttpClientRequest.setHeader(request, "cookie", cookie)
    const response = yield* client.execute(request)
    const text = yield* response.text
    const setCookies = Object.values(response.cookies.cookies).map((c) => [c.name, c.value] as const)
    return { status: response.status, headers: response.headers, text, setCookies } satisfies Answer
  }).pipe(Effect.scoped)

export const json = (answer: Answer): any => JSON.parse(answer.text)

export const okApp = Seed.ok.application
export const okIvan = Seed.ok.users[0]!
export const okLong = Seed.ok.tokens.long
export const mrApp = Seed.mailru.application
export const mrIvan = Seed.mailru.users[0]!
export const mrOlga = Seed.mailru.users[1]!
export const mrSession = Seed.mailru.tokens.session

/** A signed OK call in the client-server circuit with the seeded long token. */
export const okSessionCall = (method: string, extra: Readonly<Record<string, string>> = {}, httpMethod: "GET" | "POST" = "POST") => {
  const params: Record<string, string> = { application_key: okApp.key, format: "json", method, ...extra }
  params["sig"] = okSig(params, okLong.sessionSecretKey)
  params["access_token"] = okLong.accessToken
  return send(httpMethod, "https://api.ok.ru/fb.do", params)
}

/** A signed Mail.Ru call in the client-server circuit with the seeded session. */
export const mailruSessionCall = (method: string, extra: Readonly<Record<string, string>> = {}) => {
  const params: Record<string, string> = { app_id: mrApp.id, method, session_key: mrSession.accessToken, ...extra }
  params["sig"] = mailruClientSig(params, mrSession.uid, mrApp.privateKey)
  return send("POST", "https://appsmail.ru/platform/api", params)
}

export const control = EmulatorControl.EmulatorControl

export const inProcess = () => Emulator.layerInProcess()

/** Every secret of the seed, to look for in the request log. */
export const seedSecrets: ReadonlyArray<string> = [
  okApp.secretKey,
  okLong.accessToken,
  okLong.sessionSecretKey,
  Seed.ok.tokens.refresh.refreshToken,
  mrApp.privateKey,
  mrApp.secretKey,
  mrSession.accessToken,
  mrSession.refreshToken,
  ...Seed.ok.users.map((user) => user.password),
  ...Seed.mailru.users.map((user) => user.password)
]
