/**
 * Schemas of the parameters and results of the OK.ru methods the client types. Parameters use the wire names;
 * ids are strings; fields a schema does not name are kept as they came.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const Fields = Schema.Array(Schema.String)

/**
 * A user as `users.getCurrentUser` and `users.getInfo` describe one; which fields are present depends on the
 * `fields` asked for.
 *
 * @since 0.1.0
 * @category Results
 */
export const User = Schema.Struct(
  {
    uid: Schema.String,
    name: Schema.optional(Schema.String),
    first_name: Schema.optional(Schema.String),
    last_name: Schema.optional(Schema.String),
    gender: Schema.optional(Schema.String),
    birthday: Schema.optional(Schema.String),
    locale: Schema.optional(Schema.String),
    pic_1: Schema.optional(Schema.String),
    pic_2: Schema.optional(Schema.String)
  },
  Rest
)

/**
 * A user.
 *
 * @since 0.1.0
 * @category Results
 */
export type User = typeof User.Type

/**
 * A group as `group.getInfo` describes one.
 *
 * @since 0.1.0
 * @category Results
 */
export const Group = Schema.Struct(
  {
    uid: Schema.String,
    name: Schema.optional(Schema.String),
    description: Schema.optional(Schema.String),
    shortname: Schema.optional(Schema.String),
    members_count: Schema.optional(Schema.Number)
  },
  Rest
)

/**
 * A group.
 *
 * @since 0.1.0
 * @category Results
 */
export type Group = typeof Group.Type

/**
 * A counter of new events (messages, notifications, guests…) as `events.get` returns them.
 *
 * @since 0.1.0
 * @category Results
 */
export const Event = Schema.Struct(
  {
    type: Schema.String,
    number: Schema.Union(Schema.Number, Schema.NumberFromString)
  },
  Rest
)

/**
 * A counter of new events.
 *
 * @since 0.1.0
 * @category Results
 */
export type Event = typeof Event.Type

/**
 * The parameters of `users.getCurrentUser`.
 *
 * @since 0.1.0
 * @category Parameters
 */
export const GetCurrentUserParams = Schema.Struct({
  fields: Schema.optional(Fields)
})

/**
 * The parameters of `users.getInfo`: the users and the fields to return.
 *
 * @since 0.1.0
 * @category Parameters
 */
export const GetInfoParams = Schema.Struct({
  uids: Schema.NonEmptyArray(Schema.NonEmptyString),
  fields: Schema.NonEmptyArray(Schema.NonEmptyString),
  emptyPictures: Schema.optional(Schema.Boolean)
})

/**
 * The parameters of `friends.get`.
 *
 * @since 0.1.0
 * @category Parameters
 */
export const FriendsGetParams = Schema.Struct({
  fid: Schema.optional(Schema.NonEmptyString),
  sort_type: Schema.optional(Schema.String)
})

/**
 * The parameters of `friends.getOnline`.
 *
 * @since 0.1.0
 * @category Parameters
 */
export const FriendsGetOnlineParams = Schema.Struct({
  uid: Schema.optional(Schema.NonEmptyString),
  online: Schema.optional(Schema.String)
})

/**
 * The parameters of `group.getInfo`: the groups and the fields to return.
 *
 * @since 0.1.0
 * @category Parameters
 */
export const GroupGetInfoParams = Schema.Struct({
  uids: Schema.NonEmptyArray(Schema.NonEmptyString),
  fields: Schema.NonEmptyArray(Schema.NonEmptyString)
})

/**
 * The parameters of `events.get`.
 *
 * @since 0.1.0
 * @category Parameters
 */
export const EventsGetParams = Schema.Struct({
  types: Schema.optional(Fields)
})

/**
 * The attachment of a media topic: its media blocks (text, links, photos, polls…).
 *
 * @since 0.1.0
 * @category Parameters
 */
export const Attachment = Schema.Struct(
  { media: Schema.Array(Schema.Struct({ type: Schema.String }, Rest)) },
  Rest
)

/**
 * The parameters of `mediatopic.post`: the attachment is JSON-encoded once, and that one string is signed and
 * sent.
 *
 * @since 0.1.0
 * @category Parameters
 */
export const MediatopicPostParams = Schema.Struct({
  type: Schema.Literal("USER_NOTE", "GROUP_THEME", "USER_STATUS", "CHAT"),
  attachment: Attachment,
  gid: Schema.optional(Schema.NonEmptyString),
  uid: Schema.optional(Schema.NonEmptyString),
  set_status: Schema.optional(Schema.Boolean),
  text_link_preview: Schema.optional(Schema.Boolean)
})

/**
 * A list of ids.
 *
 * @since 0.1.0
 * @category Results
 */
export const Ids = Schema.Array(Schema.String)
