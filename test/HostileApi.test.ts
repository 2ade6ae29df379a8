// Servers that misbehave, on loopback: a body without end, a redirect to another origin, ids beyond 2^53, a body
// that is not JSON but holds a secret, a token that "expires" in 300 000 years. Each ends in a typed failure or the
// exact result, checked with both HTTP clients where the client matters, along with what reached each server.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { type ConfigurationError, RetryPolicy, Token } from "@okmail/core"
import { MailRuAuth, MailRuConfig } from "@okmail/mailru"
import { OkClient, OkConfig, OkSession } from "@okmail/okru"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** A request as the server saw it. */
interface Seen {
  readonly method: string
  readonly path: string
  readonly body: string
}

interface Server {
  readonly url: string
  /** Every request the server received, in order. */
  readonly seen: Array<Seen>
}

/** A server on a free loopback port for the scope, answering every request with `answer` once its body is in. */
const serve = (
  answer: (res: ServerResponse, req: IncomingMessage) => void
): Effect.Effect<Server, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: ReturnType<typeof createServer>; readonly state: Server }>((resume) => {
      const seen: Array<Seen> = []
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          seen.push({ method: req.method ?? "", path: req.url ?? "", body: Buffer.concat(chunks).toString() })
          answer(res, req)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ server, state: { url: `http://127.0.0.1:${port}`, seen } }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ state }) => state))

const json = (body: string, status = 200) => (res: ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(body)
}

/** Sends a JSON array that never ends; `hungUp` completes when the client closes the connection. */
const endless = (hungUp: Deferred.Deferred<void>) => (res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" })
  res.on("close", () => Deferred.unsafeDone(hungUp, Effect.void))
  const chunk = Buffer.from("0,".repeat(32 * 1024))
  const pump = () => {
    while (!res.destroyed && res.write(chunk)) {
      // keep writing while the socket takes it
    }
    if (!res.destroyed) res.once("drain", pump)
  }
  res.write("[")
  pump()
}

const httpClients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici]
]

/** The OK client over a given token, its API at `apiUrl`, with `options` merged into its config. */
const okClient = (apiUrl: string, options: Record<string, unknown> = {}) => {
  const config: OkConfig.Options = { apiUrl, ...options }
  return OkClient.layer.pipe(
    Layer.provide(OkConfig.layer(config)),
    Layer.provideMerge(
      OkSession.layerClient({
        applicationKey: "CBAFKEYGDIHBABABA",
        accessToken: Redacted.make("access-TOKEN-secret"),
        sessionSecretKey: Redacted.make("session-SECRET")
      })
    )
  )
}

/** Calls `users.getCurrentUser` with the OK client over the API at `apiUrl`, with the default retry policy. */
const okCall = (apiUrl: string, options: Record<string, unknown> = {}) =>
  Effect.flatMap(OkClient.OkClient, (client) => client.call("users.getCurrentUser")).pipe(
    Effect.provide(okClient(apiUrl, options))
  )

/** Mail.Ru's authorization-code grant against a token endpoint at `codeTokenUrl`. */
const mailruGrant = (codeTokenUrl: string) =>
  Effect.flatMap(
    Effect.orDie(MailRuConfig.make({ codeTokenUrl })),
    (config) =>
      MailRuAuth.authorizationCode({
        appId: "720000",
        secretKey: Redacted.make("app-SECRET"),
        code: Redacted.make("code-SECRET"),
        redirectUri: "http://localhost/back"
      }).pipe(Effect.provideService(MailRuConfig.MailRuConfig, config))
  )

