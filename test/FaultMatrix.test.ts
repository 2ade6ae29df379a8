// Every fault the emulator can inject, against both clients with their default retry policy: each ends in the
// outcome a user wants — a typed failure or a successful retry — never a defect, never a hang, and never a
// secret in the error, its JSON or a log line.
import { Token, TokenStore } from "@okmail/core"
import type * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Emulator, EmulatorControl, Fault, Seed } from "@okmail/emulator"
import { MailRuClient, MailRuConfig, MailRuSession } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"

type Api = "ok" | "mailru"

interface Outcome {
  readonly _tag: "Success" | "Failure"
  readonly errorTag?: string
}

const success: Outcome = { _tag: "Success" }
const failure = (errorTag: string): Outcome => ({ _tag: "Failure", errorTag })

interface Case {
  readonly name: string
  /** What to do to the emulator before the call: inject a fault, expire or revoke the session's tokens. */
  readonly arrange: (control: EmulatorControl.Service, token: Token.Token) => Effect.Effect<void>
  readonly arrangeFor?: { readonly [K in Api]: (control: EmulatorControl.Service) => Effect.Effect<void> }
  readonly ok: Outcome
  readonly mailru: Outcome
  /** The APIs whose call neither retries nor renews here, and so logs nothing. */
  readonly quiet?: ReadonlyArray<Api>
}

const once = (fault: Fault.Fault) => (api: Api) => (control: EmulatorControl.Service) =>
  control.inject({ api, target: api === "ok" ? "users.getCurrentUser" : "users.getInfo", fault })

const always = (fault: Fault.Fault) => (api: Api) => (control: EmulatorControl.Service) =>
  control.inject({ api, target: api === "ok" ? "users.getCurrentUser" : "users.getInfo", fault, times: 100 })

// Error codes by class: OK's table and Mail.Ru's, as each vendor numbers them. Mail.Ru's 1 asks for the request
// again (retried once, so one injected failure passes); it has no rate-limit code, and 4 is a deprecated method.
const apiErrors: ReadonlyArray<readonly [string, number, number, Outcome, Outcome]> = [
  ["unknown error", 1, 1, failure("OtherApiError"), success],
  ["service unavailable", 2, 3, success, success],
  ["unknown method", 3, 2, failure("UnknownMethodError"), failure("UnknownMethodError")],
  ["rate limited (OK) / method deprecated (Mail.Ru)", 8, 4, success, failure("MethodDeprecatedError")],
  ["permission denied", 10, 202, failure("PermissionDeniedError"), failure("PermissionDeniedError")],
  ["invalid parameter", 100, 100, failure("InvalidParameterError"), failure("InvalidParameterError")],
  ["bad signature", 104, 104, failure("BadSignatureError"), failure("BadSignatureError")],
  ["invalid session", 103, 102, failure("InvalidSessionError"), success],
  ["session expired", 102, 102, success, success]
]

const perApi = (arrange: (api: Api) => (control: EmulatorControl.Service) => Effect.Effect<void>) => ({
  ok: arrange("ok"),
  mailru: arrange("mailru")
})

