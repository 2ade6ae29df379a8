import { Params, Signer, Token } from "@okmail/core"
import { OkError, OkSigner } from "@okmail/okru"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { readFileSync } from "node:fs"

interface Vector {
  readonly name: string
  readonly params: Record<string, string>
  readonly accessToken?: string
  readonly sessionSecretKey?: string
  readonly applicationSecretKey?: string
  readonly derivedSecret?: string
  readonly signedString: string
  readonly sig: string
}

const vectors: ReadonlyArray<Vector> = JSON.parse(
  readFileSync(new URL("../../../test/data/signatures.json", import.meta.url), "utf8")
).okru

const circuitOf = (vector: Vector): OkSigner.Circuit =>
  vector.sessionSecretKey !== undefined
    ? "client-server"
    : vector.accessToken !== undefined
    ? "server-server"
    : "application"

describe("OkSigner", () => {
  it("has the four OK vectors", () => {
    assert.strictEqual(vectors.length, 4)
  })

  for (const vector of vectors) {
    it.effect(`signs the vector: ${vector.name}`, () =>
      Effect.gen(function*() {
        const { application_key, format, ...methodParams } = vector.params
        assert.strictEqual(format, "json")
        const signer = OkSigner.make({
          applicationKey: application_key!,
          circuit: circuitOf(vector),
          applicationSecretKey: vector.applicationSecretKey === undefined
            ? undefined
            : Redacted.make(vector.applicationSecretKey)
        })
        const token = vector.accessToken === undefined ? Option.none() : Option.some(
          new Token.Token({
            accessToken: Redacted.make(vector.accessToken),
            ...(vector.sessionSecretKey === undefined ? {} : { sessionSecretKey: Redacted.make(vector.sessionSecretKey) })
          })
        )
        const wire = yield* signer.sign(methodParams, token)
        assert.strictEqual(wire["sig"], vector.sig)
        assert.strictEqual(wire["application_key"], application_key)
        assert.strictEqual(wire["format"], "json")
        // access_token is sent in a session, never signed; absent without one.
        assert.strictEqual(wire["access_token"], vector.accessToken)
        const secret = vector.sessionSecretKey ?? vector.derivedSecret ?? vector.applicationSecretKey!
        assert.strictEqual(Params.canonicalString(wire, OkSigner.unsignedKeys) + secret, vector.signedString)
        if (vector.derivedSecret !== undefined) {
          assert.strictEqual(OkSigner.serverSecret(vector.accessToken!, vector.applicationSecretKey!), vector.derivedSecret)
        }
        assert.strictEqual(Signer.md5Hex(vector.signedString), vector.sig)
      }))
  }

  it.effect("signs the mediatopic vector from the attachment object through the canonical encoder", () =>
    Effect.gen(function*() {
      const vector = vectors[3]!
      const wire = yield* Params.encode({
        method: "mediatopic.post",
        type: "USER_NOTE",
        attachment: { media: [{ type: "text", text: "Привет" }] }
      })
      const signed = yield* OkSigner.make({ applicationKey: "ABCDEFGHIGKLMNOPK", circuit: "client-server" }).sign(
        wire,
        Option.some(
          new Token.Token({
            accessToken: Redacted.make(vector.accessToken!),
            sessionSecretKey: Redacted.make(vector.sessionSecretKey!)
          })
        )
      )
      assert.strictEqual(signed["attachment"], vector.params["attachment"])
      assert.strictEqual(signed["sig"], vector.sig)
    }))

  it.effect("keeps falsy values: offset=0, false and empty strings are signed and sent", () =>
    Effect.gen(function*() {
      const wire = Either.getOrThrow(Params.encode({ method: "friends.get", offset: 0, flag: false, empty: "" }))
      const signer = OkSigner.make({
        applicationKey: "KEY",
        circuit: "application",
        applicationSecretKey: Redacted.make("SECRET")
      })
      const signed = yield* signer.sign(wire, Option.none())
      assert.strictEqual(signed["offset"], "0")
      assert.strictEqual(signed["flag"], "false")
      assert.strictEqual(signed["empty"], "")
      assert.strictEqual(
        signed["sig"],
        Signer.md5Hex("application_key=KEYempty=flag=falseformat=jsonmethod=friends.getoffset=0SECRET")
      )
    }))

  it.effect("never signs access_token, session_key or a stale sig passed as parameters", () =>
    Effect.gen(function*() {
      const signer = OkSigner.make({ applicationKey: "KEY", circuit: "client-server" })
      const token = Option.some(
        new Token.Token({ accessToken: Redacted.make("TOKEN"), sessionSecretKey: Redacted.make("SSK") })
      )
      const plain = yield* signer.sign({ method: "users.getCurrentUser" }, token)
      const polluted = yield* signer.sign(
        { method: "users.getCurrentUser", access_token: "OTHER", session_key: "X", sig: "forged" },
        token
      )
      assert.deepStrictEqual(polluted, plain)
      assert.strictEqual(polluted["session_key"], undefined)
    }))

  it.effect("fails with a ConfigurationError, naming no secret, when a circuit lacks its secret", () =>
    Effect.gen(function*() {
      const noSession = yield* Effect.flip(
        OkSigner.make({ applicationKey: "KEY", circuit: "client-server" }).sign({}, Option.none())
      )
      assert.strictEqual(noSession._tag, "ConfigurationError")
      assert.strictEqual(noSession.option, "accessToken")
      const noSecret = yield* Effect.flip(
        OkSigner.make({ applicationKey: "KEY", circuit: "client-server" }).sign(
          {},
          Option.some(new Token.Token({ accessToken: Redacted.make("TOKEN-VALUE") }))
        )
      )
      assert.strictEqual(noSecret.option, "sessionSecretKey")
      const server = yield* Effect.flip(
        OkSigner.make({ applicationKey: "KEY", circuit: "server-server", applicationSecretKey: Redacted.make("") }).sign(
          {},
          Option.some(new Token.Token({ accessToken: Redacted.make("TOKEN-VALUE") }))
        )
      )
      assert.strictEqual(server.option, "applicationSecretKey")
      assert.notInclude(JSON.stringify(server) + server.message, "TOKEN-VALUE")
    }))

  it.effect("infers the circuit as TokenSession does", () =>
    Effect.gen(function*() {
      const withSsk = new Token.Token({ accessToken: Redacted.make("T"), sessionSecretKey: Redacted.make("S") })
      const without = new Token.Token({ accessToken: Redacted.make("T") })
      assert.strictEqual(yield* OkSigner.inferCircuit(Redacted.make("APP"), withSsk), "server-server")
      assert.strictEqual(yield* OkSigner.inferCircuit(Redacted.make(""), withSsk), "client-server")
      assert.strictEqual(yield* OkSigner.inferCircuit(undefined, withSsk), "client-server")
      const error = yield* Effect.flip(OkSigner.inferCircuit(Redacted.make(""), without))
      assert.strictEqual(error._tag, "ConfigurationError")
    }))
})

