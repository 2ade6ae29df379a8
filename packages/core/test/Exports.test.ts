import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"

// Specifiers held in variables, so that the type checker does not resolve them: what is tested is what a user's
// bundler or runtime does with the package's exports.
const load = (specifier: string) =>
  Effect.promise(() => import(/* @vite-ignore */ specifier).then(() => "loaded", () => "refused"))

describe("the package's exports", () => {
  it.effect("the public modules load by their names", () =>
    Effect.gen(function*() {
      for (const name of ["Session", "Client", "Auth", "Settings", "TokenStore", "RateLimit", "RetryPolicy"]) {
        assert.strictEqual(yield* load(`@okmail/core/${name}`), "loaded", name)
      }
    }))

  it.effect("internal modules cannot be imported from outside the package", () =>
    Effect.gen(function*() {
      for (const name of ["apiHttp", "loginBrowser", "htmlForm", "oauth", "timeLimit"]) {
        assert.strictEqual(yield* load(`@okmail/core/internal/${name}`), "refused", name)
      }
    }))
})