const cases: ReadonlyArray<Case> = [
  ...apiErrors.map(([name, okCode, mailruCode, ok, mailru]): Case => ({
    name: `API error: ${name} (OK ${okCode}, Mail.Ru ${mailruCode}), once`,
    arrange: () => Effect.void,
    arrangeFor: {
      ok: once(Fault.apiError(okCode))("ok"),
      mailru: once(Fault.apiError(mailruCode))("mailru")
    },
    ok,
    mailru,
    quiet: [ok._tag === "Failure" ? ["ok" as const] : [], mailru._tag === "Failure" ? ["mailru" as const] : []].flat()
  })),
  { name: "HTTP 503, once", arrange: () => Effect.void, arrangeFor: perApi(once(Fault.httpStatus(503))), ok: success, mailru: success },
  { name: "HTTP 502, always", arrange: () => Effect.void, arrangeFor: perApi(always(Fault.httpStatus(502))), ok: failure("StatusError"), mailru: failure("StatusError") },
  { name: "HTTP 404, once", arrange: () => Effect.void, arrangeFor: perApi(once(Fault.httpStatus(404))), ok: failure("StatusError"), mailru: failure("StatusError"), quiet: ["ok", "mailru"] },
  { name: "an HTML page, once", arrange: () => Effect.void, arrangeFor: perApi(once(Fault.html)), ok: success, mailru: success },
  { name: "an HTML page, always", arrange: () => Effect.void, arrangeFor: perApi(always(Fault.html)), ok: failure("NotJsonError"), mailru: failure("NotJsonError") },
  { name: "malformed JSON, once", arrange: () => Effect.void, arrangeFor: perApi(once(Fault.malformedJson)), ok: success, mailru: success },
  { name: "an empty body, once", arrange: () => Effect.void, arrangeFor: perApi(once(Fault.emptyBody)), ok: success, mailru: success },
  { name: "an empty body, always", arrange: () => Effect.void, arrangeFor: perApi(always(Fault.emptyBody)), ok: failure("EmptyResponseError"), mailru: failure("EmptyResponseError") },
  { name: "a delay past the time limit, once", arrange: () => Effect.void, arrangeFor: perApi(once(Fault.delay("1 minute"))), ok: success, mailru: success },
  { name: "a delay past the time limit, always", arrange: () => Effect.void, arrangeFor: perApi(always(Fault.delay("1 minute"))), ok: failure("TimeoutError"), mailru: failure("TimeoutError") },
  { name: "a dropped connection, once", arrange: () => Effect.void, arrangeFor: perApi(once(Fault.disconnect)), ok: success, mailru: success },
  { name: "a dropped connection, always", arrange: () => Effect.void, arrangeFor: perApi(always(Fault.disconnect)), ok: failure("NetworkError"), mailru: failure("NetworkError") },
  {
    name: "the access token expired",
    arrange: (control, token) => control.expireToken(Redacted.value(token.accessToken)),
    ok: success,
    mailru: success
  },
  {
    // OK answers 103, which a refresh-token session cannot mend; Mail.Ru answers 102, which a refresh mends.
    name: "the access token was revoked",
    arrange: (control, token) => control.revokeToken(Redacted.value(token.accessToken)),
    ok: failure("InvalidSessionError"),
    mailru: success,
    quiet: ["ok"]
  },
  {
    // Mail.Ru's 102 leads to a refresh, which the OAuth server now refuses.
    name: "the access and refresh tokens were revoked",
    arrange: (control, token) =>
      Effect.zipRight(
        control.revokeToken(Redacted.value(token.accessToken)),
        control.revokeToken(Redacted.value(token.refreshToken!))
      ),
    ok: failure("InvalidSessionError"),
    mailru: failure("OAuthError"),
    quiet: ["ok"]
  }
]

const secretsOf = (token: Option.Option<Token.Token>): ReadonlyArray<string> => [
  Seed.ok.application.secretKey,
  Seed.ok.tokens.refresh.refreshToken,
  Seed.ok.tokens.long.accessToken,
  Seed.ok.tokens.long.sessionSecretKey,
  Seed.mailru.application.privateKey,
  Seed.mailru.application.secretKey,
  Seed.mailru.tokens.session.accessToken,
  Seed.mailru.tokens.session.refreshToken,
  ...Option.match(token, {
    onNone: () => [],
    onSome: (t) => [t.accessToken, t.refreshToken, t.sessionSecretKey].flatMap((s) => (s ? [Redacted.value(s)] : []))
  })
]

const okSession = OkSession.layerRefresh({
  applicationId: Seed.ok.application.id,
  applicationKey: Seed.ok.application.key,
  applicationSecretKey: Redacted.make(Seed.ok.application.secretKey),
  refreshToken: Redacted.make(Seed.ok.tokens.refresh.refreshToken)
})

const mailruSession = MailRuSession.layerRefresh({
  appId: Seed.mailru.application.id,
  privateKey: Redacted.make(Seed.mailru.application.privateKey),
  secretKey: Redacted.make(Seed.mailru.application.secretKey),
  refreshToken: Redacted.make(Seed.mailru.tokens.session.refreshToken)
})

const okCall = Effect.flatMap(OkClient.OkClient, (client) => client.users.getCurrentUser())
const mailruCall = Effect.flatMap(MailRuClient.MailRuClient, (client) => client.users.getInfo())

// A successful call answers with the session's user: OK's current user, Mail.Ru's list of one.
const uidOf = (api: Api, value: unknown): string | undefined =>
  api === "ok" ? (value as { readonly uid?: string }).uid : (value as ReadonlyArray<{ readonly uid?: string }>)[0]?.uid
