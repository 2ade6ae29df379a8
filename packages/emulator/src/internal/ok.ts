// OK.ru: fb.do and /api/<group>/<name>, the token endpoint, and the login and permission pages.
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import type { LogEntry } from "../EmulatorControl.js"
import * as Seed from "../Seed.js"
import {
  type Disconnected,
  found,
  htmlPage,
  incoming,
  type Incoming,
  now,
  oauthError,
  okError,
  okResult,
  record,
  withFaults
} from "./http.js"
import { loginPage, permissionPage, unknownClientPage } from "./okPages.js"
import { failure, type MethodResult, result } from "./method.js"
import { verifyOk } from "./signature.js"
import { type AccessGrant, secondsLeft, type World } from "./state.js"

type Answer = Effect.Effect<HttpServerResponse.HttpServerResponse, Disconnected, HttpServerRequest.HttpServerRequest>

const application = (key: string | undefined) =>
  key === Seed.ok.application.key ? Seed.ok.application : undefined

const userById = (uid: string) => Seed.ok.users.find((user) => user.uid === uid)

const USER_FIELDS = ["uid", "name", "first_name", "last_name", "gender", "birthday", "locale", "location", "pic_1"]

const userView = (user: Seed.OkUser, fields: ReadonlyArray<string> | undefined) => {
  const full: Record<string, unknown> = {
    uid: user.uid,
    name: user.name,
    first_name: user.first_name,
    last_name: user.last_name,
    gender: user.gender,
    birthday: user.birthday,
    locale: user.locale,
    location: user.location,
    pic_1: `https://i.mycdn.me/res/stub_50x50.gif?u=${user.uid}`
  }
  if (fields === undefined) return full
  const wanted = fields.map((field) => field.trim().toLowerCase())
  const out: Record<string, unknown> = { uid: user.uid }
  for (const field of USER_FIELDS) if (wanted.includes(field)) out[field] = full[field]
  return out
}

const listParam = (value: string | undefined) =>
  value === undefined ? undefined : value.split(",").map((item) => item.trim()).filter((item) => item !== "")

interface Call {
  readonly method: string
  readonly params: Readonly<Record<string, string>>
  readonly session: { readonly grant: AccessGrant } | undefined
}

const requireSession = (call: Call, run: (uid: string, grant: AccessGrant) => MethodResult): MethodResult =>
  call.session === undefined ? failure(453) : run(call.session.grant.uid, call.session.grant)

const methods = (world: World): Readonly<Record<string, (call: Call) => MethodResult>> => ({
  "users.getCurrentUser": (call) =>
    requireSession(call, (uid) => result(userView(userById(uid)!, listParam(call.params["fields"])))),
  "users.getLoggedInUser": (call) => requireSession(call, (uid) => result(uid)),
  "users.getInfo": (call) => {
    const uids = listParam(call.params["uids"])
    const fields = listParam(call.params["fields"])
    if (uids === undefined || uids.length === 0) return failure(100, "PARAM : Missing required parameter uids")
    if (fields === undefined || fields.length === 0) return failure(100, "PARAM : Missing required parameter fields")
    if (uids.length > 100) return failure(100, "PARAM : Too many uids")
    return result(uids.flatMap((uid) => {
      const user = userById(uid)
      return user === undefined ? [] : [userView(user, fields)]
    }))
  },
  "friends.get": (call) => {
    const fid = call.params["fid"]
    // The method needs a session, whosever friends it lists (the vendor's 453 SESSION_REQUIRED).
    if (call.session === undefined) return failure(453)
    const owner = userById(fid ?? call.session!.grant.uid)
    if (owner === undefined) return failure(300, "NOT_FOUND : User not found")
    const offset = Number(call.params["offset"] ?? "0")
    const limit = Number(call.params["limit"] ?? "5000")
    if (!Number.isInteger(offset) || offset < 0) return failure(100, "PARAM : offset must be a non-negative integer")
    const friends = [...owner.friends]
    if (call.params["sort_type"] === "PRESENT") friends.sort()
    return result(friends.slice(offset, offset + limit))
  },
  "friends.getOnline": (call) =>
    requireSession(call, (uid) => {
      const owner = userById(call.params["uid"] ?? uid)
      if (owner === undefined) return failure(300, "NOT_FOUND : User not found")
      return result(owner.friends.filter((friend) => userById(friend)?.online === true))
    }),
  "group.getInfo": (call) => {
    const uids = listParam(call.params["uids"])
    const fields = listParam(call.params["fields"])
    if (uids === undefined || uids.length === 0) return failure(100, "PARAM : Missing required parameter uids")
    if (fields === undefined || fields.length === 0) return failure(100, "PARAM : Missing required parameter fields")
    return result(uids.flatMap((gid) => {
      const group = Seed.ok.groups.find((g) => g.uid === gid)
      if (group === undefined) return []
      const out: Record<string, unknown> = { uid: group.uid }
      for (const field of fields.map((f) => f.toLowerCase())) {
        if (field in group) out[field] = group[field as keyof Seed.OkGroup]
      }
      return [out]
    }))
  },
  "events.get": (call) =>
    requireSession(call, () => {
      const types = listParam(call.params["types"])
      return result(Seed.ok.events.filter((event) => types === undefined || types.includes(event.type)))
    }),
  "mediatopic.post": (call) =>
    requireSession(call, (uid, grant) => {
      const type = call.params["type"]
      const raw = call.params["attachment"]
      if (type === undefined) return failure(100, "PARAM : Missing required parameter type")
      if (raw === undefined) return failure(100, "PARAM : Missing required parameter attachment")
      let attachment: unknown
      try {
        attachment = JSON.parse(raw)
      } catch {
        return failure(100, "PARAM : attachment is not valid JSON")
      }
      const media = (attachment as { media?: unknown })?.media
      if (!Array.isArray(media) || media.length === 0) return failure(100, "PARAM : attachment has no media")
      if (type === "GROUP_THEME") {
        if (call.params["gid"] === undefined) return failure(100, "PARAM : Missing required parameter gid")
        if (!grant.scopes.includes("GROUP_CONTENT")) return failure(10, "PERMISSION_DENIED : GROUP_CONTENT required")
      }
      const id = String(900_000_000_000 + world.topics.length + 1)
      world.topics.push({ id, uid, attachment })
      return result(id)
    })
})

