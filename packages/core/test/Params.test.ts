import { type ConfigurationError, Params, Signer } from "@okmail/core"
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

class Point {
  constructor(readonly x = 1) {}
}

const boom = (): never => {
  throw new Error("boom")
}

const revoked = () => {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

// Values whose reading throws: getters and Proxy traps. (A revoked Proxy is tried apart: fast-check itself cannot
// hold one, as it asks every value whether it has a clone method.)
const hostile: ReadonlyArray<unknown> = [
  new Proxy({}, { ownKeys: boom }),
  new Proxy({ a: 1 }, { get: boom }),
  new Proxy({}, { getPrototypeOf: boom }),
  new Proxy([1, 2], { get: boom }),
  new Proxy({}, { get: boom, ownKeys: boom, getPrototypeOf: boom, getOwnPropertyDescriptor: boom, has: () => false }),
  Object.defineProperty({}, "x", { get: boom, enumerable: true }),
  Object.defineProperty([0, 1], 0, { get: boom }),
  Object.defineProperty({}, "x", {
    enumerable: true,
    get: () => {
      // What is thrown is hostile too: it has no prototype, so no `toString`.
      throw Object.create(null)
    }
  })
]

const leaf = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true
})

// Trees of anything, with hostile values and throwing getters at any depth, and sometimes behind a Proxy.
const { tree, object } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { maxDepth: 4 },
    leaf,
    fc.constantFrom(...hostile),
    fc.array(tie("tree"), { maxLength: 4 }),
    tie("object")
  ),
  object: fc.tuple(
    fc.dictionary(fc.string(), tie("tree"), { maxKeys: 4 }),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.boolean()
  ).map(([entries, throwing, proxied]) => {
    const out: Record<string, unknown> = { ...entries }
    for (const key of throwing) Object.defineProperty(out, key, { get: boom, enumerable: true, configurable: true })
    return proxied ? new Proxy(out, {}) : out
  })
}))

type Result = Either.Either<unknown, ConfigurationError.ParamsError>

const expectRefused = (result: Result, key: string) => {
  assert.isTrue(Either.isLeft(result), `${key} is refused`)
  if (Either.isLeft(result)) {
    assert.strictEqual(result.left._tag, "ParamsError")
    assert.strictEqual(result.left.key, key)
  }
}

