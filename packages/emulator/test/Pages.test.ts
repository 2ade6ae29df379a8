import { assert, describe, it } from "@effect/vitest"
import { Auth } from "@okmail/core"
import * as Effect from "effect/Effect"
import { type Answer, control, inProcess, okApp, okIvan, mrApp, mrIvan, send } from "./helpers.js"
import { Seed } from "@okmail/emulator"

const cookieOf = (answer: Answer) => answer.setCookies.map(([name, value]) => `${name}=${value}`).join("; ")

const onlyForm = (answer: Answer, url: string) => {
  const forms = Auth.readForms(answer.text, url)
  assert.lengthOf(forms, 1)
  return forms[0]!
}

const fieldNames = (form: Auth.Form) => form.fields.map(([name]) => name)

const fragment = (location: string) => new URLSearchParams(new URL(location).hash.slice(1))

// The field lists below are those of the vendors' pages (shared/fixtures), read with the same form reader.
describe("OK.ru login and permission pages", () => {
  const authorizeUrl = (clientId: string) =>
    `https://connect.ok.ru/oauth/authorize?${new URLSearchParams({
      client_id: clientId,
      scope: "VALUABLE_ACCESS;GROUP_CONTENT",
      response_type: "token",
      redirect_uri: okApp.redirectUri,
      layout: "w",
      state: "s-1"
    })}`

  it.effect("authorize → login page → permission page → redirect with the token in the fragment", () =>
    Effect.gen(function*() {
      const start = yield* send("GET", authorizeUrl(okApp.id))
      assert.strictEqual(start.status, 302)
      const cookie = cookieOf(start)
      const loginUrl = new URL(start.headers["location"]!, "https://connect.ok.ru").href
      assert.strictEqual(new URL(loginUrl).searchParams.get("st.cmd"), "OAuth2Login")

      const loginPage = yield* send("GET", loginUrl, {}, cookie)
      const login = onlyForm(loginPage, loginUrl)
      assert.strictEqual(login.method, "POST")
      assert.strictEqual(`${login.action.pathname}${login.action.search}`, "/dk?cmd=OAuth2Login&st.cmd=OAuth2Login")
      assert.deepStrictEqual(login.fields, [["fr.posted", "set"], ["fr.email", ""], ["fr.password", ""], ["fr.remember", "on"]])
      assert.include(loginPage.text, "hook_Block_OAuth2Login")

      const posted = yield* send(
        "POST",
        login.action.href,
        Object.fromEntries(Auth.formFields(login, { fill: { "fr.email": okIvan.login, "fr.password": okIvan.password } }).pipe(
          (e) => (e._tag === "Right" ? e.right : [])
        )),
        cookie
      )
      assert.strictEqual(posted.status, 302)
      const permissionUrl = new URL(posted.headers["location"]!, login.action).href
      const permissionPage = yield* send("GET", permissionUrl, {}, cookie)
      const permission = onlyForm(permissionPage, permissionUrl)
      assert.strictEqual(permission.method, "POST")
      assert.strictEqual(
        `${permission.action.pathname}${permission.action.search}`,
        "/dk?st.cmd=OAuth2Permissions&cmd=OAuth2Permissions"
      )
      assert.deepStrictEqual(fieldNames(permission), ["fr.posted", "fr.token"])
      assert.deepStrictEqual(permission.buttons.map((b) => b.name), ["button_accept_request"])

      const accepted = Auth.formFields(permission, { button: "button_accept_request" })
      assert.strictEqual(accepted._tag, "Right")
      const done = yield* send("POST", permission.action.href, Object.fromEntries(accepted._tag === "Right" ? accepted.right : []), cookie)
      assert.strictEqual(done.status, 302)
      const location = done.headers["location"]!
      assert.isTrue(location.startsWith(`${okApp.redirectUri}#`))
      const params = fragment(location)
      assert.isNotEmpty(params.get("access_token"))
      assert.match(params.get("session_secret_key")!, /^[0-9a-f]{32}$/)
      assert.strictEqual(params.get("expires_in"), "1800")
      assert.strictEqual(params.get("state"), "s-1")
      assert.strictEqual(params.get("permissions_granted"), "VALUABLE_ACCESS;GROUP_CONTENT")
    }).pipe(Effect.provide(inProcess())))

  it.effect("a wrong password shows the login page again; declining redirects with error=access_denied", () =>
    Effect.gen(function*() {
      const start = yield* send("GET", authorizeUrl(okApp.id))
      const cookie = cookieOf(start)
      const action = "https://connect.ok.ru/dk?cmd=OAuth2Login&st.cmd=OAuth2Login"
      const wrong = yield* send("POST", action, { "fr.posted": "set", "fr.email": okIvan.login, "fr.password": "nope" }, cookie)
      assert.strictEqual(wrong.status, 200)
      assert.include(wrong.text, "hook_Block_OAuth2Login")
      assert.include(wrong.text, "Неправильно указан логин")
      yield* send("POST", action, { "fr.posted": "set", "fr.email": okIvan.login, "fr.password": okIvan.password }, cookie)
      const declined = yield* send(
        "POST",
        "https://connect.ok.ru/dk?st.cmd=OAuth2Permissions&cmd=OAuth2Permissions",
        { "fr.posted": "set", "fr.token": "whatever" },
        cookie
      )
      assert.strictEqual(fragment(declined.headers["location"]!).get("error"), "access_denied")
    }).pipe(Effect.provide(inProcess())))

  it.effect("the code flow's refusal carries error=access_denied in the query, not the fragment (RFC 6749 4.1.2.1)", () =>
    Effect.gen(function*() {
      const start = yield* send("GET", authorizeUrl(okApp.id).replace("response_type=token", "response_type=code"))
      const cookie = cookieOf(start)
      const action = "https://connect.ok.ru/dk?cmd=OAuth2Login&st.cmd=OAuth2Login"
      yield* send("POST", action, { "fr.posted": "set", "fr.email": okIvan.login, "fr.password": okIvan.password }, cookie)
      const declined = yield* send(
        "POST",
        "https://connect.ok.ru/dk?st.cmd=OAuth2Permissions&cmd=OAuth2Permissions",
        { "fr.posted": "set", "fr.token": "whatever" },
        cookie
      )
      const location = new URL(declined.headers["location"]!)
      assert.strictEqual(location.searchParams.get("error"), "access_denied")
      assert.strictEqual(location.hash, "")
    }).pipe(Effect.provide(inProcess())))

  it.effect("an unknown application gets an error page, not a login form", () =>
    Effect.gen(function*() {
      const answer = yield* send("GET", authorizeUrl("999999999999"))
      assert.strictEqual(answer.status, 400)
      assert.lengthOf(Auth.readForms(answer.text, "https://connect.ok.ru/oauth/authorize"), 0)
      assert.include(answer.text, "invalid client_id")
    }).pipe(Effect.provide(inProcess())))

  it.effect("response_type=code redirects with a code the token endpoint accepts", () =>
    Effect.gen(function*() {
      const start = yield* send("GET", authorizeUrl(okApp.id).replace("response_type=token", "response_type=code"))
      const cookie = cookieOf(start)
      yield* send(
        "POST",
        "https://connect.ok.ru/dk?cmd=OAuth2Login&st.cmd=OAuth2Login",
        { "fr.posted": "set", "fr.email": okIvan.login, "fr.password": okIvan.password },
        cookie
      )
      const page = yield* send("GET", "https://connect.ok.ru/dk?st.cmd=OAuth2Permissions", {}, cookie)
      const form = onlyForm(page, "https://connect.ok.ru/dk?st.cmd=OAuth2Permissions")
      const fields = Auth.formFields(form, { button: "button_accept_request" })
      const done = yield* send("POST", form.action.href, Object.fromEntries(fields._tag === "Right" ? fields.right : []), cookie)
      const code = new URL(done.headers["location"]!).searchParams.get("code")!
      const token = yield* send("POST", "https://api.ok.ru/oauth/token.do", {
        code,
        client_id: okApp.id,
        client_secret: okApp.secretKey,
        redirect_uri: okApp.redirectUri,
        grant_type: "authorization_code"
      })
      assert.isString(JSON.parse(token.text).access_token)
    }).pipe(Effect.provide(inProcess())))
})

