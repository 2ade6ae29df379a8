import { ApiError, AuthError, ConfigurationError, TransportError } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

const fields = { api: "ok" as const, code: 102, description: "PARAM_SESSION_EXPIRED : Session expired", method: "m" }

describe("errors", () => {
  it("builds each API error class by name, says whether a retry can help, and reads well", () => {
    const retryable: Record<ApiError.ErrorClass, boolean> = {
      SessionExpiredError: false,
      InvalidSessionError: false,
      BadSignatureError: false,
      PermissionDeniedError: false,
      RateLimitedError: true,
      ServiceUnavailableError: true,
      InvalidParameterError: false,
      UnknownMethodError: false,
      TransientApiError: true,
      MethodDeprecatedError: false,
      ApplicationNotFoundError: false,
      ApplicationNotInstalledError: false,
      OtherApiError: false
    }
    for (const [tag, expected] of Object.entries(retryable) as Array<[ApiError.ErrorClass, boolean]>) {
      const error = ApiError.make(tag, fields)
      assert.strictEqual(error._tag, tag)
      assert.strictEqual(error.retryable, expected)
      assert.isTrue(ApiError.isApiError(error))
      assert.match(error.message, /^\[ok\] .* \(error 102 in m\): PARAM_SESSION_EXPIRED : Session expired$/)
    }
    assert.isFalse(ApiError.isApiError(new Error("x")))
  })

  it.effect("is recoverable by tag", () =>
    Effect.gen(function*() {
      const recovered = yield* Effect.fail(ApiError.make("RateLimitedError", { ...fields, code: 8 })).pipe(
        Effect.catchTag("RateLimitedError", (error) => Effect.succeed(`waited after ${error.code}`))
      )
      assert.strictEqual(recovered, "waited after 8")
    }))

  it("encodes each error through its union schema", () => {
    const auth = new AuthError.OAuthError({ api: "mailru", error: "invalid_grant", status: 400, endpoint: "token" })
    assert.strictEqual(Schema.is(AuthError.AuthError)(auth), true)
    assert.include(auth.message, "[mailru] OAuth token answered invalid_grant")
    const status = new TransportError.StatusError({ method: "m", url: "https://h/p", status: 502 })
    assert.isTrue(status.retryable)
    assert.isFalse(new TransportError.StatusError({ method: "m", url: "u", status: 404 }).retryable)
    assert.isTrue(Schema.is(TransportError.TransportError)(status))
    const config = new ConfigurationError.ConfigurationError({ option: "sessionSecretKey", detail: "empty" })
    assert.strictEqual(config.message, "Invalid configuration of sessionSecretKey: empty")
  })
})
