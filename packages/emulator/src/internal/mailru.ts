// Mail.Ru Platform: /platform/api, the public /platform/<segments>, /oauth/token, and the authorize, login,
// permission and "in development" pages.
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
  mailruError,
  mailruJson,
  now,
  oauthError,
  record,
  withFaults
} from "./http.js"
import {
  blankPage,
  inDevelopmentPage,
  loginPage,
  noApplicationPage,
  permissionPage,
  recoveryPage
} from "./mailruPages.js"
import { failure, type MethodResult, result } from "./method.js"
import { verifyMailRu } from "./signature.js"
import { type AccessGrant, md5, secondsLeft, type World } from "./state.js"

type Answer = Effect.Effect<HttpServerResponse.HttpServerResponse, Disconnected, HttpServerRequest.HttpServerRequest>

const applications: ReadonlyArray<Seed.MailRuApplication> = [Seed.mailru.application, Seed.mailru.applicationInDevelopment]

const applicationById = (id: string | undefined) => applications.find((app) => app.id === id)

const everyone: ReadonlyArray<Seed.MailRuUser> = [...Seed.mailru.users, Seed.mailru.blocked]

const userById = (uid: string) => everyone.find((user) => user.uid === uid)

const userByEmail = (email: string) => everyone.find((user) => user.email === email.toLowerCase())

const cityIds: Readonly<Record<string, string>> = {
  "Москва": "25",
  "Екатеринбург": "49",
  "Самара": "123",
  "Владивосток": "75",
  "Тверь": "160"
}

const userView = (user: Seed.MailRuUser, viewer: string | undefined) => {
  const [local, domain] = user.email.split("@") as [string, string]
  const site = domain.replace(/\.ru$/, "")
  const view: Record<string, unknown> = {
    uid: user.uid,
    first_name: user.first_name,
    last_name: user.last_name,
    nick: user.nick,
    sex: user.sex,
    birthday: user.birthday,
    link: `https://my.mail.ru/${site}/${local}/`,
    pic: `https://avt.appsmail.ru/${site}/${local}/_avatar`,
    pic_small: `https://avt.appsmail.ru/${site}/${local}/_avatarsmall`,
    pic_big: `https://avt.appsmail.ru/${site}/${local}/_avatarbig`,
    has_pic: 1,
    is_online: user.online ? 1 : 0,
    app_installed: user.appInstalled ? 1 : 0,
    friends_count: user.friends.length,
    location: {
      country: { id: "24", name: "Россия" },
      city: { id: cityIds[user.city] ?? "1", name: user.city }
    }
  }
  if (viewer === user.uid) view["email"] = user.email
  else if (viewer !== undefined) view["is_friend"] = user.friends.includes(viewer) ? 1 : 0
  return view
}

interface Call {
  readonly params: Readonly<Record<string, string>>
  readonly grant: AccessGrant | undefined
  readonly app: Seed.MailRuApplication
}

/** The user a call is about: the session's, or in the server circuit the `uid` parameter. */
const subject = (call: Call, run: (user: Seed.MailRuUser) => MethodResult): MethodResult => {
  const uid = call.params["uid"] ?? call.grant?.uid
  if (uid === undefined) return failure(100, "uid is required without a session")
  const user = userById(uid)
  if (user === undefined) return failure(100, "uid: no such user")
  // A blocked user's data is not served.
  return user.blocked ? failure(202) : run(user)
}

// The friends methods list the session user's friends: without a session they fail as the vendor does (102).
const withSession = (call: Call, run: () => MethodResult): MethodResult =>
  call.grant === undefined ? failure(102) : run()

const extended = (call: Call) => call.params["ext"] === "1"

const friendsOf = (call: Call, user: Seed.MailRuUser, filter: (friend: Seed.MailRuUser) => boolean) => {
  const friends = user.friends.map(userById).filter((f): f is Seed.MailRuUser => f !== undefined).filter(filter)
  return result(extended(call) ? friends.map((f) => userView(f, call.grant?.uid)) : friends.map((f) => f.uid))
}

const hasScope = (call: Call, scope: string) => call.grant === undefined || call.grant.scopes.includes(scope)

