import { Params, Signer } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import { readFileSync } from "node:fs"

interface Vector {
  readonly name: string
  readonly params: Record<string, string>
  readonly signedString: string
  readonly sig: string
  readonly uid?: string
}
const vectors: { okru: Array<Vector>; mailru: Array<Vector> } = JSON.parse(
  readFileSync(new URL("../../../test/data/signatures.json", import.meta.url), "utf8")
)

const encode = (params: Params.Params) => Either.getOrThrow(Params.encode(params))

describe("Params.encode", () => {
  it("writes each kind of value in its one wire form", () => {
    assert.deepStrictEqual(
      encode({
        text: "Привет",
        zero: 0,
        negative: -12,
        fraction: 0.5,
        large: 1e21,
        big: 12345678901234567890n,
        yes: true,
        no: false,
        empty: "",
        list: ["1", 2, true],
        object: { media: [{ type: "text", text: "Привет" }] },
        absent: undefined
      }),
      {
        text: "Привет",
        zero: "0",
        negative: "-12",
        fraction: "0.5",
        large: "1000000000000000000000",
        big: "12345678901234567890",
        yes: "true",
        no: "false",
        empty: "",
        list: "1,2,true",
        object: "{\"media\":[{\"type\":\"text\",\"text\":\"Привет\"}]}"
      }
    )
  })

  it("keeps every falsy value that aiookru dropped", () => {
    assert.deepStrictEqual(encode({ offset: 0, flag: false, text: "" }), { offset: "0", flag: "false", text: "" })
  })

  it("names the key of a value that has no wire form", () => {
    const cyclic: Record<string, unknown> = {}
    cyclic["self"] = cyclic
    for (const [key, value] of [["nan", Number.NaN], ["inf", Infinity], ["fn", () => 1], ["cycle", cyclic]] as const) {
      const result = Params.encode({ ok: "1", [key]: value })
      assert.isTrue(Either.isLeft(result))
      if (Either.isLeft(result)) {
        assert.strictEqual(result.left._tag, "ParamsError")
        assert.strictEqual(result.left.key, key)
      }
    }
  })

  it("is total: any value gives the wire parameters or a ParamsError, never a throw", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything({ withBigInt: true, withMap: true, withSet: true })), (input) => {
        const result = Params.encode(input)
        if (Either.isRight(result)) {
          for (const [key, value] of Object.entries(result.right)) {
            assert.strictEqual(typeof value, "string")
            assert.notStrictEqual(input[key], undefined)
          }
        } else {
          assert.strictEqual(result.left._tag, "ParamsError")
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe("Params.canonicalString", () => {
  it("does not depend on the order of the keys", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), fc.integer(), (params, seed) => {
        const entries = Object.entries(params)
        const shuffled = [...entries].sort((a, b) =>
          ((a[0].length * 31 + seed) % 7) - ((b[0].length * 31 + seed) % 7)
        )
        assert.strictEqual(
          Params.canonicalString(Object.fromEntries(shuffled)),
          Params.canonicalString(Object.fromEntries(entries.reverse()))
        )
      })
    )
  })

  it("leaves out the excluded keys", () => {
    assert.strictEqual(
      Params.canonicalString({ b: "2", sig: "x", a: "1", access_token: "t" }, ["sig", "access_token"]),
      "a=1b=2"
    )
  })

  for (const vector of vectors.okru) {
    it(`builds the signed string of the OK vector: ${vector.name}`, () => {
      const joined = Params.canonicalString(encode(vector.params))
      assert.isTrue(vector.signedString.startsWith(joined))
      assert.strictEqual(Signer.md5Hex(vector.signedString), vector.sig)
    })
  }

  for (const vector of vectors.mailru) {
    it(`builds the signed string of the Mail.Ru vector: ${vector.name}`, () => {
      const joined = Params.canonicalString(encode(vector.params))
      assert.isTrue(vector.signedString.startsWith(`${vector.uid ?? ""}${joined}`))
      assert.strictEqual(Signer.md5Hex(vector.signedString), vector.sig)
    })
  }
})
