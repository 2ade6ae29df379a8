// Where the vendors refuse, the emulator refuses: each test names the fact it holds to (../shared/API-FACTS.md,
// "Mail.Ru Platform" and the issue on the emulator's strictness), so that a program that passes against the emulator
// does not fail in production on these points.
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Seed } from "@okmail/emulator"
import { inProcess, json, mailruServerSig, mrApp, mrSession, okApp, okIvan, okSig, send } from "./helpers.js"

const withVerb = (method: "PUT" | "DELETE" | "PATCH" | "POST" | "GET", url: string) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(HttpClientRequest.make(method)(url)).pipe(
      Effect.flatMap((response) => Effect.map(response.text, (text) => ({ status: response.status, text, allow: response.headers["allow"] }))),
      Effect.scoped
    ))

describe("the emulator refuses what the vendors refuse", () => {
  it.effect("Mail.Ru: a request without sig is HTTP 400 with error 100", () =>
    Effect.gen(function*() {
      const answer = yield* send("POST", "https://appsmail.ru/platform/api", { app_id: mrApp.id, method: "users.getInfo" })
      assert.strictEqual(answer.status, 400)
      assert.strictEqual(json(answer).error.error_code, 100)
    }).pipe(Effect.provide(inProcess())))

  it.effect("Mail.Ru: an unknown app_id is 103, application lookup failed", () =>
    Effect.gen(function*() {
      const answer = yield* send("POST", "https://appsmail.ru/platform/api", { app_id: "999", method: "users.getInfo", sig: "x" })
      assert.strictEqual(json(answer).error.error_code, 103)
    }).pipe(Effect.provide(inProcess())))

  it.effect("the API endpoints answer GET and POST only; Mail.Ru's public data GET only", () =>
    Effect.gen(function*() {
      for (const url of ["https://api.ok.ru/fb.do", "https://api.ok.ru/api/users/getCurrentUser", "https://appsmail.ru/platform/api"]) {
        for (const verb of ["PUT", "DELETE", "PATCH"] as const) {
          const answer = yield* withVerb(verb, url)
          assert.strictEqual(answer.status, 405, `${verb} ${url}`)
          assert.strictEqual(answer.allow, "GET, POST")
        }
      }
      const posted = yield* withVerb("POST", "https://appsmail.ru/platform/mail/ivan")
      assert.strictEqual(posted.status, 405)
      assert.strictEqual(posted.allow, "GET")
      const read = yield* withVerb("GET", "https://appsmail.ru/platform/mail/ivan")
      assert.strictEqual(read.status, 200)
    }).pipe(Effect.provide(inProcess())))

  it.effect("OK friends.get needs a session even with fid: 453, however well the call is signed", () =>
    Effect.gen(function*() {
      const params: Record<string, string> = {
        application_key: okApp.key,
        method: "friends.get",
        fid: okIvan.uid,
        format: "json"
      }
      params["sig"] = okSig(params, okApp.secretKey)
      const answer = json(yield* send("POST", "https://api.ok.ru/fb.do", params))
      assert.strictEqual(answer.error_code, 453)
    }).pipe(Effect.provide(inProcess())))

  it.effect("Mail.Ru: a blocked user's data is not served (202)", () =>
    Effect.gen(function*() {
      const params: Record<string, string> = {
        app_id: mrApp.id,
        method: "stream.get",
        secure: "1",
        session_key: mrSession.accessToken,
        uid: Seed.mailru.blocked.uid
      }
      params["sig"] = mailruServerSig(params, mrApp.secretKey)
      const answer = json(yield* send("POST", "https://appsmail.ru/platform/api", params))
      assert.strictEqual(answer.error.error_code, 202)
    }).pipe(Effect.provide(inProcess())))
})