const authLogin = (world: World, params: Readonly<Record<string, string>>, at: number): MethodResult => {
  const login = params["user_name"]
  const password = params["password"]
  if (login === undefined || password === undefined) return failure(100, "PARAM : user_name and password required")
  const user = Seed.ok.users.find((candidate) => candidate.login === login)
  if (user === undefined || world.passwordOf("ok", user.login, user.password) !== password) return failure(401)
  const issued = world.issueAccess("ok", Seed.ok.application.id, user.uid, ["VALUABLE_ACCESS"], at)
  return result({
    uid: user.uid,
    session_key: issued.accessToken,
    session_secret_key: issued.grant.sessionSecretKey,
    api_server: "https://api.ok.ru/",
    activated_profile: true
  })
}

/** One API call on fb.do or /api/<group>/<name>. */
type Methods = ReturnType<typeof methods>

const apiCall = (world: World, table: Methods, input: Incoming, method: string | undefined): Answer => {
  const entry: Omit<LogEntry, "at" | "verdict"> = {
    api: "ok",
    endpoint: input.path === "/fb.do" ? "fb.do" : "api",
    method: method ?? "",
    httpMethod: input.httpMethod,
    appId: application(input.params["application_key"])?.id
  }
  const done = (verdict: string, extra: Partial<LogEntry> = {}) => record(world, { ...entry, ...extra, verdict })
  const handle = Effect.gen(function*() {
    const at = yield* now
    const params = input.params
    const fail = (code: number, message?: string, extra: Partial<LogEntry> = {}) =>
      Effect.as(done(`error ${code}`, extra), okError(code, message))
    if (method === undefined || method === "") return yield* fail(100, "PARAM : Missing required parameter method")
    const app = application(params["application_key"])
    if (app === undefined) return yield* fail(101)
    const known = Object.hasOwn(table, method) || method === "auth.login"
    if (!known) return yield* fail(3)
    const sig = params["sig"]
    const accessToken = params["access_token"] ?? params["session_key"]
    if (method === "auth.login") {
      // Whether auth.login needs a signature is not confirmed: one that is sent must be right.
      if (sig !== undefined && verifyOk(params, { applicationSecretKey: app.secretKey }) === undefined) {
        return yield* fail(104, undefined, { circuit: "application" })
      }
      const answer = authLogin(world, params, at)
      if (answer._tag === "error") return yield* fail(answer.code, answer.message, { circuit: "application" })
      yield* done("ok", { circuit: "application" })
      return okResult(answer.value)
    }
    if (sig === undefined || sig === "") return yield* fail(104, "PARAM_SIGNATURE : No signature specified")
    let session: Call["session"] = undefined
    let circuit: LogEntry["circuit"] = "application"
    if (accessToken !== undefined) {
      const grant = world.access.get(accessToken)
      if (grant === undefined || grant.api !== "ok" || grant.revoked || grant.appId !== app.id) {
        return yield* fail(103)
      }
      circuit = verifyOk(params, {
        applicationSecretKey: app.secretKey,
        accessToken,
        sessionSecretKey: grant.sessionSecretKey
      })
      if (circuit === undefined) return yield* fail(104, undefined, { uid: grant.uid })
      if (grant.expiresAt <= at) return yield* fail(102, undefined, { circuit, uid: grant.uid })
      session = { grant }
    } else if (verifyOk(params, { applicationSecretKey: app.secretKey }) === undefined) {
      return yield* fail(104, undefined, { circuit })
    }
    const answer = table[method]!({ method, params, session })
    const extra = { circuit, uid: session?.grant.uid }
    if (answer._tag === "error") return yield* fail(answer.code, answer.message, extra)
    yield* done("ok", extra)
    return okResult(answer.value)
  })
  return withFaults(world, "ok", method === undefined ? [] : [method], "ok-api", entry, handle)
}