for (const [name, httpClient] of httpClients) {
  describe(`a hostile API, over ${name}`, () => {
    it.scoped("stops reading a body past the configured limit: a ResponseTooLargeError, never retried", () =>
      Effect.gen(function*() {
        const hungUp = yield* Deferred.make<void>()
        const api = yield* serve(endless(hungUp))
        const error = yield* Effect.flip(okCall(`${api.url}/fb.do`, { maxBodyBytes: 64 * 1024 }))
        assert.strictEqual(error._tag, "ResponseTooLargeError")
        if (error._tag === "ResponseTooLargeError") {
          assert.strictEqual(error.maxBytes, 64 * 1024)
          assert.isFalse(error.retryable)
          assert.strictEqual(error.url, `${api.url}/fb.do`)
          assert.notInclude(error.message, "0,0")
        }
        // The client hung up on a body that never ends: it did not read on.
        yield* Deferred.await(hungUp)
        assert.strictEqual(api.seen.length, 1)
      }).pipe(Effect.provide(httpClient)))

    it.scoped("reads a body of exactly the limit, and fails on one byte more", () =>
      Effect.gen(function*() {
        const body = JSON.stringify({ uid: "1", pad: "x".repeat(1000) })
        const fits = yield* serve(json(body))
        const result = yield* okCall(`${fits.url}/fb.do`, { maxBodyBytes: body.length })
        assert.deepStrictEqual(result, JSON.parse(body))
        const over = yield* serve(json(`${body} `))
        const error = yield* Effect.flip(okCall(`${over.url}/fb.do`, { maxBodyBytes: body.length }))
        assert.strictEqual(error._tag, "ResponseTooLargeError")
        assert.strictEqual(over.seen.length, 1)
      }).pipe(Effect.provide(httpClient)))

    it.scoped("holds API calls to 16 MiB when no limit is configured", () =>
      Effect.gen(function*() {
        const api = yield* serve(json(`[${"0,".repeat(8 * 1024 * 1024 + 10)}0]`))
        const error = yield* Effect.flip(okCall(`${api.url}/fb.do`))
        assert.strictEqual(error._tag, "ResponseTooLargeError")
        assert.strictEqual(error._tag === "ResponseTooLargeError" && error.maxBytes, 16 * 1024 * 1024)
        assert.strictEqual(api.seen.length, 1)
      }).pipe(Effect.provide(httpClient)))

    it.scoped("holds token answers to 16 MiB, and stops reading there", () =>
      Effect.gen(function*() {
        const hungUp = yield* Deferred.make<void>()
        const oauth = yield* serve(endless(hungUp))
        const error = yield* Effect.flip(mailruGrant(`${oauth.url}/oauth/token`))
        assert.strictEqual(error._tag, "ResponseTooLargeError")
        assert.isFalse("retryable" in error && error.retryable)
        yield* Deferred.await(hungUp)
        assert.strictEqual(oauth.seen.length, 1)
      }).pipe(Effect.provide(httpClient)))

    for (const status of [301, 302, 303, 307, 308]) {
      it.scoped(`refuses an HTTP ${status} redirect of an API call: the other origin receives nothing`, () =>
        Effect.gen(function*() {
          const elsewhere = yield* serve(json("{\"uid\":\"from elsewhere\"}"))
          const api = yield* serve((res) => {
            res.writeHead(status, {
              location: `${elsewhere.url}/steal?access_token=LEAKED#fragment-LEAKED`,
              "content-type": "application/json"
            })
            res.end("{\"uid\":\"from the redirect itself\"}")
          })
          const error = yield* Effect.flip(okCall(`${api.url}/fb.do`))
          assert.strictEqual(error._tag, "StatusError")
          if (error._tag === "StatusError") {
            assert.strictEqual(error.status, status)
            assert.isFalse(error.retryable)
            assert.include(error.message, "redirect")
            assert.include(error.message, `${elsewhere.url}/steal`)
            assert.notInclude(error.message, "LEAKED")
            assert.notInclude(JSON.stringify(error), "LEAKED")
          }
          assert.strictEqual(elsewhere.seen.length, 0)
          assert.strictEqual(api.seen.length, 1)
          assert.include(api.seen[0]!.body, "access_token=access-TOKEN-secret")
        }).pipe(Effect.provide(httpClient)))
    }

    it.scoped("refuses a redirect of a token request: the code and secret go nowhere else", () =>
      Effect.gen(function*() {
        const elsewhere = yield* serve(json("{\"access_token\":\"from elsewhere\"}"))
        const oauth = yield* serve((res) => {
          res.writeHead(307, { location: `${elsewhere.url}/oauth/token?x=LEAKED` })
          res.end()
        })
        const error = yield* Effect.flip(mailruGrant(`${oauth.url}/oauth/token`))
        assert.strictEqual(error._tag, "StatusError")
        assert.include(error.message, "redirect")
        assert.notInclude(error.message, "LEAKED")
        assert.strictEqual(elsewhere.seen.length, 0)
        assert.strictEqual(oauth.seen.length, 1)
      }).pipe(Effect.provide(httpClient)))
  })
}