const methods = (world: World): Readonly<Record<string, (call: Call) => MethodResult>> => ({
  "users.getInfo": (call) => {
    const uids = call.params["uids"]?.split(",").map((uid) => uid.trim()).filter((uid) => uid !== "")
    if (uids === undefined || uids.length === 0) {
      if (call.grant === undefined) return failure(100, "uids is required without a session")
      return result([userView(userById(call.grant.uid)!, call.grant.uid)])
    }
    return result(uids.flatMap((uid) => {
      const user = userById(uid)
      return user === undefined ? [] : [userView(user, call.grant?.uid)]
    }))
  },
  "friends.get": (call) => withSession(call, () => subject(call, (user) => friendsOf(call, user, () => true))),
  "friends.getAppUsers": (call) =>
    withSession(call, () => subject(call, (user) => friendsOf(call, user, (friend) => friend.appInstalled))),
  "stream.get": (call) =>
    subject(call, (user) => {
      if (!hasScope(call, "stream")) return failure(202)
      const limit = Number(call.params["limit"] ?? "20")
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) return failure(100, "limit must be 1 to 100")
      const circle = [user.uid, ...user.friends]
      const entries = Seed.mailru.stream.filter((entry) => circle.includes(entry.author)).slice(0, limit)
      return result(entries.map((entry) => ({
        id: entry.id,
        type: "status",
        type_name: entry.type_name,
        time: entry.time,
        huid: entry.author,
        text: entry.text,
        authors: [userView(userById(entry.author)!, call.grant?.uid)]
      })))
    }),
  "photos.getAlbums": (call) =>
    subject(call, (user) => {
      const viewer = call.grant?.uid
      const aids = call.params["aids"]?.split(",")
      const albums = Seed.mailru.albums.filter((album) =>
        album.owner === user.uid && (aids === undefined || aids.includes(album.aid))
      )
      // Privacy 4: friends only.
      if (viewer !== undefined && viewer !== user.uid && albums.some((album) => album.privacy === 4)) {
        if (!user.friends.includes(viewer)) return failure(202)
      }
      return result(albums.map((album) => ({
        aid: album.aid,
        title: album.title,
        description: album.description,
        owner: album.owner,
        size: album.size,
        created: album.created,
        updated: album.created,
        privacy: album.privacy,
        link: `https://my.mail.ru/photo/${album.owner}/${album.aid}`
      })))
    }),
  "guestbook.post": (call) => {
    if (call.grant === undefined) return failure(102, "User authorization failed: no session")
    if (!hasScope(call, "guestbook")) return failure(202)
    const uid = call.params["uid"]
    const text = call.params["text"]
    if (uid === undefined || userById(uid) === undefined) return failure(100, "uid: no such user")
    if (text === undefined || text === "") return failure(100, "text is required")
    const id = String(7_000_000 + world.guestbook.length + 1)
    world.guestbook.push({ id, uid, author: call.grant.uid })
    return result({ post_id: id })
  }
})

/** `/platform/api`. */
export const api = (world: World): Answer => {
  const table = methods(world)
  return Effect.flatMap(incoming, (input) => {
    const params = input.params
    const method = params["method"] ?? ""
    const entry: Omit<LogEntry, "at" | "verdict"> = {
      api: "mailru",
      endpoint: "platform/api",
      method,
      httpMethod: input.httpMethod,
      appId: params["app_id"]
    }
    const handle = Effect.gen(function*() {
      const at = yield* now
      const fail = (code: number, message?: string, extra: Partial<LogEntry> = {}, status = 200) =>
        Effect.as(record(world, { ...entry, ...extra, verdict: `error ${code}` }), mailruError(code, message, status))
      if (method === "") return yield* fail(100, "method is required")
      const app = applicationById(params["app_id"])
      const sig = (params["sig"] ?? "").toLowerCase()
      // A request without a signature is refused before anything else, with HTTP 400 and error 100.
      if (sig === "") return yield* fail(100, "sig is required", {}, 400)
      if (app === undefined) return yield* fail(103)
      if (!Object.hasOwn(table, method)) return yield* fail(2)
      const sessionKey = params["session_key"]
      let grant: AccessGrant | undefined
      if (sessionKey !== undefined) {
        grant = world.access.get(sessionKey)
        if (grant === undefined || grant.api !== "mailru" || grant.appId !== app.id || grant.revoked) {
          return yield* fail(102)
        }
      }
      const circuit = params["secure"] === "1" ? "server-server" : "client-server"
      if (circuit === "client-server" && grant === undefined) {
        return yield* fail(102, "User authorization failed: no session", { circuit })
      }
      const verified = verifyMailRu(params, { privateKey: app.privateKey, secretKey: app.secretKey, uid: grant?.uid })
      if (verified === undefined) return yield* fail(104, undefined, { circuit })
      if (grant !== undefined && grant.expiresAt <= at) return yield* fail(102, undefined, { circuit, uid: grant.uid })
      const answer = table[method]!({ params, grant, app })
      const extra = { circuit, uid: grant?.uid } as const
      if (answer._tag === "error") return yield* fail(answer.code, answer.message, extra)
      yield* record(world, { ...entry, ...extra, verdict: "ok" })
      return mailruJson(answer.value)
    })
    return withFaults(world, "mailru", [method], "mailru-api", entry, handle)
  })
}