describe("Mail.Ru login, permission and in-development pages", () => {
  const authorizeUrl = (clientId: string) =>
    `https://connect.mail.ru/oauth/authorize?${new URLSearchParams({
      client_id: clientId,
      response_type: "token",
      redirect_uri: mrApp.redirectUri,
      scope: "stream photos guestbook",
      state: "m-1"
    })}`

  const logIn = (clientId: string, email: string, password: string) =>
    Effect.gen(function*() {
      const url = authorizeUrl(clientId)
      const page = yield* send("GET", url)
      const form = onlyForm(page, url)
      const [local, domain] = email.split("@") as [string, string]
      const fields = Auth.formFields(form, { fill: { Login: local, Domain: domain, Password: password } })
      const posted = yield* send("POST", form.action.href, Object.fromEntries(fields._tag === "Right" ? fields.right : []))
      return { form, posted }
    })

  it.effect("login form → cookie on .mail.ru → permission form → success.html with the token in the fragment", () =>
    Effect.gen(function*() {
      const { form, posted } = yield* logIn(mrApp.id, mrIvan.email, mrIvan.password)
      assert.strictEqual(form.id, "login-form")
      assert.strictEqual(form.method, "POST")
      assert.strictEqual(form.action.href, "https://auth.mail.ru/cgi-bin/auth")
      assert.deepStrictEqual(fieldNames(form), ["Page", "FailPage", "Domain", "Login", "Password"])
      assert.strictEqual(posted.status, 302)
      const cookie = cookieOf(posted)
      assert.include(cookie, "Mpop=")
      const permissionUrl = posted.headers["location"]!
      assert.isTrue(permissionUrl.startsWith("https://connect.mail.ru/oauth/authorize?"))

      const page = yield* send("GET", permissionUrl, {}, cookie)
      assert.include(page.text, "Необходим доступ к вашим данным")
      const permission = onlyForm(page, permissionUrl)
      assert.strictEqual(permission.id, "login")
      assert.strictEqual(permission.action.href, "https://connect.mail.ru/oauth/authorize")
      assert.deepStrictEqual(fieldNames(permission), [
        "sig",
        "client_id",
        "redirect_uri",
        "response_type",
        "state",
        "login",
        "needed_permissions"
      ])
      assert.deepStrictEqual(permission.buttons, [{ name: "agree", value: "1" }])
      const fields = Auth.formFields(permission, { button: "agree" })
      const done = yield* send("POST", permission.action.href, Object.fromEntries(fields._tag === "Right" ? fields.right : []), cookie)
      const location = done.headers["location"]!
      assert.isTrue(location.startsWith("http://connect.mail.ru/oauth/success.html#"))
      const params = fragment(location)
      assert.strictEqual(params.get("x_mailru_vid"), mrIvan.uid)
      assert.strictEqual(params.get("token_type"), "bearer")
      assert.strictEqual(params.get("expires_in"), "86400")
      assert.strictEqual(params.get("state"), "m-1")
      assert.isNotEmpty(params.get("refresh_token"))
    }).pipe(Effect.provide(inProcess())))

  it.effect("a wrong password goes to FailPage (fail=1); a blocked user to /recovery", () =>
    Effect.gen(function*() {
      const { posted } = yield* logIn(mrApp.id, mrIvan.email, "wrong")
      const failUrl = new URL(posted.headers["location"]!)
      assert.strictEqual(failUrl.searchParams.get("fail"), "1")
      const again = yield* send("GET", failUrl.href)
      assert.include(again.text, "Неверное имя пользователя или пароль")
      const blocked = yield* logIn(mrApp.id, Seed.mailru.blocked.email, Seed.mailru.blocked.password)
      assert.strictEqual(new URL(blocked.posted.headers["location"]!).pathname, "/recovery")
    }).pipe(Effect.provide(inProcess())))

  it.effect("an application in development: 'Авторизация запрещена'; an unknown one: 'Не указано приложение'", () =>
    Effect.gen(function*() {
      const { posted } = yield* logIn(Seed.mailru.applicationInDevelopment.id, mrIvan.email, mrIvan.password)
      const page = yield* send("GET", posted.headers["location"]!, {}, cookieOf(posted))
      assert.include(page.text, "Авторизация запрещена")
      assert.lengthOf(Auth.readForms(page.text, posted.headers["location"]!), 0)
      const unknown = yield* send("GET", authorizeUrl("1"))
      assert.include(unknown.text, "Не указано приложение")
      const log = yield* Effect.flatMap(control, (c) => c.requests)
      assert.includeMembers(log.map((e) => e.verdict), ["page in development", "page no application"])
    }).pipe(Effect.provide(inProcess())))
})
