import { Token } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Redacted from "effect/Redacted"
import { inspect } from "node:util"

const secrets = ["access-SECRET-1", "refresh-SECRET-2", "session-SECRET-3"]

const token = new Token.Token({
  accessToken: Redacted.make(secrets[0]!),
  refreshToken: Redacted.make(secrets[1]!),
  sessionSecretKey: Redacted.make(secrets[2]!),
  userId: "9007199254740993",
  expiresAt: DateTime.unsafeMake("2026-01-01T00:30:00Z"),
  scopes: ["VALUABLE_ACCESS", "LONG_ACCESS_TOKEN"],
  tokenType: "bearer"
})

describe("Token", () => {
  it("shows no secret when printed, inspected, logged or stringified", () => {
    const renderings = [
      JSON.stringify(token),
      String(token),
      inspect(token, { depth: 10 }),
      Inspectable.format(token),
      JSON.stringify({ nested: [token] })
    ]
    for (const text of renderings) {
      for (const secret of secrets) assert.notInclude(text, secret)
    }
    assert.include(JSON.stringify(token), "9007199254740993")
  })

  it.effect("round-trips through its storage form, secrets included", () =>
    Effect.gen(function*() {
      const stored = yield* Token.encodeStorage(token)
      for (const secret of secrets) assert.include(stored, secret)
      const back = yield* Token.decodeStorage(stored)
      assert.strictEqual(Redacted.value(back.accessToken), secrets[0])
      assert.strictEqual(Redacted.value(back.refreshToken!), secrets[1])
      assert.strictEqual(Redacted.value(back.sessionSecretKey!), secrets[2])
      assert.strictEqual(back.userId, "9007199254740993")
      assert.deepStrictEqual(back.scopes, ["VALUABLE_ACCESS", "LONG_ACCESS_TOKEN"])
      assert.isTrue(DateTime.Equivalence(back.expiresAt!, token.expiresAt!))
    }))

  it.effect("rejects a storage document that is not a token", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Token.decodeStorage("{\"refreshToken\":\"x\"}"))
      assert.strictEqual(error._tag, "ParseError")
    }))

  it("tells whether a token expires within a margin", () => {
    const at = (iso: string) => DateTime.unsafeMake(iso)
    assert.isFalse(Token.expiresWithin(token, at("2026-01-01T00:00:00Z"), "5 minutes"))
    assert.isTrue(Token.expiresWithin(token, at("2026-01-01T00:26:00Z"), "5 minutes"))
    assert.isTrue(Token.expiresWithin(token, at("2026-01-01T01:00:00Z"), 0))
    const forever = new Token.Token({ accessToken: Redacted.make("x") })
    assert.isFalse(Token.expiresWithin(forever, at("2100-01-01T00:00:00Z"), "1 day"))
    assert.strictEqual(
      DateTime.formatIso(Token.expiresAtFrom(at("2026-01-01T00:00:00Z"), 1800)),
      "2026-01-01T00:30:00.000Z"
    )
  })

  it("counts an expiry within zero and ten years, whatever the count, and never throws", () => {
    const now = DateTime.unsafeMake("2026-01-01T00:00:00Z")
    const tenYears = DateTime.formatIso(DateTime.add(now, { days: 3652 }))
    for (const [expiresIn, expected] of [
      [1e13, tenYears],
      [Infinity, tenYears],
      [Number.MAX_VALUE, tenYears],
      [-1800, "2026-01-01T00:00:00.000Z"],
      [-Infinity, "2026-01-01T00:00:00.000Z"],
      [NaN, "2026-01-01T00:00:00.000Z"]
    ] as const) {
      const expiresAt = Token.expiresAtFrom(now, expiresIn)
      assert.strictEqual(DateTime.formatIso(expiresAt), expected)
    }
    assert.strictEqual(tenYears, "2036-01-01T00:00:00.000Z")
  })
})