const sessionUid: { readonly [K in Api]: string } = {
  ok: Seed.ok.tokens.refresh.uid,
  mailru: Seed.mailru.tokens.session.uid
}

const okLayer = Layer.provideMerge(OkClient.layer, okSession).pipe(
  Layer.provide(OkConfig.layer({ timeout: "5 seconds" }))
)
const mailruLayer = Layer.provideMerge(MailRuClient.layer, mailruSession).pipe(
  Layer.provide(MailRuConfig.layer({ timeout: "5 seconds" }))
)

// Runs the case's call with a logger that keeps every line, moving the test clock 5 minutes; `exit` is `None` when
// the call has not finished by then.
const runWith = <ROut, T>(
  api: Api,
  testCase: Case,
  layer: Layer.Layer<ROut | T, unknown, HttpClient.HttpClient>,
  storeTag: Context.Tag<T, TokenStore.Service>,
  call: Effect.Effect<unknown, unknown, ROut>
) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const logger = Logger.make(({ annotations, message }) => {
      lines.push(`${JSON.stringify(message)} ${JSON.stringify(annotations)}`)
    })
    const control = yield* EmulatorControl.EmulatorControl
    const store = yield* storeTag
    const before = yield* store.get
    yield* testCase.arrange(control, Option.getOrThrow(before))
    if (testCase.arrangeFor !== undefined) yield* testCase.arrangeFor[api](control)
    const fiber = yield* Effect.fork(
      call.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)), Logger.withMinimumLogLevel(LogLevel.All))
    )
    // Far past every backoff (at most 10 s each, 4 retries) and time limit (5 s each).
    for (let i = 0; i < 30; i++) yield* TestClock.adjust("10 seconds")
    // A call still running now hangs: it is reported as `None` and stopped, rather than awaited for ever.
    const exit = yield* Fiber.poll(fiber)
    if (Option.isNone(exit)) yield* Fiber.interruptFork(fiber)
    const after = yield* store.get
    return { exit, lines, secrets: [...secretsOf(before), ...secretsOf(after)] }
  }).pipe(Effect.provide(Layer.provideMerge(layer, Emulator.layerInProcess())))

const runCase = (api: Api, testCase: Case) =>
  api === "ok"
    ? runWith(api, testCase, okLayer, OkSession.TokenStore, okCall)
    : runWith(api, testCase, mailruLayer, MailRuSession.TokenStore, mailruCall)

describe("the fault matrix, both clients, default retry policy", () => {
  for (const testCase of cases) {
    for (const api of ["ok", "mailru"] as const) {
      const expected = testCase[api]
      it.effect(`${api}: ${testCase.name} → ${expected._tag === "Success" ? "success" : expected.errorTag}`, () =>
        Effect.gen(function*() {
          const { exit: done, lines, secrets } = yield* runCase(api, testCase)
          // Never a hang: the call finished within the 5 minutes the clock moved; never a defect or an interruption.
          if (Option.isNone(done)) return assert.fail("the call was still running after the clock moved 5 minutes")
          const exit = done.value
          if (Exit.isFailure(exit)) {
            assert.isFalse(Cause.isDie(exit.cause), `a defect: ${Cause.pretty(exit.cause)}`)
            assert.isFalse(Cause.isInterruptedOnly(exit.cause), "interrupted")
          }
          if (expected._tag === "Success") {
            assert.isTrue(Exit.isSuccess(exit), Exit.isFailure(exit) ? Cause.pretty(exit.cause) : "")
            if (Exit.isSuccess(exit)) assert.strictEqual(uidOf(api, exit.value), sessionUid[api])
          } else {
            assert.isTrue(Exit.isFailure(exit))
            const error = Exit.isFailure(exit) ? Option.getOrThrow(Cause.failureOption(exit.cause)) : undefined
            assert.strictEqual((error as { _tag: string })._tag, expected.errorTag)
            const text = `${JSON.stringify(error)} ${String(error)} ${(error as Error).message}`
            for (const secret of secrets) assert.notInclude(text, secret)
          }
          // Retries and renewals are logged; the lines name what happened, and no secret.
          if (!(testCase.quiet ?? []).includes(api)) assert.isNotEmpty(lines)
          for (const line of lines) for (const secret of secrets) assert.notInclude(line, secret)
        }))
    }
  }
})