/** `/platform/<domain>/<login>`: a user's public data, unsigned. */
export const publicData = (world: World): Answer =>
  Effect.flatMap(incoming, (input) => {
    const segments = input.path.split("/").filter((s) => s !== "").slice(1)
    const target = `platform/${segments.join("/")}`
    const entry = { api: "mailru" as const, endpoint: "platform", method: target, httpMethod: input.httpMethod }
    const handle = Effect.gen(function*() {
      const [site, login] = segments
      const user = site !== undefined && login !== undefined && segments.length === 2
        ? userByEmail(`${login}@${site}.ru`)
        : undefined
      if (user === undefined || user.blocked) {
        yield* record(world, { ...entry, circuit: "unsigned", verdict: "error 100" })
        return mailruError(100, "no such user")
      }
      yield* record(world, { ...entry, circuit: "unsigned", verdict: "ok" })
      return mailruJson(userView(user, undefined))
    })
    return withFaults(world, "mailru", [target, "platform"], "mailru-api", entry, handle)
  })

const tokenAnswer = (world: World, app: Seed.MailRuApplication, uid: string, scopes: ReadonlyArray<string>, at: number) => {
  const issued = world.issueAccess("mailru", app.id, uid, scopes, at)
  const refreshToken = world.issueRefresh("mailru", app.id, uid, scopes, at)
  return {
    access_token: issued.accessToken,
    refresh_token: refreshToken,
    expires_in: secondsLeft(issued.grant, at),
    token_type: "bearer",
    x_mailru_vid: uid
  }
}