describe("OkError", () => {
  it("classifies every code of the table", () => {
    const expected: ReadonlyArray<readonly [ReadonlyArray<number>, string]> = [
      [[1, 300, 401, 402, 403, 1200, 5, 999], "OtherApiError"],
      [[2, 9999], "ServiceUnavailableError"],
      [[3], "UnknownMethodError"],
      [[4, 100, 101, 106, 130, 160, 211, 214], "InvalidParameterError"],
      [[7, 8, 9, 11, 26], "RateLimitedError"],
      [[10, 24, 50, 200, 455, 456, 457, 458], "PermissionDeniedError"],
      [[102], "SessionExpiredError"],
      [[103, 453], "InvalidSessionError"],
      [[104, 105], "BadSignatureError"]
    ]
    for (const [codes, errorClass] of expected) {
      for (const code of codes) assert.strictEqual(OkError.classify(code), errorClass, `code ${code}`)
    }
  })

  it("reads a flat error body and leaves results alone", () => {
    const error = OkError.fromBody(
      { error_code: 102, error_msg: "PARAM_SESSION_EXPIRED : Session expired", error_data: null },
      "users.getCurrentUser"
    )
    assert.isTrue(Option.isSome(error))
    const value = Option.getOrThrow(error)
    assert.strictEqual(value._tag, "SessionExpiredError")
    assert.strictEqual(value.code, 102)
    assert.strictEqual(value.method, "users.getCurrentUser")
    assert.strictEqual(value.description, "PARAM_SESSION_EXPIRED : Session expired")
    for (const result of [{}, [], false, 0, "", "1234567890", { uid: "1" }, [{ error_code: 1 }]]) {
      assert.isTrue(Option.isNone(OkError.fromBody(result, "m")), JSON.stringify(result))
    }
    assert.strictEqual(Option.getOrThrow(OkError.fromBody({ error_code: "104" }, "m"))._tag, "BadSignatureError")
  })
})
