// Every example's programs against the emulator — in process, or on a loopback port where the example is about
// the endpoints — and every example's standalone `main` on its loopback emulator, so that none of them can rot.
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as NodePath from "@effect/platform-node/NodePath"
import { HttpClient, HttpClientError } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, EmulatorControl, Seed } from "@okmail/emulator"
import { ConfigProvider, Effect, Layer, TestClock } from "effect"
import { execFile } from "node:child_process"
import { format } from "node:util"
import { fileURLToPath } from "node:url"
import { vi } from "vitest"
import * as ConfigFromEnv from "./config-from-env.js"
import * as ErrorRecovery from "./error-recovery.js"
import * as FileTokenStore from "./file-token-store.js"
import * as MailRuClientSession from "./mailru-client-session.js"
import * as MailRuPasswordLogin from "./mailru-password-login.js"
import * as OkImplicitLogin from "./ok-implicit-login.js"
import * as OkServerSession from "./ok-server-session.js"
import * as QuickStart from "./quick-start.js"
import * as RealApi from "./real-api.js"
import * as TwoAccounts from "./two-accounts.js"

const log = Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests)

/** The signature circuits the emulator verified, per API. */
const circuits = Effect.map(log, (entries) =>
  [...new Set(entries.flatMap((entry) => entry.circuit === undefined ? [] : [`${entry.api} ${entry.circuit}`]))])

const allSecrets: ReadonlyArray<string> = [
  Seed.ok.application.secretKey,
  Seed.ok.tokens.long.accessToken,
  Seed.ok.tokens.long.sessionSecretKey,
  Seed.mailru.application.privateKey,
  Seed.mailru.application.secretKey,
  Seed.mailru.tokens.session.accessToken,
  ...Seed.ok.users.map((user) => user.password),
  ...Seed.mailru.users.map((user) => user.password)
]

const assertNoSecret = (value: unknown) => {
  const text = JSON.stringify(value)
  for (const secret of allSecrets) assert.notInclude(text, secret)
}

describe("quick-start (the README's)", () => {
  it.effect("the program runs offline against the emulator at the vendors' URLs", () =>
    Effect.gen(function*() {
      const result = yield* QuickStart.offline
      assert.deepStrictEqual(result, {
        me: "Иван Иванов",
        friends: 3,
        groups: [{ uid: "53038939046008", name: "Клуб любителей Effect" }]
      })
    }))
})