/** `/oauth/token`: the authorization-code, password and refresh-token grants. */
export const token = (world: World): Answer =>
  Effect.flatMap(incoming, (input) => {
    const params = input.params
    const grantType = params["grant_type"]
    const entry = {
      api: "mailru" as const,
      endpoint: "oauth/token",
      method: "oauth/token",
      httpMethod: input.httpMethod,
      grant: grantType,
      appId: params["client_id"]
    }
    const handle = Effect.gen(function*() {
      const at = yield* now
      const fail = (error: string, description: string, status = 400) =>
        Effect.as(record(world, { ...entry, verdict: `oauth ${error}` }), oauthError(error, description, status))
      const succeed = (body: ReturnType<typeof tokenAnswer>) =>
        Effect.as(record(world, { ...entry, uid: body.x_mailru_vid, verdict: "ok" }), mailruJson(body))
      if (input.httpMethod !== "POST") return yield* fail("invalid_request", "POST required")
      const app = applicationById(params["client_id"])
      if (app === undefined) return yield* fail("invalid_client", "unknown client_id", 401)
      if (params["client_secret"] !== app.secretKey) return yield* fail("invalid_client", "wrong client_secret", 401)
      switch (grantType) {
        case "authorization_code": {
          const code = world.codes.get(params["code"] ?? "")
          if (code === undefined || code.api !== "mailru" || code.appId !== app.id || code.used) {
            return yield* fail("invalid_grant", "invalid code")
          }
          if (code.expiresAt <= at) return yield* fail("invalid_grant", "code expired")
          if (params["redirect_uri"] !== code.redirectUri) return yield* fail("invalid_grant", "redirect_uri mismatch")
          code.used = true
          return yield* succeed(tokenAnswer(world, app, code.uid, code.scopes, at))
        }
        case "password": {
          if (!app.passwordGrant) return yield* fail("unauthorized_client", "password grant is not enabled")
          const user = userByEmail(params["username"] ?? "")
          if (user === undefined || world.passwordOf("mailru", user.email, user.password) !== params["password"]) {
            return yield* fail("invalid_grant", "invalid username or password")
          }
          if (user.blocked) return yield* fail("invalid_grant", "user is blocked")
          const scopes = (params["scope"] ?? "").split(/[\s,]+/).filter((s) => s !== "")
          return yield* succeed(tokenAnswer(world, app, user.uid, scopes.length > 0 ? scopes : Seed.mailruScopes, at))
        }
        case "refresh_token": {
          const refresh = world.refresh.get(params["refresh_token"] ?? "")
          if (refresh === undefined || refresh.api !== "mailru" || refresh.appId !== app.id || refresh.revoked) {
            return yield* fail("invalid_grant", "invalid refresh_token")
          }
          if (refresh.expiresAt <= at) return yield* fail("invalid_grant", "refresh_token expired")
          // Mail.Ru rotates refresh tokens: the old one is spent.
          refresh.revoked = true
          return yield* succeed(tokenAnswer(world, app, refresh.uid, refresh.scopes, at))
        }
        default:
          return yield* fail("unsupported_grant_type", `grant_type ${grantType ?? "(none)"} is not supported`)
      }
    })
    return withFaults(world, "mailru", ["oauth/token"], "oauth", entry, handle)
  })

const LOGIN_COOKIE = "Mpop"

const loggedIn = (world: World, input: Incoming) => {
  const uid = world.logins.get(input.cookies[LOGIN_COOKIE] ?? "")
  return uid === undefined ? undefined : userById(uid)
}

const formSig = (cookie: string, clientId: string) => md5(`form/${cookie}/${clientId}`).slice(0, 16)

/** `/oauth/authorize`, GET (login or permission page) and POST (the permission form). */
export const authorize = (world: World): Answer =>
  Effect.flatMap(incoming, (input) => {
    const params = input.params
    const entry = {
      api: "mailru" as const,
      endpoint: "oauth/authorize",
      method: "oauth/authorize",
      httpMethod: input.httpMethod,
      appId: params["client_id"]
    }
    const handle = Effect.gen(function*() {
      const at = yield* now
      const page = (verdict: string, body: string, status = 200) =>
        Effect.as(record(world, { ...entry, verdict }), htmlPage(body, status))
      const app = applicationById(params["client_id"])
      if (app === undefined) return yield* page("page no application", noApplicationPage())
      const redirectUri = params["redirect_uri"] ?? ""
      if (redirectUri !== app.redirectUri) {
        return yield* page("page redirect_uri", noApplicationPage("Неверный адрес возврата (redirect_uri)"))
      }
      const responseType = params["response_type"] === "code" ? "code" : "token"
      const state = params["state"] ?? ""
      const scope = params["scope"] ?? ""
      const user = loggedIn(world, input)
      const cookie = input.cookies[LOGIN_COOKIE] ?? ""
      if (input.httpMethod === "POST" && user !== undefined && params["sig"] === formSig(cookie, app.id)) {
        const separator = (query: URLSearchParams) => `${redirectUri}${responseType === "code" ? "?" : "#"}${query}`
        if (params["agree"] !== "1") {
          yield* record(world, { ...entry, uid: user.uid, verdict: "redirect access_denied" })
          return found(`${redirectUri}?${new URLSearchParams({ error: "access_denied", state })}`)
        }
        const pending = world.pendingScopes.get(params["sig"]) ?? scope
        world.pendingScopes.delete(params["sig"])
        const scopes = pending.split(/[\s,]+/).filter((s) => s !== "")
        const granted = scopes.length > 0 ? scopes : Seed.mailruScopes
        yield* record(world, { ...entry, uid: user.uid, verdict: "redirect" })
        if (responseType === "code") {
          const code = world.issueCode("mailru", app.id, user.uid, redirectUri, granted, at)
          return found(separator(new URLSearchParams({ code, state })))
        }
        const body = tokenAnswer(world, app, user.uid, granted, at)
        return found(separator(
          new URLSearchParams({
            access_token: body.access_token,
            refresh_token: body.refresh_token,
            expires_in: String(body.expires_in),
            token_type: body.token_type,
            x_mailru_vid: body.x_mailru_vid,
            state
          })
        ))
      }
      if (user === undefined || params["fail"] === "1") {
        const query = new URLSearchParams()
        for (const key of ["client_id", "response_type", "redirect_uri", "scope", "state"]) {
          const value = params[key]
          if (value !== undefined) query.set(key, value)
        }
        const authorizeUrl = `${input.sites.mailruConnect}/oauth/authorize`
        return yield* page(
          params["fail"] === "1" ? "page login failed" : "page login",
          loginPage({
            action: `${input.sites.mailruAuth}/cgi-bin/auth`,
            page: `${authorizeUrl}?${query}&login=1`,
            failPage: `${authorizeUrl}?${query}&fail=1`,
            appName: app.name,
            failed: params["fail"] === "1"
          })
        )
      }
      if (app.inDevelopment) return yield* page("page in development", inDevelopmentPage())
      // The permission form carries no scope, as the vendor's does not: the request waits on the server.
      world.pendingScopes.set(formSig(cookie, app.id), scope)
      return yield* page(
        "page permission",
        permissionPage({
          action: `${input.sites.mailruConnect}/oauth/authorize`,
          userName: `${user.first_name} ${user.last_name}`,
          appName: app.name,
          hidden: [
            ["sig", formSig(cookie, app.id)],
            ["client_id", app.id],
            ["redirect_uri", redirectUri],
            ["response_type", responseType],
            ["state", state],
            ["login", "1"],
            ["needed_permissions", "576"]
          ],
          cancel: `${redirectUri}?error=access_denied`
        })
      )
    })
    return withFaults(world, "mailru", ["oauth/authorize"], "page", entry, handle)
  })

