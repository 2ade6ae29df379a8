import { Params, Token } from "@okmail/core"
import { MailRuSigner } from "@okmail/mailru"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"

interface Vector {
  readonly name: string
  readonly params: Record<string, string>
  readonly uid?: string
  readonly privateKey?: string
  readonly secretKey?: string
  readonly signedString: string
  readonly sig: string
}

const vectors: ReadonlyArray<Vector> = JSON.parse(
  readFileSync(new URL("../../../test/data/signatures.json", import.meta.url), "utf8")
).mailru

// The method's own parameters: what a program passes, before the signer adds app_id, session_key and secure.
const own = (params: Record<string, string>) => {
  const { app_id: _a, secure: _s, session_key: _k, ...rest } = params
  return rest
}

const token = (vector: Vector) =>
  new Token.Token({
    accessToken: Redacted.make(vector.params["session_key"]!),
    ...(vector.uid === undefined ? {} : { userId: vector.uid })
  })

const signerFor = (vector: Vector) =>
  vector.secretKey !== undefined
    ? MailRuSigner.make({
      circuit: "server-server",
      appId: vector.params["app_id"]!,
      secretKey: Redacted.make(vector.secretKey)
    })
    : MailRuSigner.make({
      circuit: "client-server",
      appId: vector.params["app_id"]!,
      privateKey: Redacted.make(vector.privateKey!),
      secureZero: vector.params["secure"] === "0"
    })

describe("MailRuSigner", () => {
  it("has the three Mail.Ru vectors", () => {
    assert.strictEqual(vectors.length, 3)
  })

  for (const vector of vectors) {
    it.effect(`signs the vector: ${vector.name}`, () =>
      Effect.gen(function*() {
        const signer = signerFor(vector)
        const signed = yield* signer.sign(own(vector.params), Option.some(token(vector)))
        assert.deepStrictEqual(signed, { ...vector.params, sig: vector.sig })
        const prefix = vector.uid ?? ""
        const suffix = vector.privateKey ?? vector.secretKey!
        assert.strictEqual(prefix + Params.canonicalString(vector.params) + suffix, vector.signedString)
      }))
  }

  it.effect("takes the uid from the options when the token has none", () =>
    Effect.gen(function*() {
      const vector = vectors[0]!
      const signer = MailRuSigner.make({
        circuit: "client-server",
        appId: vector.params["app_id"]!,
        privateKey: Redacted.make(vector.privateKey!),
        uid: vector.uid
      })
      const signed = yield* signer.sign(
        own(vector.params),
        Option.some(new Token.Token({ accessToken: Redacted.make(vector.params["session_key"]!) }))
      )
      assert.strictEqual(signed["sig"], vector.sig)
    }))

  it.effect("replaces any sig, app_id, session_key or secure the parameters carry", () =>
    Effect.gen(function*() {
      const vector = vectors[1]!
      const signed = yield* signerFor(vector).sign(
        { ...own(vector.params), sig: "forged", app_id: "1", session_key: "other", secure: "0" },
        Option.some(token(vector))
      )
      assert.deepStrictEqual(signed, { ...vector.params, sig: vector.sig })
    }))

  it.effect("signs falsy values instead of dropping them", () =>
    Effect.gen(function*() {
      const signer = MailRuSigner.make({ circuit: "server-server", appId: "1", secretKey: Redacted.make("s") })
      const wire = yield* Params.encode({ offset: 0, ext: false, text: "" })
      const signed = yield* signer.sign(wire, Option.none())
      assert.deepStrictEqual(Object.keys(signed).sort(), ["app_id", "ext", "offset", "secure", "sig", "text"])
      assert.strictEqual(signed["offset"], "0")
      assert.strictEqual(signed["sig"], MailRuSigner.serverSignature({ ...wire, app_id: "1", secure: "1" }, "s"))
    }))

  it.effect("fails with a ConfigurationError when a secret or the uid is missing", () =>
    Effect.gen(function*() {
      const noUid = yield* MailRuSigner.make({ circuit: "client-server", appId: "1", privateKey: Redacted.make("p") })
        .sign({}, Option.some(new Token.Token({ accessToken: Redacted.make("token-5e7c") })))
        .pipe(Effect.flip)
      assert.strictEqual(noUid._tag, "ConfigurationError")
      assert.notInclude(JSON.stringify(noUid) + noUid.message, "5e7c")
      assert.strictEqual(noUid.option, "uid")
      const noKey = yield* MailRuSigner.make({ circuit: "server-server", appId: "1", secretKey: Redacted.make("") })
        .sign({}, Option.none())
        .pipe(Effect.flip)
      assert.strictEqual(noKey.option, "secretKey")
    }))

  it.effect("infers the circuit as TokenSession does", () =>
    Effect.gen(function*() {
      const p = Redacted.make("p")
      const s = Redacted.make("s")
      assert.strictEqual(yield* MailRuSigner.inferCircuit({ uid: "1", privateKey: p, secretKey: s }), "client-server")
      assert.strictEqual(yield* MailRuSigner.inferCircuit({ uid: "", privateKey: p, secretKey: s }), "server-server")
      assert.strictEqual(
        yield* MailRuSigner.inferCircuit({ uid: "1", privateKey: Redacted.make(""), secretKey: s }),
        "server-server"
      )
      const neither = yield* Effect.flip(MailRuSigner.inferCircuit({ uid: "1", privateKey: Redacted.make("") }))
      assert.strictEqual(neither._tag, "ConfigurationError")
    }))

  it.effect("leaves unsigned requests unsigned", () =>
    Effect.gen(function*() {
      const signed = yield* MailRuSigner.make({ circuit: "unsigned" }).sign(
        { uids: "1", sig: "x" },
        Option.some(new Token.Token({ accessToken: Redacted.make("secret-token") }))
      )
      assert.deepStrictEqual(signed, { uids: "1" })
    }))
})
