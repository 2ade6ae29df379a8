import { ConfigurationError } from "@okmail/core/ConfigurationError"
import * as Effect from "effect/Effect"

/** Fails unless the option is an absolute http(s) URL. */
export const requireUrl = (option: string, value: string | undefined): Effect.Effect<URL, ConfigurationError> => {
  try {
    const url = new URL(value ?? "")
    if (url.protocol === "http:" || url.protocol === "https:") return Effect.succeed(url)
  } catch {
    // reported below
  }
  return Effect.fail(new ConfigurationError({ option, detail: "must be an absolute http(s) URL" }))
}
