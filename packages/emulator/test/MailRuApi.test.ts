import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import {
  control,
  inProcess,
  json,
  mailruServerSig,
  mailruSessionCall,
  mrApp,
  mrIvan,
  mrOlga,
  mrSession,
  send
} from "./helpers.js"

const tokenRequest = (fields: Record<string, string>, url = "https://appsmail.ru/oauth/token") =>
  send("POST", url, { client_id: mrApp.id, client_secret: mrApp.secretKey, ...fields })

describe("Mail.Ru: /platform/api", () => {
  it.effect("client-server circuit: JSON labelled text/javascript, uids beyond 2^53 as exact strings", () =>
    Effect.gen(function*() {
      const answer = yield* mailruSessionCall("users.getInfo", { uids: mrOlga.uid })
      assert.strictEqual(answer.status, 200)
      assert.strictEqual(answer.headers["content-type"], "text/javascript; charset=utf-8")
      assert.include(answer.text, `"uid":"${mrOlga.uid}"`)
      assert.isAbove(Number(mrOlga.uid), Number.MAX_SAFE_INTEGER)
      const [olga] = json(answer)
      assert.strictEqual(olga.first_name, "Ольга")
      assert.strictEqual(olga.is_friend, 1)
      const me = json(yield* mailruSessionCall("users.getInfo"))
      assert.strictEqual(me[0].uid, mrIvan.uid)
      assert.strictEqual(me[0].email, mrIvan.email)
    }).pipe(Effect.provide(inProcess())))

  it.effect("server-server circuit: secure=1 signed with the secret key", () =>
    Effect.gen(function*() {
      const params: Record<string, string> = {
        app_id: mrApp.id,
        method: "friends.getAppUsers",
        secure: "1",
        session_key: mrSession.accessToken
      }
      params["sig"] = mailruServerSig(params, mrApp.secretKey)
      assert.deepStrictEqual(json(yield* send("POST", "https://appsmail.ru/platform/api", params)), [mrOlga.uid])
      // friends.get lists the session user's friends: naming a uid without a session is refused, as the vendor
      // refuses it (102).
      const anonymous: Record<string, string> = { app_id: mrApp.id, method: "friends.get", secure: "1", uid: mrOlga.uid }
      anonymous["sig"] = mailruServerSig(anonymous, mrApp.secretKey)
      const refused = json(yield* send("GET", "https://appsmail.ru/platform/api", anonymous))
      assert.strictEqual(refused.error.error_code, 102)
      const log = yield* Effect.flatMap(control, (c) => c.requests)
      assert.deepStrictEqual(log.map((e) => [e.method, e.circuit, e.verdict]), [
        ["friends.getAppUsers", "server-server", "ok"],
        ["friends.get", "server-server", "error 102"]
      ])
    }).pipe(Effect.provide(inProcess())))

  it.effect("every typed method of the client answers from the seed", () =>
    Effect.gen(function*() {
      const friends = json(yield* mailruSessionCall("friends.get", { ext: "1" }))
      assert.deepStrictEqual(friends.map((f: { uid: string }) => f.uid), mrIvan.friends)
      const stream = json(yield* mailruSessionCall("stream.get", { limit: "2" }))
      assert.lengthOf(stream, 2)
      assert.strictEqual(stream[0].authors[0].uid, mrOlga.uid)
      const albums = json(yield* mailruSessionCall("photos.getAlbums"))
      assert.deepStrictEqual(albums.map((a: { aid: string }) => a.aid), ["5001", "5002"])
      const post = json(yield* mailruSessionCall("guestbook.post", { uid: mrOlga.uid, text: "Привет!" }))
      assert.isString(post.post_id)
    }).pipe(Effect.provide(inProcess())))

  it.effect("errors are nested: unknown method 2, application 103, signature 104, parameter 100, denied 202", () =>
    Effect.gen(function*() {
      const code = (answer: { text: string }) => JSON.parse(answer.text).error.error_code
      assert.strictEqual(code(yield* mailruSessionCall("nosuch.method")), 2)
      assert.strictEqual(code(yield* send("POST", "https://appsmail.ru/platform/api", { app_id: "1", method: "users.getInfo", sig: "x" })), 103)
      const forged = { app_id: mrApp.id, method: "friends.get", session_key: mrSession.accessToken, sig: "0".repeat(32) }
      assert.strictEqual(code(yield* send("POST", "https://appsmail.ru/platform/api", forged)), 104)
      assert.strictEqual(code(yield* mailruSessionCall("guestbook.post", { uid: mrOlga.uid })), 100)
      assert.strictEqual(code(yield* mailruSessionCall("stream.get", { limit: "500" })), 100)
      // Sergey's guestbook aside, Olga's friends-only album is closed to a user who is not her friend.
      const emulator = yield* control
      const sergey = yield* emulator.issueToken({ api: "mailru", clientId: mrApp.id, uid: "12882931000412998821" })
      const params: Record<string, string> = { app_id: mrApp.id, method: "photos.getAlbums", uid: mrOlga.uid, secure: "1", session_key: sergey.accessToken }
      params["sig"] = mailruServerSig(params, mrApp.secretKey)
      const denied = yield* send("POST", "https://appsmail.ru/platform/api", params)
      assert.deepStrictEqual(JSON.parse(denied.text), {
        error: { error_code: 202, error_msg: "Access to this object is denied" }
      })
    }).pipe(Effect.provide(inProcess())))

  it.effect("a session lives 24 hours by the emulator's clock; a revoked one is refused at once (102)", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust("23 hours")
      assert.isArray(json(yield* mailruSessionCall("friends.get")))
      yield* TestClock.adjust("1 hour")
      assert.strictEqual(json(yield* mailruSessionCall("friends.get")).error.error_code, 102)
      const emulator = yield* control
      const fresh = yield* emulator.issueToken({ api: "mailru", clientId: mrApp.id, uid: mrIvan.uid })
      assert.strictEqual(fresh.expiresIn, 86_400)
      yield* emulator.revokeToken(fresh.accessToken)
      const params: Record<string, string> = { app_id: mrApp.id, method: "friends.get", secure: "1", session_key: fresh.accessToken }
      params["sig"] = mailruServerSig(params, mrApp.secretKey)
      assert.strictEqual(json(yield* send("POST", "https://appsmail.ru/platform/api", params)).error.error_code, 102)
    }).pipe(Effect.provide(inProcess())))

  it.effect("public data at /platform/<site>/<login>, unsigned", () =>
    Effect.gen(function*() {
      const ivan = json(yield* send("GET", "https://appsmail.ru/platform/mail/ivan"))
      assert.strictEqual(ivan.uid, mrIvan.uid)
      assert.isUndefined(ivan.email)
      const olga = json(yield* send("GET", "https://appsmail.ru/platform/inbox/olga"))
      assert.strictEqual(olga.uid, mrOlga.uid)
      assert.strictEqual(json(yield* send("GET", "https://appsmail.ru/platform/mail/nobody")).error.error_code, 100)
    }).pipe(Effect.provide(inProcess())))
})

