import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Auth } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, Fault } from "@okmail/emulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { control, json, mailruClientSig, mrApp, mrSession, okApp, okLong, okSig, send } from "./helpers.js"

const served = Layer.merge(Emulator.layerServer(), FetchHttpClient.layer)

describe("the emulator on a loopback port", () => {
  it.live("serves OK at the root and Mail.Ru under /mailru, with the URLs okUrls and mailruUrls give", () =>
    Effect.gen(function*() {
      const server = yield* Emulator.EmulatorServer
      assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
      const ok: Record<string, string> = { application_key: okApp.key, method: "users.getLoggedInUser" }
      ok["sig"] = okSig(ok, okLong.sessionSecretKey)
      const okAnswer = yield* send("POST", server.ok.apiUrl, { ...ok, access_token: okLong.accessToken })
      assert.strictEqual(json(okAnswer), okLong.uid)

      const mailru: Record<string, string> = { app_id: mrApp.id, method: "users.getInfo", session_key: mrSession.accessToken }
      mailru["sig"] = mailruClientSig(mailru, mrSession.uid, mrApp.privateKey)
      const mailruAnswer = yield* send("POST", server.mailru.apiUrl, mailru)
      assert.strictEqual(json(mailruAnswer)[0].uid, mrSession.uid)
      assert.strictEqual(mailruAnswer.headers["content-type"], "text/javascript; charset=utf-8")
    }).pipe(Effect.provide(served)))

  it.live("pages name the served addresses, not the vendors'", () =>
    Effect.gen(function*() {
      const server = yield* Emulator.EmulatorServer
      const url = `${server.mailru.authorizeUrl}?client_id=${mrApp.id}&response_type=token&redirect_uri=${
        encodeURIComponent(mrApp.redirectUri)
      }`
      const page = yield* send("GET", url)
      const [form] = Auth.readForms(page.text, url)
      assert.strictEqual(form!.action.href, `${server.baseUrl}/mailru/cgi-bin/auth`)
      assert.isTrue(form!.fields.find(([name]) => name === "Page")![1].startsWith(`${server.baseUrl}/mailru/oauth/authorize?`))
    }).pipe(Effect.provide(served)))

  it.live("a dropped connection closes the socket: the client sees a transport failure", () =>
    Effect.gen(function*() {
      const server = yield* Emulator.EmulatorServer
      yield* Effect.flatMap(control, (c) => c.inject({ api: "mailru", target: "platform", fault: Fault.disconnect }))
      const error = yield* Effect.flip(send("GET", `${server.mailru.publicUrl}/mail/ivan`))
      assert.strictEqual(error._tag, "RequestError")
      const again = yield* send("GET", `${server.mailru.publicUrl}/mail/ivan`)
      assert.strictEqual(json(again).uid, mrSession.uid)
    }).pipe(Effect.provide(served)))
})
