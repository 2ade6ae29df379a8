import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  control,
  inProcess,
  json,
  md5,
  okApp,
  okIvan,
  okLong,
  okSessionCall,
  okSig,
  seedSecrets,
  send
} from "./helpers.js"

const applicationCall = (method: string, extra: Record<string, string>, url = "https://api.ok.ru/fb.do") => {
  const params: Record<string, string> = { application_key: okApp.key, format: "json", method, ...extra }
  params["sig"] = okSig(params, okApp.secretKey)
  return send("POST", url, params)
}

describe("OK: fb.do and /api/<group>/<name>", () => {
  it.effect("a call without a session, signed by the application secret key", () =>
    Effect.gen(function*() {
      const answer = yield* applicationCall("group.getInfo", { uids: "53038939046008", fields: "name,members_count" })
      assert.strictEqual(answer.status, 200)
      assert.deepStrictEqual(json(answer), [{ uid: "53038939046008", name: "Клуб любителей Effect", members_count: 1520 }])
      const log = yield* Effect.flatMap(control, (c) => c.requests)
      assert.deepInclude(log[0], { api: "ok", method: "group.getInfo", circuit: "application", verdict: "ok" })
    }).pipe(Effect.provide(inProcess())))

  it.effect("client-server and server-server circuits, GET and POST, fb.do and the path form", () =>
    Effect.gen(function*() {
      const viaPost = json(yield* okSessionCall("users.getCurrentUser"))
      assert.strictEqual(viaPost.uid, okIvan.uid)
      assert.strictEqual(viaPost.name, "Иван Иванов")
      const viaGet = json(yield* okSessionCall("users.getLoggedInUser", {}, "GET"))
      assert.strictEqual(viaGet, okIvan.uid)

      // The path form names the method in the path, so no `method` parameter is sent or signed.
      const pathParams: Record<string, string> = { application_key: okApp.key, format: "json" }
      pathParams["sig"] = okSig(pathParams, md5(okLong.accessToken + okApp.secretKey))
      pathParams["access_token"] = okLong.accessToken
      const friends = json(yield* send("POST", "https://api.ok.ru/api/friends/get", pathParams))
      assert.deepStrictEqual(friends, okIvan.friends)
      const log = yield* Effect.flatMap(control, (c) => c.requests)
      assert.deepStrictEqual(log.map((entry) => [entry.method, entry.circuit, entry.httpMethod, entry.endpoint]), [
        ["users.getCurrentUser", "client-server", "POST", "fb.do"],
        ["users.getLoggedInUser", "client-server", "GET", "fb.do"],
        ["friends.get", "server-server", "POST", "api"]
      ])
    }).pipe(Effect.provide(inProcess())))

  it.effect("every typed method of the client answers from the seed; ids are strings", () =>
    Effect.gen(function*() {
      const users = json(yield* okSessionCall("users.getInfo", { uids: `${okIvan.uid},561338470012`, fields: "first_name" }))
      assert.deepStrictEqual(users, [{ uid: okIvan.uid, first_name: "Иван" }, { uid: "561338470012", first_name: "Мария" }])
      assert.deepStrictEqual(json(yield* okSessionCall("friends.getOnline")), ["561338470012"])
      assert.deepStrictEqual(json(yield* okSessionCall("friends.get", { offset: "1", limit: "1" })), ["587214003391"])
      const events = json(yield* okSessionCall("events.get", { types: "marks" }))
      assert.deepStrictEqual(events, [{ type: "marks", number: 5 }])
      const attachment = JSON.stringify({ media: [{ type: "text", text: "Привет" }] })
      const topic = json(yield* okSessionCall("mediatopic.post", { type: "USER_NOTE", attachment }))
      assert.isString(topic)
    }).pipe(Effect.provide(inProcess())))

  it.effect("errors come flat with HTTP 200 and Invocation-Error: unknown method, application, signature, parameter", () =>
    Effect.gen(function*() {
      const expectError = (answer: { status: number; headers: Record<string, string>; text: string }, code: number) => {
        assert.strictEqual(answer.status, 200)
        assert.strictEqual(answer.headers["invocation-error"], String(code))
        const body = json(answer as never)
        assert.strictEqual(body.error_code, code)
        assert.isString(body.error_msg)
        assert.isNull(body.error_data)
      }
      expectError(yield* okSessionCall("nosuch.method"), 3)
      expectError(yield* send("POST", "https://api.ok.ru/fb.do", { application_key: "UNKNOWN", method: "users.getInfo", sig: "x" }), 101)
      const unsigned = { application_key: okApp.key, method: "users.getCurrentUser", access_token: okLong.accessToken }
      expectError(yield* send("POST", "https://api.ok.ru/fb.do", { ...unsigned, sig: "0".repeat(32) }), 104)
      expectError(yield* okSessionCall("users.getInfo", { fields: "name" }), 100)
      expectError(yield* applicationCall("users.getCurrentUser", {}), 453)
      expectError(yield* okSessionCall("mediatopic.post", { type: "USER_NOTE", attachment: "{not json" }), 100)
    }).pipe(Effect.provide(inProcess())))

  it.effect("a revoked token is an invalid session (103); an expired one is 102, by the emulator's clock", () =>
    Effect.gen(function*() {
      const emulator = yield* control
      const issued = yield* emulator.issueToken({ api: "ok", clientId: okApp.id, uid: okIvan.uid })
      assert.strictEqual(issued.expiresIn, 30 * 60)
      const call = () => {
        const params: Record<string, string> = { application_key: okApp.key, method: "users.getLoggedInUser" }
        params["sig"] = okSig(params, issued.sessionSecretKey!)
        return send("POST", "https://api.ok.ru/fb.do", { ...params, access_token: issued.accessToken })
      }
      yield* TestClock.adjust("29 minutes")
      assert.strictEqual(json(yield* call()), okIvan.uid)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(json(yield* call()).error_code, 102)
      yield* emulator.revokeToken(okLong.accessToken)
      assert.strictEqual(json(yield* okSessionCall("users.getCurrentUser")).error_code, 103)
    }).pipe(Effect.provide(inProcess())))

  it.effect("auth.login gives a session key and its secret; a wrong password is AUTH_LOGIN (401)", () =>
    Effect.gen(function*() {
      const login = (password: string) =>
        send("POST", "https://api.ok.ru/fb.do", {
          application_key: okApp.key,
          method: "auth.login",
          user_name: okIvan.login,
          password,
          verification_supported: "1",
          verification_supported_v: "1"
        })
      const session = json(yield* login(okIvan.password))
      assert.strictEqual(session.uid, okIvan.uid)
      assert.isString(session.session_key)
      assert.match(session.session_secret_key, /^[0-9a-f]{32}$/)
      assert.strictEqual(json(yield* login("wrong")).error_code, 401)
      yield* Effect.flatMap(control, (c) => c.setPassword("ok", okIvan.login, "new-password"))
      assert.strictEqual(json(yield* login(okIvan.password)).error_code, 401)
      assert.strictEqual(json(yield* login("new-password")).uid, okIvan.uid)
    }).pipe(Effect.provide(inProcess())))
})