describe("Mail.Ru: /oauth/token", () => {
  it.effect("password grant; refresh rotates the refresh token; code grant at connect.mail.ru", () =>
    Effect.gen(function*() {
      const password = yield* tokenRequest({ grant_type: "password", username: mrIvan.email, password: mrIvan.password, scope: "stream photos" })
      const token = json(password)
      assert.strictEqual(password.status, 200)
      assert.deepInclude(token, { expires_in: 86_400, token_type: "bearer", x_mailru_vid: mrIvan.uid })
      const refreshed = json(yield* tokenRequest({ grant_type: "refresh_token", refresh_token: token.refresh_token }))
      assert.notStrictEqual(refreshed.refresh_token, token.refresh_token)
      const spent = yield* tokenRequest({ grant_type: "refresh_token", refresh_token: token.refresh_token })
      assert.strictEqual(spent.status, 400)
      assert.strictEqual(json(spent).error, "invalid_grant")

      const emulator = yield* control
      const code = yield* emulator.issueCode({ api: "mailru", clientId: mrApp.id, uid: mrOlga.uid, redirectUri: mrApp.redirectUri })
      const byCode = json(
        yield* tokenRequest(
          { grant_type: "authorization_code", code, redirect_uri: mrApp.redirectUri },
          "https://connect.mail.ru/oauth/token"
        )
      )
      assert.strictEqual(byCode.x_mailru_vid, mrOlga.uid)
      const grants = (yield* emulator.requests).map((e) => [e.grant, e.verdict])
      assert.deepStrictEqual(grants, [
        ["password", "ok"],
        ["refresh_token", "ok"],
        ["refresh_token", "oauth invalid_grant"],
        ["authorization_code", "ok"]
      ])
    }).pipe(Effect.provide(inProcess())))

  it.effect("refusals: wrong password, blocked user, unknown client, unsupported grant", () =>
    Effect.gen(function*() {
      const wrong = yield* tokenRequest({ grant_type: "password", username: mrIvan.email, password: "nope" })
      assert.deepStrictEqual([wrong.status, json(wrong).error], [400, "invalid_grant"])
      const blocked = json(yield* tokenRequest({ grant_type: "password", username: "blocked@mail.ru", password: "Blocked-Mail-2024" }))
      assert.strictEqual(blocked.error_description, "user is blocked")
      const unknown = yield* send("POST", "https://appsmail.ru/oauth/token", { client_id: "1", client_secret: "x", grant_type: "password" })
      assert.strictEqual(json(unknown).error, "invalid_client")
      assert.strictEqual(json(yield* tokenRequest({ grant_type: "magic" })).error, "unsupported_grant_type")
    }).pipe(Effect.provide(inProcess())))
})