describe("Params.encode, total", () => {
  it("omits null as it omits undefined, and writes null inside JSON as null", () => {
    assert.deepStrictEqual(encode({ a: null, b: undefined, c: 0, o: { x: null, y: undefined, list: [null] } }), {
      c: "0",
      o: "{\"x\":null,\"list\":[null]}"
    })
    expectRefused(Params.encodeValue("a", null), "a")
    expectRefused(Params.encodeValue("a", undefined), "a")
  })

  it("writes every finite number in plain decimal, however small or large", () => {
    assert.deepStrictEqual(encode({ a: 1.5e-25, b: -1e-7, c: 1e21, d: -1.2345e25, e: 5e-324, f: -0 }), {
      a: "0.00000000000000000000000015",
      b: "-0.0000001",
      c: "1000000000000000000000",
      d: "-12345000000000000000000000",
      e: `0.${"0".repeat(323)}5`,
      f: "0"
    })
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = encode({ n }).n!
        assert.match(text, /^-?\d+(\.\d+)?$/)
        assert.strictEqual(Number(text), n)
      })
    )
  })

  it("refuses a Date, a Map, a Set, a class instance, a symbol or a function anywhere, naming the key", () => {
    const cases: ReadonlyArray<readonly [string, unknown, string]> = [
      ["when", new Date(0), "a Date has no wire form: send its getTime() or toISOString()"],
      ["map", new Map([["a", 1]]), "a Map has no wire form"],
      ["set", new Set([1]), "a Set has no wire form"],
      ["point", new Point(), "a Point has no wire form"],
      ["boxed", new String("x"), "a String has no wire form"],
      ["bytes", new Uint8Array(2), "a Uint8Array has no wire form"],
      ["symbol", Symbol("s"), "a symbol has no wire form"],
      ["fn", () => 1, "a function has no wire form"],
      ["attachment", { media: [{ when: new Date(0) }] }, "(at attachment.media[0].when)"],
      ["attachment", { tags: new Set(["a"]) }, "a Set has no wire form"],
      ["attachment", { toJSON: () => "x" }, "a function has no wire form (at attachment.toJSON)"],
      ["attachment", { n: Number.NaN }, "the number NaN has no decimal form"],
      ["attachment", { list: [1, undefined] }, "undefined has no wire form (at attachment.list[1])"],
      ["attachment", { s: Symbol("s") }, "a symbol has no wire form"],
      ["list", [1, [2, 3]], "an array cannot be an item of a comma list"],
      ["list", [{ a: 1 }], "an object cannot be an item of a comma list"],
      ["list", [new Date(0)], "a Date cannot be an item of a comma list"],
      ["list", ["a", null], "null has no wire form (at list[1])"],
      ["list", ["a", undefined], "undefined has no wire form"],
      ["list", [1, Infinity], "the number Infinity has no decimal form"]
    ]
    for (const [key, value, detail] of cases) {
      const results: Array<Result> = [Params.encode({ ok: "1", [key]: value }), Params.encodeValue(key, value)]
      for (const result of results) {
        expectRefused(result, key)
        if (Either.isLeft(result)) assert.include(result.left.detail, detail)
      }
    }
  })

  it("refuses a cycle at any depth, and writes an object shared by two members twice", () => {
    const list: Array<unknown> = []
    list.push({ list })
    const result = Params.encode({ ok: "1", deep: { a: { list } } })
    expectRefused(result, "deep")
    if (Either.isLeft(result)) assert.include(result.left.detail, "the object contains itself")
    const shared = { v: 1 }
    assert.deepStrictEqual(encode({ o: { a: shared, b: [shared] } }), { o: "{\"a\":{\"v\":1},\"b\":[{\"v\":1}]}" })
  })

  it("writes a tree of plain objects and arrays exactly as JSON.stringify does", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        assert.deepStrictEqual(Params.encodeValue("o", value), Either.right(JSON.stringify(value)))
      })
    )
  })

  it("refuses parameters that are not a plain object, naming params", () => {
    const containers: ReadonlyArray<unknown> = [
      "ab",
      ["a", "b"],
      new Map([["a", "1"]]),
      null,
      undefined,
      42,
      new Point()
    ]
    for (const params of containers) {
      const result = Params.encode(params as Params.Params)
      expectRefused(result, "params")
      if (Either.isLeft(result)) assert.include(result.left.detail, "the parameters must be a plain object")
    }
    assert.deepStrictEqual(encode(Object.assign(Object.create(null), { a: 1 })), { a: "1" })
  })

  it("turns a throwing getter or Proxy trap into a ParamsError naming the key, never a throw", () => {
    const getter = Params.encode({ ok: "1", get boom() { return boom() } })
    expectRefused(getter, "boom")
    if (Either.isLeft(getter)) assert.strictEqual(getter.left.detail, "reading it threw: boom")
    expectRefused(Params.encode({ ok: "1", attachment: { get boom() { return boom() } } }), "attachment")
    expectRefused(Params.encode(new Proxy({ a: 1 }, { ownKeys: boom })), "params")
    expectRefused(Params.encode(new Proxy({ a: 1 }, { getPrototypeOf: boom })), "params")
    expectRefused(Params.encode(new Proxy({ a: 1 }, { get: boom })), "a")
    expectRefused(Params.encode(revoked() as Params.Params), "params")
    expectRefused(Params.encode({ ok: "1", value: revoked() }), "value")
    expectRefused(Params.encode({ ok: "1", value: { deep: [revoked()] } }), "value")
    hostile.forEach((value, i) => {
      const result = Params.encode({ ok: "1", [`v${i}`]: value })
      expectRefused(result, `v${i}`)
      expectRefused(Params.encodeValue(`v${i}`, value), `v${i}`)
    })
    const strange = Params.encode(hostile[hostile.length - 1] as Params.Params)
    expectRefused(strange, "x")
    if (Either.isLeft(strange)) assert.strictEqual(strange.left.detail, "reading it threw")
    // A Proxy that only forwards is read like the object behind it.
    assert.deepStrictEqual(encode(new Proxy({ a: 1, o: new Proxy({ b: [1] }, {}) }, {})), { a: "1", o: "{\"b\":[1]}" })
  })

  it("keeps a parameter named __proto__", () => {
    const wire = encode(JSON.parse("{\"__proto__\":\"x\",\"a\":1}"))
    assert.deepStrictEqual(Object.keys(wire), ["__proto__", "a"])
    assert.strictEqual(Params.canonicalString(wire), "__proto__=xa=1")
  })

  it("is total on anything passed as the parameters: an Either, never a throw", () => {
    fc.assert(
      fc.property(fc.oneof(leaf, object, fc.constantFrom(...hostile)), (input) => {
        const result = Params.encode(input as Params.Params)
        assert.isTrue(Either.isEither(result))
        if (Either.isLeft(result)) assert.strictEqual(result.left._tag, "ParamsError")
      }),
      { numRuns: 500 }
    )
  })

  it("is total on objects holding anything, throwing getters and hostile Proxies at any depth", () => {
    fc.assert(
      fc.property(object, tree, (params, value) => {
        const results: Array<Result> = [Params.encode(params as Params.Params), Params.encodeValue("k", value)]
        for (const result of results) {
          assert.isTrue(Either.isEither(result))
          if (Either.isRight(result)) {
            if (typeof result.right === "object") {
              for (const wire of Object.values(result.right as object)) assert.strictEqual(typeof wire, "string")
            } else {
              assert.strictEqual(typeof result.right, "string")
            }
          } else {
            assert.strictEqual(result.left._tag, "ParamsError")
            assert.strictEqual(typeof result.left.key, "string")
          }
        }
      }),
      { numRuns: 500 }
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
