import { MailRuError } from "@okmail/mailru"
import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"

const body = (code: unknown, msg = "message") => ({ error: { error_code: code, error_msg: msg } })

describe("MailRuError", () => {
  it("classifies the nested error bodies by the one table", () => {
    const expected: ReadonlyArray<readonly [number, string]> = [
      [1, "TransientApiError"],
      [2, "UnknownMethodError"],
      [3, "ServiceUnavailableError"],
      [4, "MethodDeprecatedError"],
      [100, "InvalidParameterError"],
      [102, "SessionExpiredError"],
      [103, "ApplicationNotFoundError"],
      [104, "BadSignatureError"],
      [105, "ApplicationNotInstalledError"],
      [200, "PermissionDeniedError"],
      [202, "PermissionDeniedError"],
      [501, "InvalidParameterError"],
      [999, "OtherApiError"]
    ]
    for (const [code, tag] of expected) {
      const error = MailRuError.fromBody(body(code), "friends.get")
      assert.isTrue(Option.isSome(error))
      if (Option.isSome(error)) {
        assert.strictEqual(error.value._tag, tag, `code ${code}`)
        assert.strictEqual(error.value.code, code)
        assert.strictEqual(error.value.api, "mailru")
        assert.strictEqual(error.value.method, "friends.get")
      }
    }
  })

  it("reads string codes, the flat form, and leaves the echoed request out", () => {
    const fromString = MailRuError.fromBody(body("202", "Access to this object is denied"), "photos.get")
    assert.strictEqual(Option.getOrThrow(fromString)._tag, "PermissionDeniedError")
    assert.strictEqual(Option.getOrThrow(fromString).description, "Access to this object is denied")
    const flat = MailRuError.fromBody({ error_code: 104, error_msg: "bad sig" }, "users.getInfo")
    assert.strictEqual(Option.getOrThrow(flat)._tag, "BadSignatureError")
    const echoed = MailRuError.fromBody(
      { error: { error_code: 104, error_msg: "bad sig", request_args: [{ key: "session_key", value: "SECRET" }] } },
      "users.getInfo"
    )
    assert.notInclude(JSON.stringify(Option.getOrThrow(echoed)), "SECRET")
  })

  it("sees no error in results, whatever their shape", () => {
    for (const value of [{}, [], false, 0, "", [{ error: 1 }], { uid: "1" }, { error: "x" }]) {
      assert.isTrue(Option.isNone(MailRuError.fromBody(value, "m")), JSON.stringify(value))
    }
  })

  it("marks which errors a retry can help", () => {
    // 3 asks to try again later, 1 to resubmit (once); 2 (unknown method) and 4 (deprecated) never pass on a retry.
    assert.isTrue(Option.getOrThrow(MailRuError.fromBody(body(3), "m")).retryable)
    assert.isTrue(Option.getOrThrow(MailRuError.fromBody(body(1), "m")).retryable)
    assert.isFalse(Option.getOrThrow(MailRuError.fromBody(body(2), "m")).retryable)
    assert.isFalse(Option.getOrThrow(MailRuError.fromBody(body(4), "m")).retryable)
    assert.isFalse(Option.getOrThrow(MailRuError.fromBody(body(202), "m")).retryable)
  })
})
