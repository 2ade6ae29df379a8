import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { md5 } from "../src/internal/state.js"
import { verifyMailRu, verifyOk } from "../src/internal/signature.js"

interface OkVector {
  readonly name: string
  readonly params: Record<string, string>
  readonly accessToken?: string
  readonly sessionSecretKey?: string
  readonly applicationSecretKey?: string
  readonly derivedSecret?: string
  readonly sig: string
}

interface MailRuVector {
  readonly name: string
  readonly params: Record<string, string>
  readonly uid?: string
  readonly privateKey?: string
  readonly secretKey?: string
  readonly sig: string
}

const vectors = JSON.parse(
  readFileSync(new URL("../../../test/data/signatures.json", import.meta.url), "utf8")
) as { readonly okru: ReadonlyArray<OkVector>; readonly mailru: ReadonlyArray<MailRuVector> }

// One character changed: the next hex digit, so the string keeps its shape.
const oneOff = (text: string, at = 0) => {
  const c = text[at]!
  const next = c === "f" ? "0" : c === "9" ? "a" : String.fromCharCode(c.charCodeAt(0) + 1)
  return text.slice(0, at) + next + text.slice(at + 1)
}

const okSecrets = (vector: OkVector) => ({
  // A vector with a session secret key is the client circuit; the application secret is then unknown to it.
  applicationSecretKey: vector.applicationSecretKey ?? "not-the-secret",
  accessToken: vector.accessToken,
  sessionSecretKey: vector.sessionSecretKey
})

const expectedOkCircuit = (vector: OkVector) =>
  vector.accessToken === undefined ? "application" : vector.sessionSecretKey !== undefined ? "client-server" : "server-server"

describe("the emulator verifies every signature vector by the documented rules", () => {
  for (const vector of vectors.okru) {
    it(`OK: ${vector.name}`, () => {
      const params = { ...vector.params, sig: vector.sig }
      assert.strictEqual(verifyOk(params, okSecrets(vector)), expectedOkCircuit(vector))
      if (vector.derivedSecret !== undefined) {
        assert.strictEqual(md5(vector.accessToken! + vector.applicationSecretKey!), vector.derivedSecret)
      }
      // access_token is sent but never signed: adding it to a call without a session changes nothing signed.
      if (vector.accessToken !== undefined) {
        const withToken = { ...params, access_token: vector.accessToken }
        assert.strictEqual(verifyOk(withToken, okSecrets(vector)), expectedOkCircuit(vector))
      }
    })
    it(`OK: ${vector.name}, one character changed, is rejected`, () => {
      assert.isUndefined(verifyOk({ ...vector.params, sig: oneOff(vector.sig) }, okSecrets(vector)))
      const [key, value] = Object.entries(vector.params).find(([k]) => k === "method")!
      assert.isUndefined(verifyOk({ ...vector.params, [key]: `${value}x`, sig: vector.sig }, okSecrets(vector)))
      const secret = vector.sessionSecretKey ?? vector.applicationSecretKey!
      const wrongSecret = vector.sessionSecretKey !== undefined
        ? { ...okSecrets(vector), sessionSecretKey: oneOff(secret, 3) }
        : { ...okSecrets(vector), applicationSecretKey: oneOff(secret, 3) }
      assert.isUndefined(verifyOk({ ...vector.params, sig: vector.sig }, wrongSecret))
    })
  }

  for (const vector of vectors.mailru) {
    const secrets = { privateKey: vector.privateKey ?? "none", secretKey: vector.secretKey ?? "none", uid: vector.uid }
    const circuit = vector.params["secure"] === "1" ? "server-server" : "client-server"
    it(`Mail.Ru: ${vector.name}`, () => {
      assert.strictEqual(verifyMailRu({ ...vector.params, sig: vector.sig }, secrets), circuit)
    })
    it(`Mail.Ru: ${vector.name}, one character changed, is rejected`, () => {
      assert.isUndefined(verifyMailRu({ ...vector.params, sig: oneOff(vector.sig, 5) }, secrets))
      assert.isUndefined(
        verifyMailRu({ ...vector.params, method: "friends.getAppUsers", sig: vector.sig }, secrets)
      )
      if (vector.uid !== undefined) {
        assert.isUndefined(verifyMailRu({ ...vector.params, sig: vector.sig }, { ...secrets, uid: oneOff(vector.uid, 2) }))
      }
    })
  }

  it("Mail.Ru client circuit: secure=0 is signed like any parameter", () => {
    const vector = vectors.mailru.find((v) => v.params["secure"] === "0")!
    const { secure: _secure, ...withoutSecure } = vector.params
    const secrets = { privateKey: vector.privateKey!, secretKey: "none", uid: vector.uid }
    assert.isUndefined(verifyMailRu({ ...withoutSecure, sig: vector.sig }, secrets))
  })
})
