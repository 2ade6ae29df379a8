/**
 * The schemas of the typed Mail.Ru methods: their parameters and their results. User ids are strings everywhere:
 * they exceed 2^53 and a JavaScript number would round them.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * A Mail.Ru user id: a 64-bit unsigned number, written in decimal as a string.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Uid = Schema.String.pipe(
  Schema.pattern(/^\d{1,20}$/, { message: () => "a uid is a string of decimal digits (never a JavaScript number)" })
)

// Results keep the fields the schema does not name, so that the typed result loses nothing of the answer.
const rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const Flag = Schema.Union(Schema.Number, Schema.String, Schema.Boolean)

/**
 * A user's place: country, region and city, each with its id and name.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Location = Schema.Struct(
  {
    country: Schema.optional(Schema.Struct({ id: Schema.optional(Schema.String), name: Schema.optional(Schema.String) })),
    region: Schema.optional(Schema.Struct({ id: Schema.optional(Schema.String), name: Schema.optional(Schema.String) })),
    city: Schema.optional(Schema.Struct({ id: Schema.optional(Schema.String), name: Schema.optional(Schema.String) }))
  },
  rest
)

/**
 * A user as `users.getInfo` (and the extended friend lists) describe one.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const User = Schema.Struct(
  {
    uid: Schema.String,
    first_name: Schema.optional(Schema.String),
    last_name: Schema.optional(Schema.String),
    nick: Schema.optional(Schema.String),
    email: Schema.optional(Schema.String),
    sex: Schema.optional(Flag),
    birthday: Schema.optional(Schema.String),
    link: Schema.optional(Schema.String),
    pic: Schema.optional(Schema.String),
    pic_small: Schema.optional(Schema.String),
    pic_big: Schema.optional(Schema.String),
    has_pic: Schema.optional(Flag),
    is_online: Schema.optional(Flag),
    is_friend: Schema.optional(Flag),
    friends_count: Schema.optional(Schema.Number),
    app_installed: Schema.optional(Flag),
    location: Schema.optional(Location)
  },
  rest
)

/**
 * A user as `users.getInfo` (and the extended friend lists) describe one.
 *
 * @since 0.1.0
 * @category Models
 */
export interface User extends Schema.Schema.Type<typeof User> {}

/**
 * A photo album as `photos.getAlbums` describes one.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Album = Schema.Struct(
  {
    aid: Schema.String,
    title: Schema.optional(Schema.String),
    description: Schema.optional(Schema.String),
    owner: Schema.optional(Schema.String),
    size: Schema.optional(Schema.Number),
    created: Schema.optional(Schema.Number),
    updated: Schema.optional(Schema.Number),
    privacy: Schema.optional(Flag),
    cover_pid: Schema.optional(Schema.String),
    cover_url: Schema.optional(Schema.String),
    link: Schema.optional(Schema.String)
  },
  rest
)

/**
 * A photo album as `photos.getAlbums` describes one.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Album extends Schema.Schema.Type<typeof Album> {}

/**
 * An event of a user's stream as `stream.get` describes one.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StreamEntry = Schema.Struct(
  {
    id: Schema.optional(Schema.String),
    type: Schema.optional(Schema.String),
    type_name: Schema.optional(Schema.String),
    time: Schema.optional(Schema.Number),
    huid: Schema.optional(Schema.String),
    text: Schema.optional(Schema.String),
    user_text: Schema.optional(Schema.String),
    authors: Schema.optional(Schema.Array(User))
  },
  rest
)

/**
 * An event of a user's stream as `stream.get` describes one.
 *
 * @since 0.1.0
 * @category Models
 */
export interface StreamEntry extends Schema.Schema.Type<typeof StreamEntry> {}

/**
 * What `guestbook.post` answers: the id of the new post, or a bare success flag.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const GuestbookPostResult = Schema.Union(
  Schema.Struct({ post_id: Schema.Union(Schema.String, Schema.Number) }, rest),
  Schema.Boolean,
  Schema.Number,
  Schema.String
)

/**
 * What `guestbook.post` answers: the id of the new post, or a bare success flag.
 *
 * @since 0.1.0
 * @category Models
 */
export type GuestbookPostResult = Schema.Schema.Type<typeof GuestbookPostResult>

/**
 * The parameters of `users.getInfo`: the users to describe (the session's user when none are named).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const UsersGetInfoParams = Schema.Struct({ uids: Schema.optional(Schema.Array(Uid)) })

/**
 * The parameters of `users.getInfo`.
 *
 * @since 0.1.0
 * @category Models
 */
export type UsersGetInfoParams = Schema.Schema.Type<typeof UsersGetInfoParams>

/**
 * The parameters of `friends.get` and `friends.getAppUsers`: nothing beyond the session.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const FriendsParams = Schema.Struct({}).pipe(
  // An empty struct accepts any object whatever `onExcessProperty` says: refuse other keys here, or `ext=1` would
  // reach the server and come back as objects where uids were expected.
  Schema.filter((params: Readonly<Record<string, unknown>>) => {
    const key = Object.keys(params).find((name) => params[name] !== undefined)
    return key === undefined || { path: [key], message: "is unexpected: the method takes no parameters" }
  })
)

/**
 * The parameters of `friends.get` and `friends.getAppUsers`.
 *
 * @since 0.1.0
 * @category Models
 */
export type FriendsParams = Schema.Schema.Type<typeof FriendsParams>

/**
 * The parameters of `stream.get`: whose stream (the session's user when none), how many events, and which to
 * skip.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StreamGetParams = Schema.Struct({
  uid: Schema.optional(Uid),
  limit: Schema.optional(Schema.Int.pipe(Schema.between(1, 100))),
  skip: Schema.optional(Schema.String)
})

/**
 * The parameters of `stream.get`.
 *
 * @since 0.1.0
 * @category Models
 */
export type StreamGetParams = Schema.Schema.Type<typeof StreamGetParams>

/**
 * The parameters of `photos.getAlbums`: whose albums (the session's user when none), and which.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PhotosGetAlbumsParams = Schema.Struct({
  uid: Schema.optional(Uid),
  aids: Schema.optional(Schema.Array(Schema.String))
})

/**
 * The parameters of `photos.getAlbums`.
 *
 * @since 0.1.0
 * @category Models
 */
export type PhotosGetAlbumsParams = Schema.Schema.Type<typeof PhotosGetAlbumsParams>

/**
 * The parameters of `guestbook.post`: whose guestbook, the text, and optionally a title, a description, a link
 * and a picture.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const GuestbookPostParams = Schema.Struct({
  uid: Uid,
  text: Schema.String.pipe(Schema.minLength(1)),
  title: Schema.optional(Schema.String),
  description: Schema.optional(Schema.String),
  link: Schema.optional(Schema.String),
  img_url: Schema.optional(Schema.String)
})

/**
 * The parameters of `guestbook.post`.
 *
 * @since 0.1.0
 * @category Models
 */
export type GuestbookPostParams = Schema.Schema.Type<typeof GuestbookPostParams>
