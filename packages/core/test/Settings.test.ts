import { Settings as Endpoint } from "@okmail/core"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"

const detail = <A>(result: Either.Either<A, { readonly option: string; readonly detail: string }>) =>
  Either.isLeft(result) ? `${result.left.option}: ${result.left.detail}` : "accepted"

describe("Endpoint", () => {
  it("keeps an absolute HTTP URL without trailing slashes, and names what is wrong with others", () => {
    assert.deepStrictEqual(Endpoint.url("apiUrl", "http://127.0.0.1:8790/fb.do//"), Either.right("http://127.0.0.1:8790/fb.do"))
    assert.strictEqual(detail(Endpoint.url("apiUrl", "/fb.do")), "apiUrl: not an absolute URL")
    assert.strictEqual(detail(Endpoint.url("apiUrl", "ftp://api.ok.ru")), "apiUrl: the scheme ftp: is not HTTP")
    assert.strictEqual(detail(Endpoint.url("apiUrl", "https://api.ok.ru/fb.do?x=1")), "apiUrl: an endpoint URL takes no query or fragment")
    assert.strictEqual(detail(Endpoint.url("tokenUrl", "https://user:pw@api.ok.ru/")), "tokenUrl: an endpoint URL takes no credentials")
  })

  it("accepts POST and GET only, and positive durations only", () => {
    assert.deepStrictEqual(Endpoint.httpMethod("GET"), Either.right("GET"))
    assert.strictEqual(detail(Endpoint.httpMethod("PUT")), "httpMethod: PUT is not POST or GET")
    assert.deepStrictEqual(Endpoint.timeout("5 seconds"), Either.right(Duration.seconds(5)))
    assert.strictEqual(detail(Endpoint.timeout(0)), "timeout: not a positive duration")
    assert.strictEqual(detail(Endpoint.timeout("soon")), "timeout: not a positive duration")
  })

  it("refuses an infinite time limit and one longer than a timer can keep", () => {
    assert.deepStrictEqual(Endpoint.timeout(Duration.millis(2 ** 31 - 1)), Either.right(Duration.millis(2 ** 31 - 1)))
    for (const value of [Infinity, Duration.infinity, "Infinity millis", Duration.millis(2 ** 31), "30 days", 1e300]) {
      assert.match(detail(Endpoint.timeout(value)), /^timeout: /)
      assert.notStrictEqual(detail(Endpoint.timeout(value)), "accepted")
    }
  })

  it("accepts a positive whole number of bytes as the largest body, and merges it over the defaults", () => {
    assert.deepStrictEqual(Endpoint.maxBodyBytes(1024), Either.right(1024))
    for (const value of [0, -1, 1.5, NaN, Infinity, "1024"]) {
      assert.strictEqual(detail(Endpoint.maxBodyBytes(value)), "maxBodyBytes: not a positive whole number of bytes")
    }
    const defaults = { httpMethod: "POST" as const, timeout: Duration.seconds(30) }
    assert.deepStrictEqual(
      Endpoint.merge(defaults, [], { maxBodyBytes: 2048 }),
      Either.right({ ...defaults, maxBodyBytes: 2048 })
    )
    assert.deepStrictEqual(Endpoint.merge(defaults, [], {}), Either.right(defaults))
    assert.strictEqual(
      detail(Endpoint.merge(defaults, [], { maxBodyBytes: 0 })),
      "maxBodyBytes: not a positive whole number of bytes"
    )
    assert.strictEqual(Endpoint.defaultMaxBodyBytes, 16 * 1024 * 1024)
  })
})
