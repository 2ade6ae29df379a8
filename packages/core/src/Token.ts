/**
 * A session's credentials: the access token and whatever the flow that made it gave along with it.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * An access token with its refresh token, session secret key, user id, expiry and scopes, where the flow gave
 * them. Every secret is `Redacted`: printing, logging or `JSON.stringify` of a token shows none of them.
 *
 * @since 0.1.0
 * @category Models
 */
export class Token extends Schema.Class<Token>("@okmail/core/Token")({
  accessToken: Schema.Redacted(Schema.String),
  refreshToken: Schema.optional(Schema.Redacted(Schema.String)),
  sessionSecretKey: Schema.optional(Schema.Redacted(Schema.String)),
  userId: Schema.optional(Schema.String),
  expiresAt: Schema.optional(Schema.DateTimeUtc),
  scopes: Schema.optional(Schema.Array(Schema.String)),
  tokenType: Schema.optional(Schema.String)
}) {}

/**
 * The storage form of a token: one JSON document with the secrets in the clear, for a token store to write.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageJson: Schema.Schema<Token, string> = Schema.parseJson(Token)

/**
 * Writes a token in its storage form.
 *
 * @since 0.1.0
 * @category Encoding
 */
export const encodeStorage = Schema.encode(StorageJson)

/**
 * Reads a token from its storage form.
 *
 * @since 0.1.0
 * @category Encoding
 */
export const decodeStorage = Schema.decode(StorageJson)

/**
 * The longest lifetime a token is given: ten years. A server that answers more is taken at ten years, so that a
 * hostile `expires_in` cannot push an expiry past the dates a `DateTime` can hold.
 *
 * @since 0.1.0
 * @category Defaults
 */
export const maxLifetime: Duration.Duration = Duration.days(3652)

/**
 * The instant a token given `expiresIn` seconds at `now` expires, with `expiresIn` held within zero and
 * `maxLifetime` (a negative count or `NaN` is zero: the token has expired). It never throws.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const expiresAtFrom = (now: DateTime.Utc, expiresIn: number): DateTime.Utc => {
  const seconds = Number.isNaN(expiresIn) ? 0 : Math.min(Math.max(expiresIn, 0), Duration.toSeconds(maxLifetime))
  return DateTime.add(now, { seconds })
}

/**
 * Whether the token expires within `margin` of `now` (or already has). A token without an expiry never does.
 *
 * @since 0.1.0
 * @category Predicates
 */
export const expiresWithin = (token: Token, now: DateTime.Utc, margin: Duration.DurationInput): boolean =>
  Option.match(Option.fromNullable(token.expiresAt), {
    onNone: () => false,
    onSome: (expiresAt) =>
      DateTime.toEpochMillis(expiresAt) - DateTime.toEpochMillis(now) <= Duration.toMillis(margin)
  })
