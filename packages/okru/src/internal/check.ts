import { ConfigurationError } from "@okmail/core/ConfigurationError"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/** Fails unless the option is a non-empty string. */
export const requireNonEmpty = (option: string, value: string | undefined): Effect.Effect<string, ConfigurationError> =>
  typeof value === "string" && value.trim() !== ""
    ? Effect.succeed(value)
    : Effect.fail(new ConfigurationError({ option, detail: "must be a non-empty string" }))

/** The raw value of a secret option, which must be non-empty; the error names the option, never the value. */
export const requireSecret = (
  option: string,
  value: Redacted.Redacted<string> | undefined
): Effect.Effect<string, ConfigurationError> => {
  if (value === undefined || !Redacted.isRedacted(value)) {
    return Effect.fail(new ConfigurationError({ option, detail: "must be given as a Redacted string" }))
  }
  const raw = Redacted.value(value)
  return typeof raw === "string" && raw !== ""
    ? Effect.succeed(raw)
    : Effect.fail(new ConfigurationError({ option, detail: "must be a non-empty secret" }))
}

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

/** A URL as errors may show it: origin and path, without the query or fragment where secrets travel. */
export const pagePath = (url: URL): string => `${url.origin}${url.pathname}`