describe("OK: /oauth/token.do", () => {
  it.effect("the code grant gives access and refresh tokens; a code works once; refresh keeps the refresh token", () =>
    Effect.gen(function*() {
      const emulator = yield* control
      const code = yield* emulator.issueCode({ api: "ok", clientId: okApp.id, uid: okIvan.uid, redirectUri: okApp.redirectUri })
      const exchange = () =>
        send("POST", "https://api.ok.ru/oauth/token.do", {
          code,
          client_id: okApp.id,
          client_secret: okApp.secretKey,
          redirect_uri: okApp.redirectUri,
          grant_type: "authorization_code"
        })
      const first = yield* exchange()
      const token = json(first)
      assert.strictEqual(first.status, 200)
      assert.isString(token.access_token)
      assert.isString(token.refresh_token)
      assert.strictEqual(token.expires_in, "1800")
      const again = yield* exchange()
      assert.strictEqual(again.status, 400)
      assert.strictEqual(json(again).error, "invalid_grant")

      const refreshed = json(
        yield* send("POST", "https://api.ok.ru/oauth/token.do", {
          refresh_token: token.refresh_token,
          client_id: okApp.id,
          client_secret: okApp.secretKey,
          grant_type: "refresh_token"
        })
      )
      assert.isString(refreshed.access_token)
      assert.notStrictEqual(refreshed.access_token, token.access_token)
      assert.isUndefined(refreshed.refresh_token)
      const grants = (yield* emulator.requests).map((entry) => [entry.grant, entry.verdict])
      assert.deepStrictEqual(grants, [
        ["authorization_code", "ok"],
        ["authorization_code", "oauth invalid_grant"],
        ["refresh_token", "ok"]
      ])
    }).pipe(Effect.provide(inProcess())))

  it.effect("a code expires after 2 minutes; a wrong secret is invalid_client; no grant type gets HTML", () =>
    Effect.gen(function*() {
      const emulator = yield* control
      const code = yield* emulator.issueCode({ api: "ok", clientId: okApp.id, uid: okIvan.uid, redirectUri: okApp.redirectUri })
      const fields = {
        code,
        client_id: okApp.id,
        client_secret: okApp.secretKey,
        redirect_uri: okApp.redirectUri,
        grant_type: "authorization_code"
      }
      const wrongSecret = yield* send("POST", "https://api.ok.ru/oauth/token.do", { ...fields, client_secret: "nope" })
      assert.strictEqual(json(wrongSecret).error, "invalid_client")
      yield* TestClock.adjust("2 minutes")
      assert.strictEqual(json(yield* send("POST", "https://api.ok.ru/oauth/token.do", fields)).error_description, "Expired code")
      const html = yield* send("POST", "https://api.ok.ru/oauth/token.do", { client_id: okApp.id })
      assert.strictEqual(html.status, 400)
      assert.match(html.text, /^<html>/)
    }).pipe(Effect.provide(inProcess())))
})

describe("OK: the request log", () => {
  it.effect("records method, grant, circuit and verdict, and no secret", () =>
    Effect.gen(function*() {
      yield* okSessionCall("users.getCurrentUser")
      yield* send("POST", "https://api.ok.ru/oauth/token.do", {
        refresh_token: "-r-4e2b8f1a7c3d9e5b0a6f2c8d4e1b7a3f9c5d2e8b",
        client_id: okApp.id,
        client_secret: okApp.secretKey,
        grant_type: "refresh_token"
      })
      const log = yield* Effect.flatMap(control, (c) => c.requests)
      assert.strictEqual(log.length, 2)
      const text = JSON.stringify(log)
      for (const secret of seedSecrets) assert.notInclude(text, secret)
      yield* Effect.flatMap(control, (c) => c.clearRequests)
      assert.lengthOf(yield* Effect.flatMap(control, (c) => c.requests), 0)
    }).pipe(Effect.provide(inProcess())))
})
