/**
 * A URL safe to put in an error, a log line or a span: scheme, host and path only. Query strings and fragments
 * are where tokens and signatures travel, so they never leave this function.
 */
export const redactUrl = (url: string | URL): string => {
  try {
    const parsed = typeof url === "string" ? new URL(url) : url
    return `${parsed.origin}${parsed.pathname}`
  } catch {
    const text = String(url)
    const cut = text.search(/[?#]/)
    return cut === -1 ? text : text.slice(0, cut)
  }
}
