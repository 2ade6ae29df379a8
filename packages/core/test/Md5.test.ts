import { Signer } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { createHash } from "node:crypto"

describe("Md5", () => {
  it("matches the RFC 1321 test suite", () => {
    assert.strictEqual(Signer.md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e")
    assert.strictEqual(Signer.md5Hex("abc"), "900150983cd24fb0d6963f7d28e17f72")
    assert.strictEqual(Signer.md5Hex("message digest"), "f96b697d7cb7938d525a2f31aaf161d0")
    assert.strictEqual(
      Signer.md5Hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
      "57edf4a22be3c955ac49da2e2107b67a"
    )
  })

  it("hashes the UTF-8 bytes of any string, as node:crypto does", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        assert.strictEqual(Signer.md5Hex(text), createHash("md5").update(text, "utf8").digest("hex"))
      }),
      { numRuns: 500 }
    )
  })
})
