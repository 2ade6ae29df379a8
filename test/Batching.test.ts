// Batched lookups by id against the emulator, both clients: lookups made together share users.getInfo calls.
import { assert, describe, it } from "@effect/vitest"
import { Emulator, EmulatorControl, Fault, Seed } from "@okmail/emulator"
import { MailRuClient } from "@okmail/mailru"
import { OkClient } from "@okmail/okru"
import { mailru, ok } from "./clients.js"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"

const getInfoCalls = (api: "ok" | "mailru") =>
  Effect.map(
    Effect.flatMap(EmulatorControl.EmulatorControl, (control) => control.requests),
    (log) => log.filter((entry) => entry.api === api && entry.method === "users.getInfo")
  )

// 250 uids: the seeded users first, then unknown ones, with every seeded uid asked for twice.
const uidsWith = (known: ReadonlyArray<string>, unknownPrefix: string) => [
  ...known,
  ...known,
  ...Array.from({ length: 250 - 2 * known.length }, (_, i) => `${unknownPrefix}${i}`)
]

describe("batched lookups by id", () => {
  it.effect("OK: 250 lookups of 246 distinct uids make 3 users.getInfo calls; unknown uids are None", () =>
    Effect.gen(function*() {
      const client = yield* OkClient.OkClient
      const known = Seed.ok.users.map((user) => user.uid)
      const uids = uidsWith(known, "9100000000")
      const users = yield* Effect.forEach(uids, (uid) => client.users.getOne(uid, ["first_name"]), { batching: true })
      assert.lengthOf(users, 250)
      assert.deepStrictEqual(
        users.slice(0, known.length).map((user) => Option.map(user, (u) => u.first_name)),
        Seed.ok.users.map((user) => Option.some(user.first_name))
      )
      assert.isTrue(users.slice(2 * known.length).every(Option.isNone))
      assert.lengthOf(yield* getInfoCalls("ok"), 3)
      // One at a time, each lookup is a call of its own.
      yield* Effect.forEach(known, (uid) => client.users.getOne(uid), { batching: false })
      assert.lengthOf(yield* getInfoCalls("ok"), 3 + known.length)
    }).pipe(Effect.provide(ok), Effect.provide(Emulator.layerInProcess())))

  it.effect("OK: lookups with other fields go in calls of their own", () =>
    Effect.gen(function*() {
      const client = yield* OkClient.OkClient
      const [byName, byGender] = yield* Effect.all(
        [client.users.getOne(Seed.ok.users[0]!.uid, ["name"]), client.users.getOne(Seed.ok.users[1]!.uid, ["gender"])],
        { batching: true }
      )
      assert.deepStrictEqual(byName, Option.some({ uid: Seed.ok.users[0]!.uid, name: "Иван Иванов" }))
      assert.deepStrictEqual(byGender, Option.some({ uid: Seed.ok.users[1]!.uid, gender: "female" }))
      assert.lengthOf(yield* getInfoCalls("ok"), 2)
    }).pipe(Effect.provide(ok), Effect.provide(Emulator.layerInProcess())))

  it.effect("Mail.Ru: 250 lookups make 3 calls; uids beyond 2^53 match exactly", () =>
    Effect.gen(function*() {
      const client = yield* MailRuClient.MailRuClient
      const known = Seed.mailru.users.map((user) => user.uid)
      const uids = uidsWith(known, "18000000000000000")
      const users = yield* Effect.forEach(uids, (uid) => client.users.getOne(uid), { batching: true })
      assert.deepStrictEqual(
        users.slice(0, known.length).map((user) => Option.map(user, (u) => u.uid)),
        known.map(Option.some)
      )
      assert.isTrue(users.slice(2 * known.length).every(Option.isNone))
      assert.lengthOf(yield* getInfoCalls("mailru"), 3)
    }).pipe(Effect.provide(mailru), Effect.provide(Emulator.layerInProcess())))

  it.effect("a failed call fails the lookups it was made for, with the typed error, and only those", () =>
    Effect.gen(function*() {
      const control = yield* EmulatorControl.EmulatorControl
      const client = yield* OkClient.OkClient
      yield* control.inject({ api: "ok", target: "users.getInfo", fault: Fault.apiError(10) })
      const uids = uidsWith(Seed.ok.users.map((user) => user.uid), "9200000000")
      const outcomes = yield* Effect.forEach(uids, (uid) => Effect.either(client.users.getOne(uid)), { batching: true })
      const failed = outcomes.filter(Either.isLeft)
      // The failed call carried 100 distinct uids, asked for by 100 lookups or more (duplicates share a call).
      assert.isAtLeast(failed.length, 100)
      assert.isAtMost(failed.length, 104)
      for (const outcome of failed) assert.strictEqual(outcome.left._tag, "PermissionDeniedError")
      assert.strictEqual(outcomes.filter(Either.isRight).length, 250 - failed.length)
    }).pipe(Effect.provide(ok), Effect.provide(Emulator.layerInProcess())))
})