export const fbDo = (world: World): Answer => {
  const table = methods(world)
  return Effect.flatMap(incoming, (input) => apiCall(world, table, input, input.params["method"]))
}

export const apiPath = (world: World): Answer => {
  const table = methods(world)
  return Effect.flatMap(incoming, (input) => {
    const [, , group, name] = input.path.split("/")
    return apiCall(world, table, input, group && name ? `${group}.${name}` : undefined)
  })
}

/** `/oauth/token.do`: the authorization-code and refresh-token grants. */
export const tokenEndpoint = (world: World): Answer =>
  Effect.flatMap(incoming, (input) => {
    const params = input.params
    const grantType = params["grant_type"]
    const entry = {
      api: "ok" as const,
      endpoint: "oauth/token.do",
      method: "oauth/token.do",
      httpMethod: input.httpMethod,
      grant: grantType,
      appId: params["client_id"]
    }
    const handle = Effect.gen(function*() {
      const at = yield* now
      const fail = (error: string, description: string) =>
        Effect.as(record(world, { ...entry, verdict: `oauth ${error}` }), oauthError(error, description))
      if (input.httpMethod !== "POST") return yield* fail("invalid_request", "POST required")
      if (grantType !== "authorization_code" && grantType !== "refresh_token") {
        // OK answers malformed token requests with an HTML page.
        yield* record(world, { ...entry, verdict: "html" })
        return htmlPage("<html><body><h1>400 Bad Request</h1></body></html>", 400)
      }
      const app = Seed.ok.application
      if (params["client_id"] !== app.id) return yield* fail("invalid_client", "Unknown client_id")
      if (params["client_secret"] !== app.secretKey) return yield* fail("invalid_client", "Invalid client_secret")
      if (grantType === "authorization_code") {
        const code = world.codes.get(params["code"] ?? "")
        if (code === undefined || code.api !== "ok" || code.appId !== app.id) {
          return yield* fail("invalid_grant", "Invalid code")
        }
        if (code.used || code.expiresAt <= at) return yield* fail("invalid_grant", "Expired code")
        if (params["redirect_uri"] !== code.redirectUri) return yield* fail("invalid_grant", "Invalid redirect_uri")
        code.used = true
        const issued = world.issueAccess("ok", app.id, code.uid, code.scopes, at)
        const refreshToken = world.issueRefresh("ok", app.id, code.uid, code.scopes, at)
        yield* record(world, { ...entry, uid: code.uid, verdict: "ok" })
        return okResult({
          access_token: issued.accessToken,
          token_type: "session",
          refresh_token: refreshToken,
          expires_in: String(secondsLeft(issued.grant, at))
        })
      }
      const refresh = world.refresh.get(params["refresh_token"] ?? "")
      if (refresh === undefined || refresh.api !== "ok" || refresh.appId !== app.id || refresh.revoked) {
        return yield* fail("invalid_grant", "Invalid refresh_token")
      }
      if (refresh.expiresAt <= at) return yield* fail("invalid_grant", "Expired refresh_token")
      const issued = world.issueAccess("ok", app.id, refresh.uid, refresh.scopes, at)
      yield* record(world, { ...entry, uid: refresh.uid, verdict: "ok" })
      // OK keeps the refresh token: the answer carries none.
      return okResult({
        access_token: issued.accessToken,
        token_type: "session",
        expires_in: String(secondsLeft(issued.grant, at))
      })
    })
    return withFaults(world, "ok", ["oauth/token.do"], "oauth", entry, handle)
  })

const SESSION_COOKIE = "okmail_ok_session"

const pageEntry = (input: Incoming, method: string) => ({
  api: "ok" as const,
  endpoint: method,
  method,
  httpMethod: input.httpMethod
})