describe("ok-server-session", () => {
  it.effect("signed typed calls on the server-server circuit", () =>
    Effect.gen(function*() {
      const result = yield* OkServerSession.program.pipe(Effect.provide(OkServerSession.layer))
      assert.deepStrictEqual(result.me, { uid: Seed.ok.users[0]!.uid, name: "Иван Иванов" })
      assert.deepStrictEqual(result.friends, ["Мария Смирнова", "Пётр Кузнецов", "Анна Волкова"])
      assert.deepStrictEqual(result.group, { name: "Клуб любителей Effect", members: 1520 })
      assert.deepStrictEqual(result.events, ["messages: 2", "marks: 5", "notifications: 1", "guests: 3"])
      assert.deepStrictEqual(result.online, ["561338470012"])
      assert.deepStrictEqual(yield* circuits, ["ok server-server"])
      assert.isTrue((yield* log).every((entry) => entry.verdict === "ok"))
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})

describe("ok-implicit-login", () => {
  it.effect("logs in through the login and permission pages, signs client-server, can renew", () =>
    Effect.gen(function*() {
      const result = yield* OkImplicitLogin.program.pipe(Effect.provide(OkImplicitLogin.layer()))
      assert.strictEqual(result.uid, Seed.ok.users[0]!.uid)
      assert.strictEqual(result.name, "Иван Иванов")
      assert.deepStrictEqual(result.scopes, ["VALUABLE_ACCESS", "LONG_ACCESS_TOKEN"])
      assert.isString(result.expiresAt)
      assert.strictEqual(result.accessTokenShown, "<redacted>")
      assert.isTrue(result.renews)
      const methods = (yield* log).map((entry) => entry.method)
      assert.strictEqual(methods[0], "oauth/authorize")
      assert.include(methods, "dk")
      assert.strictEqual(methods.at(-1), "users.getCurrentUser")
      assert.deepStrictEqual(yield* circuits, ["ok client-server"])
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("a wrong password is recovered by its tag, and the message holds no password", () =>
    Effect.gen(function*() {
      const outcome = yield* OkImplicitLogin.wrongPassword
      assert.match(outcome, /^refused: /)
      assert.notInclude(outcome, "not-the-password")
      assertNoSecret(outcome)
      // The layer never got as far as a call.
      assert.isFalse((yield* log).some((entry) => entry.endpoint === "fb.do"))
    }).pipe(Effect.provide(Emulator.layerInProcess())))

  it.effect("the flow alone returns the token", () =>
    Effect.gen(function*() {
      const token = yield* OkImplicitLogin.tokenOnly
      assert.isTrue(token.hasSessionSecretKey)
      assert.deepStrictEqual(token.scopes, ["VALUABLE_ACCESS", "LONG_ACCESS_TOKEN"])
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})

describe("mailru-client-session", () => {
  it.effect("typed calls, uids as strings, an unsigned public request", () =>
    Effect.gen(function*() {
      const result = yield* MailRuClientSession.program.pipe(Effect.provide(MailRuClientSession.layer))
      const ivan = Seed.mailru.users[0]!
      assert.deepStrictEqual(result.me, { uid: ivan.uid, name: "Иван Петров" })
      assert.deepStrictEqual(result.friendUids, ivan.friends)
      for (const uid of result.friendUids) assert.isString(uid)
      // Every friend's uid is beyond 2^53, and a number would have changed it.
      assert.strictEqual(result.rounded.length, 3)
      for (const { asNumber, uid } of result.rounded) assert.notStrictEqual(asNumber, uid)
      assert.deepStrictEqual(result.friends, [
        "Ольга Соколова (Екатеринбург)",
        "Сергей Орлов (Самара)",
        "Наталья Морозова (Владивосток)"
      ])
      assert.deepStrictEqual(result.albums, ["Отпуск на Байкале: 42 photos", "Кошки: 7 photos"])
      assert.strictEqual(result.stream.length, 3)
      assert.strictEqual(result.appUsers, 1)
      assert.deepStrictEqual(result.profile, { uid: ivan.uid, link: "https://my.mail.ru/mail/ivan/" })
      const entries = yield* log
      assert.deepStrictEqual(
        entries.map((entry) => `${entry.method} ${entry.circuit}`),
        [
          "users.getInfo client-server",
          "friends.get client-server",
          "users.getInfo client-server",
          "photos.getAlbums client-server",
          "stream.get client-server",
          "friends.getAppUsers client-server",
          "platform/mail/ivan unsigned"
        ]
      )
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})

describe("mailru-password-login", () => {
  it.effect("the password grant, a read and a write, then a renewal with the rotated refresh token", () =>
    Effect.gen(function*() {
      const result = yield* MailRuPasswordLogin.program
      assert.strictEqual(result.uid, Seed.mailru.users[0]!.uid)
      assert.strictEqual(result.name, "Иван")
      assert.isTrue(result.hasRefreshToken)
      assert.isString(result.expiresAt)
      assert.deepStrictEqual(result.scopes, ["guestbook", "stream", "photos"])
      assert.deepStrictEqual(result.posted, { post_id: "7000001" })
      const renewal = yield* MailRuPasswordLogin.renewal
      assert.deepStrictEqual(renewal, {
        friends: 3,
        renewed: true,
        refreshTokenRotated: true,
        grants: ["password: ok", "refresh_token: ok"]
      })
      assert.deepStrictEqual(yield* circuits, ["mailru client-server"])
    }).pipe(Effect.provide(MailRuPasswordLogin.layer), Effect.provide(Emulator.layerInProcess())))
})

describe("error-recovery", () => {
  // The example's retry policy waits a few milliseconds between tries: real time, not the TestClock.
  it.live("each fault is recovered by its tag, or by the client's own retry", () =>
    Effect.gen(function*() {
      const outcomes = yield* ErrorRecovery.program
      assert.deepStrictEqual(outcomes, {
        friends: Seed.ok.users[0]!.friends,
        friendsHidden: [],
        greeting: "hello, Иван Иванов",
        rateLimited: "rate limited (OK.ru error 8), try again in a minute",
        rateLimitedOnce: "hello, Иван Иванов",
        albums: "1 albums",
        albumsPrivate: "the albums are private",
        albumsBehindProxy: "HTTP 502 from https://appsmail.ru/platform/api",
        albumsHtml: "not JSON (text/html; charset=utf-8)",
        name: "Иван",
        nameOffline: "Иван (from the cache)"
      })
      // A fault that always fails is tried three times (two retries); permission denied, once; a fault injected
      // once is retried past.
      const tries = (method: string, fault: string) =>
        Effect.map(log, (entries) =>
          entries.filter((entry) => entry.method === method && entry.verdict === `fault ${fault}`).length)
      assert.strictEqual(yield* tries("friends.get", "ApiError"), 1)
      assert.strictEqual(yield* tries("users.getCurrentUser", "ApiError"), 3 + 1)
      assert.strictEqual(yield* tries("photos.getAlbums", "HttpStatus"), 3)
      assert.strictEqual(yield* tries("photos.getAlbums", "Html"), 3)
      assert.strictEqual(yield* tries("users.getInfo", "Disconnect"), 3)
    }).pipe(Effect.provide(ErrorRecovery.layer), Effect.provide(Emulator.layerInProcess())))
})

describe("two-accounts", () => {
  it.effect("two OK accounts and a Mail.Ru account in one program, each call under its own user", () =>
    Effect.gen(function*() {
      const result = yield* TwoAccounts.program
      assert.deepStrictEqual(result, { ok: ["Иван Иванов", "Мария Смирнова"], mailru: "Иван Петров" })
      const calls = (yield* log).filter((entry) => entry.method === "users.getCurrentUser" || entry.method === "users.getInfo")
      assert.sameMembers(
        calls.map((entry) => `${entry.api} ${entry.uid} ${entry.verdict}`),
        [
          `ok ${Seed.ok.users[0]!.uid} ok`,
          `ok ${Seed.ok.users[1]!.uid} ok`,
          `mailru ${Seed.mailru.users[0]!.uid} ok`
        ]
      )
    }).pipe(Effect.provide(TwoAccounts.layer), Effect.provide(Emulator.layerInProcess())))

  it.effect("both APIs' sessions are renewed in the background, each before its token expires", () =>
    Effect.gen(function*() {
      const refreshes = (api: string) =>
        Effect.map(log, (entries) => entries.filter((entry) => entry.api === api && entry.grant === "refresh_token"))
      // Each refresh session got its first token with the refresh grant when it was built.
      assert.lengthOf(yield* refreshes("ok"), 1)
      assert.lengthOf(yield* refreshes("mailru"), 1)
      // OK.ru tokens live 30 minutes, renewed a minute before; Mail.Ru's live 24 hours.
      yield* TestClock.adjust("29 minutes")
      assert.lengthOf(yield* refreshes("ok"), 2)
      assert.lengthOf(yield* refreshes("mailru"), 1)
      yield* TestClock.adjust("24 hours")
      assert.isAtLeast((yield* refreshes("ok")).length, 3)
      assert.lengthOf(yield* refreshes("mailru"), 2)
      assert.isTrue((yield* refreshes("mailru")).every((entry) => entry.verdict === "ok"))
      const result = yield* TwoAccounts.program
      assert.deepStrictEqual(result.ok, ["Иван Иванов", "Мария Смирнова"])
    }).pipe(Effect.provide(TwoAccounts.layer), Effect.provide(Emulator.layerInProcess())))
})

describe("config-from-env", () => {
  const seeded = ConfigProvider.fromMap(ConfigFromEnv.emulatorEnvironment())

  it.effect("sessions read from the environment; secrets stay redacted", () =>
    Effect.gen(function*() {
      const result = yield* ConfigFromEnv.program.pipe(Effect.provide(ConfigFromEnv.layer))
      assert.deepStrictEqual(result, {
        ok: "Иван Иванов",
        group: "Клуб любителей Effect",
        mailru: Seed.mailru.users[0]!.uid,
        secretShownAs: "<redacted>"
      })
      assert.deepStrictEqual(yield* circuits, ["ok server-server", "mailru client-server"])
    }).pipe(Effect.withConfigProvider(seeded), Effect.provide(Emulator.layerInProcess())))

  it.effect("a missing variable is a ConfigError naming it, and nothing is sent", () =>
    Effect.gen(function*() {
      const outcome = yield* ConfigFromEnv.whenMissing
      assert.match(outcome, /^not configured: /)
      assert.include(outcome, "OK_APPLICATION_KEY")
      assert.deepStrictEqual(yield* log, [])
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())), Effect.provide(Emulator.layerInProcess())))

  it.live("the endpoint variables send the calls to an emulator on a loopback port", () =>
    Effect.gen(function*() {
      const server = yield* Emulator.EmulatorServer
      const result = yield* ConfigFromEnv.program.pipe(
        Effect.provide(ConfigFromEnv.layer),
        Effect.withConfigProvider(ConfigProvider.fromMap(ConfigFromEnv.emulatorEnvironment(server)))
      )
      assert.strictEqual(result.ok, "Иван Иванов")
      assert.deepStrictEqual(
        (yield* log).map((entry) => entry.method),
        ["users.getCurrentUser", "group.getInfo", "users.getInfo"]
      )
    }).pipe(Effect.provide(Layer.merge(Emulator.layerServer(), NodeHttpClient.layer))))
})

describe("file-token-store", () => {
  it.effect("the first start logs in, the second reuses the file, a revoked token is replaced", () =>
    Effect.gen(function*() {
      const result = yield* FileTokenStore.program
      const uid = Seed.ok.users[0]!.uid
      assert.deepStrictEqual(result, {
        users: [uid, uid, uid],
        logins: [1, 1, 2],
        fileMode: "600",
        tokenReplaced: true
      })
    }).pipe(
      Effect.provide(Layer.mergeAll(Emulator.layerInProcess(), NodeFileSystem.layer, NodePath.layer))
    ))
})

describe("real-api", () => {
  /** An HTTP client that fails every request, counting them. */
  const offline = (sent: { count: number }) =>
    Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request) =>
        Effect.suspend(() => {
          sent.count++
          return Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Transport", description: "no network in this test" })
          )
        })
      )
    )

  it.effect("without credentials: the help text, and not one request", () =>
    Effect.gen(function*() {
      for (
        const environment of [
          new Map<string, string>(),
          // Half the credentials of each API are no credentials either.
          new Map([["OK_APPLICATION_KEY", Seed.ok.application.key], ["MAILRU_ACCESS_TOKEN", "x"]])
        ]
      ) {
        const sent = { count: 0 }
        const result = yield* RealApi.program.pipe(
          Effect.provide(offline(sent)),
          Effect.withConfigProvider(ConfigProvider.fromMap(environment))
        )
        assert.strictEqual(result._tag, "NoCredentials")
        assert.strictEqual(result._tag === "NoCredentials" && result.help, RealApi.help)
        assert.strictEqual(sent.count, 0)
      }
    }))

  it.effect("with credentials: both APIs called, here the in-process emulator at the vendors' URLs", () =>
    Effect.gen(function*() {
      const environment = new Map([
        ["OK_APPLICATION_KEY", Seed.ok.application.key],
        ["OK_ACCESS_TOKEN", Seed.ok.tokens.long.accessToken],
        ["OK_SESSION_SECRET_KEY", Seed.ok.tokens.long.sessionSecretKey],
        ["MAILRU_APP_ID", Seed.mailru.application.id],
        ["MAILRU_ACCESS_TOKEN", Seed.mailru.tokens.session.accessToken],
        ["MAILRU_UID", Seed.mailru.tokens.session.uid],
        ["MAILRU_PRIVATE_KEY", Seed.mailru.application.privateKey]
      ])
      const result = yield* RealApi.program.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(environment)))
      assert.deepStrictEqual(result, {
        _tag: "Called",
        ok: `Иван Иванов (${Seed.ok.users[0]!.uid})`,
        mailru: `Иван Петров (${Seed.mailru.users[0]!.uid})`
      })
      assert.deepStrictEqual(yield* circuits, ["ok client-server", "mailru client-server"])
    }).pipe(Effect.provide(Emulator.layerInProcess())))
})

// ---------------------------------------------------------------------------------------------------------------
// Standalone: each example's `main`, against its own loopback emulator, its printed output checked
// ---------------------------------------------------------------------------------------------------------------

/** Runs `effect` with `console.log` captured: what it printed, as the terminal would show it. */
const printed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const lines: Array<string> = []
      const spy = vi.spyOn(console, "log").mockImplementation((...args: Array<unknown>) => {
        lines.push(format(...args))
      })
      return { lines, spy }
    }),
    ({ lines }) => Effect.map(effect, () => lines.join("\n")),
    ({ spy }) => Effect.sync(() => spy.mockRestore())
  )

const mains: ReadonlyArray<readonly [name: string, main: Effect.Effect<void, unknown>, expected: string]> = [
  ["ok-server-session", OkServerSession.main, "Клуб любителей Effect"],
  ["ok-implicit-login", OkImplicitLogin.main, "renews: true"],
  ["mailru-client-session", MailRuClientSession.main, "12882931000412998821"],
  ["mailru-password-login", MailRuPasswordLogin.main, "refreshTokenRotated: true"],
  ["error-recovery", ErrorRecovery.main, "HTTP 502 from http://127.0.0.1:"],
  ["config-from-env", ConfigFromEnv.main, "not configured: "],
  ["file-token-store", FileTokenStore.main, "logins: [ 1, 1, 2 ]"],
  ["two-accounts", TwoAccounts.main, "Мария Смирнова"]
]

describe("each example's main, on a loopback emulator", () => {
  for (const [name, main, expected] of mains) {
    it.live(name, () =>
      Effect.gen(function*() {
        const output = yield* printed(main)
        assert.include(output, expected)
        assertNoSecret(output)
      }))
  }
})

// ---------------------------------------------------------------------------------------------------------------
// As a user runs them: `npx tsx examples/<name>.ts`, in a process of its own
// ---------------------------------------------------------------------------------------------------------------

const root = fileURLToPath(new URL("..", import.meta.url))

/** The environment without any OK_* or MAILRU_* variable, as in CI: no example may reach a real API. */
const cleanEnvironment = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(OK|MAILRU)_/.test(name))
)

const runStandalone = (name: string) =>
  Effect.async<{ readonly code: number; readonly stdout: string; readonly stderr: string }>((resume) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", `examples/${name}.ts`],
      { cwd: root, env: cleanEnvironment, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
    return Effect.sync(() => child.kill())
  })

describe("examples run as processes", () => {
  // real-api without credentials prints what to set and exits 0; a loopback example stops its emulator and exits.
  it.live("real-api and ok-server-session exit 0 by themselves", () =>
    Effect.gen(function*() {
      const [realApi, okServer] = yield* Effect.all(
        [runStandalone("real-api"), runStandalone("ok-server-session")],
        { concurrency: "unbounded" }
      )
      assert.strictEqual(realApi.code, 0, realApi.stderr)
      assert.strictEqual(realApi.stdout.trim(), RealApi.help)
      assert.strictEqual(okServer.code, 0, okServer.stderr)
      assert.include(okServer.stdout, "Клуб любителей Effect")
    }), { timeout: 120_000 })
})