/** `/cgi-bin/auth`: checks Login@Domain and Password, sets the login cookie and goes to Page (or FailPage). */
export const auth = (world: World): Answer =>
  Effect.flatMap(incoming, (input) => {
    const params = input.params
    const entry = { api: "mailru" as const, endpoint: "cgi-bin/auth", method: "cgi-bin/auth", httpMethod: input.httpMethod }
    const handle = Effect.gen(function*() {
      const login = params["Login"] ?? ""
      const email = login.includes("@") ? login : `${login}@${params["Domain"] ?? "mail.ru"}`
      const user = userByEmail(email)
      const next = params["Page"] ?? `${input.sites.mailruConnect}/oauth/authorize`
      const failPage = params["FailPage"] ?? `${next}${next.includes("?") ? "&" : "?"}fail=1`
      if (user === undefined || world.passwordOf("mailru", user.email, user.password) !== params["Password"]) {
        yield* record(world, { ...entry, verdict: "redirect fail" })
        return found(failPage)
      }
      if (user.blocked) {
        yield* record(world, { ...entry, uid: user.uid, verdict: "redirect recovery" })
        return found(`${input.sites.mailruAuth}/recovery`)
      }
      const id = world.nextSecret("mailru/login-cookie")
      world.logins.set(id, user.uid)
      yield* record(world, { ...entry, uid: user.uid, verdict: "redirect" })
      // On the vendor hosts the cookie is shared by auth.mail.ru and connect.mail.ru, as Mail.Ru's is.
      return found(next).pipe(
        HttpServerResponse.unsafeSetCookie(LOGIN_COOKIE, id, {
          path: "/",
          httpOnly: true,
          ...(input.sites.vendorHosts ? { domain: ".mail.ru" } : {})
        })
      )
    })
    return withFaults(world, "mailru", ["cgi-bin/auth"], "page", entry, handle)
  })

export const recovery = (world: World): Answer =>
  Effect.flatMap(incoming, (input) =>
    Effect.as(
      record(world, { api: "mailru", endpoint: "recovery", method: "recovery", httpMethod: input.httpMethod, verdict: "page" }),
      htmlPage(recoveryPage())
    ))

export const success = htmlPage(blankPage())