/** `/oauth/authorize`: checks the client and sends the browser to the login page with a fresh page session. */
export const authorize = (world: World): Answer =>
  Effect.flatMap(incoming, (input) => {
    const entry = { ...pageEntry(input, "oauth/authorize"), appId: input.params["client_id"] }
    const handle = Effect.gen(function*() {
      const params = input.params
      const app = Seed.ok.application
      const redirectUri = params["redirect_uri"] ?? ""
      if (params["client_id"] !== app.id) {
        yield* record(world, { ...entry, verdict: "error invalid_client" })
        return htmlPage(unknownClientPage(), 400)
      }
      if (!app.redirectUris.includes(redirectUri)) {
        yield* record(world, { ...entry, verdict: "error redirect_uri" })
        return htmlPage(unknownClientPage("redirect_uri не зарегистрирован для приложения"), 400)
      }
      const id = world.nextSecret("ok/page-session")
      world.pageSessions.set(id, {
        api: "ok",
        clientId: app.id,
        redirectUri,
        scopes: (params["scope"] ?? "").split(/[;,\s]+/).filter((s) => s !== ""),
        responseType: params["response_type"] ?? "code",
        state: params["state"] ?? "",
        formToken: world.nextSecret("ok/form-token").slice(0, 32)
      })
      yield* record(world, { ...entry, verdict: "redirect" })
      const query = new URLSearchParams({
        "st.cmd": "OAuth2Login",
        "st.layout": params["layout"] ?? "w",
        "st.client_id": app.id
      })
      return found(`/dk?${query.toString()}`).pipe(
        HttpServerResponse.unsafeSetCookie(SESSION_COOKIE, id, { path: "/", httpOnly: true })
      )
    })
    return withFaults(world, "ok", ["oauth/authorize"], "page", entry, handle)
  })

// The implicit flow's answer travels in the fragment; the code flow's, refusals included, in the query (RFC 6749
// 4.1.2 and 4.1.2.1).
const redirectWith = (session: { redirectUri: string; responseType: string }, answer: URLSearchParams) =>
  found(`${session.redirectUri}${session.responseType === "code" ? "?" : "#"}${answer.toString()}`)

/** `/dk`: the login page (`st.cmd=OAuth2Login`) and the permission page (`st.cmd=OAuth2Permissions`). */
export const dk = (world: World): Answer =>
  Effect.flatMap(incoming, (input) => {
    const command = input.query.get("st.cmd") ?? ""
    const entry = pageEntry(input, "dk")
    const handle = Effect.gen(function*() {
      const at = yield* now
      const session = world.pageSessions.get(input.cookies[SESSION_COOKIE] ?? "")
      if (session === undefined) {
        yield* record(world, { ...entry, verdict: "error no session" })
        return htmlPage(unknownClientPage("Сессия авторизации не найдена"), 400)
      }
      const posted = input.httpMethod === "POST" && input.params["fr.posted"] === "set"
      if (command === "OAuth2Login") {
        if (posted) {
          const login = input.params["fr.email"] ?? ""
          const user = Seed.ok.users.find((candidate) => candidate.login === login)
          if (user !== undefined && world.passwordOf("ok", user.login, user.password) === input.params["fr.password"]) {
            session.uid = user.uid
            yield* record(world, { ...entry, uid: user.uid, verdict: "redirect" })
            return found(`/dk?st.cmd=OAuth2Permissions&st.client_id=${session.clientId}`)
          }
          yield* record(world, { ...entry, verdict: "page wrong credentials" })
          return htmlPage(loginPage({ error: "Неправильно указан логин и/или пароль" }))
        }
        yield* record(world, { ...entry, verdict: "page" })
        return htmlPage(loginPage({}))
      }
      if (command === "OAuth2Permissions" && session.uid !== undefined) {
        const user = Seed.ok.users.find((candidate) => candidate.uid === session.uid)!
        if (!posted) {
          yield* record(world, { ...entry, uid: user.uid, verdict: "page" })
          return htmlPage(permissionPage({ token: session.formToken, user, session }))
        }
        world.pageSessions.delete(input.cookies[SESSION_COOKIE] ?? "")
        if (input.params["fr.token"] !== session.formToken || input.params["button_accept_request"] === undefined) {
          yield* record(world, { ...entry, uid: user.uid, verdict: "redirect access_denied" })
          return redirectWith(session, new URLSearchParams({ error: "access_denied", state: session.state }))
        }
        yield* record(world, { ...entry, uid: user.uid, verdict: "redirect" })
        if (session.responseType === "code") {
          const code = world.issueCode("ok", session.clientId, user.uid, session.redirectUri, session.scopes, at)
          const query = new URLSearchParams({ code, state: session.state })
          return found(`${session.redirectUri}?${query.toString()}`)
        }
        const issued = world.issueAccess("ok", session.clientId, user.uid, session.scopes, at)
        return redirectWith(
          session,
          new URLSearchParams({
            access_token: issued.accessToken,
            session_secret_key: issued.grant.sessionSecretKey!,
            permissions_granted: session.scopes.join(";"),
            expires_in: String(secondsLeft(issued.grant, at)),
            state: session.state
          })
        )
      }
      yield* record(world, { ...entry, verdict: "page login" })
      return htmlPage(loginPage({}))
    })
    return withFaults(world, "ok", ["dk"], "page", entry, handle)
  })