describe("a hostile API's values", () => {
  it.scoped("keeps the digits of integers beyond 2^53 in results", () =>
    Effect.gen(function*() {
      const api = yield* serve(
        json("{\"uid\":12345678901234567890123,\"ids\":[-98765432109876543210,5],\"f\":1.5,\"s\":\"9007199254740993\"}")
      )
      const result = yield* okCall(`${api.url}/fb.do`)
      assert.deepStrictEqual(result, {
        uid: "12345678901234567890123",
        ids: ["-98765432109876543210", 5],
        f: 1.5,
        s: "9007199254740993"
      })
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("reads a 20-digit x_mailru_vid into the exact user id", () =>
    Effect.gen(function*() {
      const oauth = yield* serve(
        json("{\"access_token\":\"AT\",\"expires_in\":86400,\"x_mailru_vid\":18446744073709551615}")
      )
      const token = yield* mailruGrant(`${oauth.url}/oauth/token`)
      assert.strictEqual(token.userId, "18446744073709551615")
      assert.strictEqual(Redacted.value(token.accessToken), "AT")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("describes a body that is not JSON without quoting the secret in it", () =>
    Effect.gen(function*() {
      const api = yield* serve((res) => {
        res.writeHead(200, { "content-type": "text/plain" })
        res.end("access_token=SECRET-TOKEN-42&session_secret_key=SECRET-KEY-43")
      })
      const error = yield* Effect.flip(
        okCall(`${api.url}/fb.do`).pipe(Effect.provideService(RetryPolicy.CurrentRetryPolicy, RetryPolicy.none))
      )
      assert.strictEqual(error._tag, "NotJsonError")
      assert.include(error.message, "text/plain")
      assert.include(error.message, "61 characters, starting with a letter")
      assert.notInclude(error.message, "SECRET")
      assert.notInclude(JSON.stringify(error), "SECRET")
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it.scoped("takes an expires_in past ten years at ten years, and the token stays usable", () =>
    Effect.gen(function*() {
      const oauth = yield* serve(json("{\"access_token\":\"AT\",\"expires_in\":10000000000000,\"x_mailru_vid\":1}"))
      const token = yield* mailruGrant(`${oauth.url}/oauth/token`)
      // The TestClock stands at 1970-01-01: ten years (3652 days) later.
      assert.strictEqual(DateTime.formatIso(token.expiresAt!), "1980-01-01T00:00:00.000Z")
      assert.isFalse(Token.expiresWithin(token, DateTime.unsafeMake(0), "5 minutes"))
      const stored = yield* Token.encodeStorage(token)
      assert.include(stored, "1980-01-01T00:00:00.000Z")

      const beyond = yield* serve(json("{\"access_token\":\"AT\",\"expires_in\":1e400}"))
      const never = yield* mailruGrant(`${beyond.url}/oauth/token`)
      assert.isUndefined(never.expiresAt)
    }).pipe(Effect.provide(FetchHttpClient.layer)))

  it("refuses an infinite time limit, or one longer than a timer can keep, in either API's config", () => {
    const timeouts: ReadonlyArray<Duration.DurationInput> = [
      Infinity,
      Duration.infinity,
      "30 days",
      Duration.millis(2 ** 31)
    ]
    for (const timeout of timeouts) {
      const refusal = (result: Either.Either<unknown, ConfigurationError.ConfigurationError>) =>
        Either.isLeft(result) ? `${result.left._tag} of ${result.left.option}` : "accepted"
      assert.strictEqual(refusal(OkConfig.make({ timeout })), "ConfigurationError of timeout")
      assert.strictEqual(refusal(MailRuConfig.make({ timeout })), "ConfigurationError of timeout")
    }
    assert.isTrue(Either.isRight(OkConfig.make({ timeout: "24 days" })))
  })
})
