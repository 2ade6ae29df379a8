import type { MailRuSession } from "@okmail/mailru"
import { RetryPolicy } from "@okmail/core"
import { MailRuClient } from "@okmail/mailru"
import { Emulator, Seed } from "@okmail/emulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

export const app = Seed.mailru.application
export const appId = app.id
export const privateKey = Redacted.make(app.privateKey)
export const secretKey = Redacted.make(app.secretKey)
export const ivan = Seed.mailru.users[0]!
export const olga = Seed.mailru.users[1]!
export const seeded = Seed.mailru.tokens.session

/** Every secret of the seed, to look for in errors, logs and URLs. */
export const secrets: ReadonlyArray<string> = [
  app.privateKey,
  app.secretKey,
  seeded.accessToken,
  seeded.refreshToken,
  ivan.password,
  olga.password
]

export const assertNoSecret = (value: unknown, extra: ReadonlyArray<string> = []) => {
  const text = typeof value === "string" ? value : `${JSON.stringify(value)} ${String(value)} ${
    value instanceof Error ? value.message : ""
  }`
  for (const secret of [...secrets, ...extra]) {
    if (secret !== "" && text.includes(secret)) throw new Error(`a secret leaked into: ${text.slice(0, 200)}`)
  }
}

/** Runs a program with a client over the given session, on the emulator the caller provides. */
export const onSession = <ROut extends MailRuSession.Signer | MailRuSession.TokenStore, E, R>(session: Layer.Layer<ROut, E, R>) =>
<A, E2, R2>(
  program: Effect.Effect<A, E2, R2>
) =>
  program.pipe(
    Effect.provide(MailRuClient.layer.pipe(Layer.provideMerge(session))),
    // One answer per call: retries are shown by the resilience tests.
    Effect.provide(RetryPolicy.layerNone)
  )

/** Runs a program with a client over the given session, all on one in-process emulator. */
export const withSession = <ROut extends MailRuSession.Signer | MailRuSession.TokenStore, E, R>(session: Layer.Layer<ROut, E, R>) =>
<A, E2, R2>(
  program: Effect.Effect<A, E2, R2>
) => program.pipe(onSession(session), Effect.provide(Emulator.layerInProcess()))

/** Lets forked fibers run until `done` holds; bounded, so that a broken session fails the test instead of hanging. */
export const settle = <R>(done: Effect.Effect<boolean, never, R>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 10_000; i++) {
      if (yield* done) return
      yield* Effect.yieldNow()
    }
    throw new Error("the fibers never got there")
  })
