/**
 * The emulator's seeded world: applications with their keys and secrets, users with their passwords, friends,
 * groups, events, stream entries and albums. Every value is fixed, so that a test, an example or a benchmark
 * can name a user or a secret and get the same answer on every run.
 *
 * @since 0.1.0
 */

/**
 * An OK.ru application: its numeric id (`client_id`), public key (`application_key`), secret key and the
 * redirect URIs it has registered.
 *
 * @since 0.1.0
 * @category Models
 */
export interface OkApplication {
  readonly id: string
  readonly key: string
  readonly secretKey: string
  readonly name: string
  readonly redirectUri: string
  readonly redirectUris: ReadonlyArray<string>
}

/**
 * An OK.ru user with the login and password of the login page and `auth.login`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface OkUser {
  readonly uid: string
  readonly login: string
  readonly password: string
  readonly name: string
  readonly first_name: string
  readonly last_name: string
  readonly gender: "male" | "female"
  readonly birthday: string
  readonly locale: string
  readonly location: { readonly city: string; readonly country: string }
  readonly friends: ReadonlyArray<string>
  readonly online: boolean
}

/**
 * An OK.ru group.
 *
 * @since 0.1.0
 * @category Models
 */
export interface OkGroup {
  readonly uid: string
  readonly name: string
  readonly shortname: string
  readonly description: string
  readonly members_count: number
}

/**
 * A Mail.Ru Platform application: its id, the private key that signs client-server calls, the secret key that
 * signs server-server calls and token requests, and whether it is still in development (then only its
 * developers may authorize it).
 *
 * @since 0.1.0
 * @category Models
 */
export interface MailRuApplication {
  readonly id: string
  readonly privateKey: string
  readonly secretKey: string
  readonly name: string
  readonly redirectUri: string
  readonly passwordGrant: boolean
  readonly inDevelopment: boolean
}

/**
 * A Mail.Ru user. Uids are 64-bit numbers and stay strings.
 *
 * @since 0.1.0
 * @category Models
 */
export interface MailRuUser {
  readonly uid: string
  readonly email: string
  readonly password: string
  readonly first_name: string
  readonly last_name: string
  readonly nick: string
  readonly sex: 0 | 1
  readonly birthday: string
  readonly city: string
  readonly friends: ReadonlyArray<string>
  readonly appInstalled: boolean
  readonly online: boolean
  readonly blocked: boolean
}

/**
 * A Mail.Ru photo album.
 *
 * @since 0.1.0
 * @category Models
 */
export interface MailRuAlbum {
  readonly aid: string
  readonly owner: string
  readonly title: string
  readonly description: string
  readonly size: number
  readonly created: number
  readonly privacy: 2 | 4
}

/**
 * An entry of a Mail.Ru user's stream.
 *
 * @since 0.1.0
 * @category Models
 */
export interface MailRuStreamEntry {
  readonly id: string
  readonly author: string
  readonly time: number
  readonly type_name: string
  readonly text: string
}

const okIvan: OkUser = {
  uid: "574635128830",
  login: "ivan.ivanov@ok.example",
  password: "Ivan-Parol-2024",
  name: "Иван Иванов",
  first_name: "Иван",
  last_name: "Иванов",
  gender: "male",
  birthday: "1990-04-12",
  locale: "ru",
  location: { city: "Москва", country: "RUSSIAN_FEDERATION" },
  friends: ["561338470012", "587214003391", "590011224455"],
  online: true
}

const okMaria: OkUser = {
  uid: "561338470012",
  login: "maria.smirnova@ok.example",
  password: "Maria-Parol-2024",
  name: "Мария Смирнова",
  first_name: "Мария",
  last_name: "Смирнова",
  gender: "female",
  birthday: "1992-09-30",
  locale: "ru",
  location: { city: "Санкт-Петербург", country: "RUSSIAN_FEDERATION" },
  friends: ["574635128830", "587214003391"],
  online: true
}

const okPyotr: OkUser = {
  uid: "587214003391",
  login: "pyotr.kuznetsov@ok.example",
  password: "Pyotr-Parol-2024",
  name: "Пётр Кузнецов",
  first_name: "Пётр",
  last_name: "Кузнецов",
  gender: "male",
  birthday: "1985-01-05",
  locale: "ru",
  location: { city: "Казань", country: "RUSSIAN_FEDERATION" },
  friends: ["574635128830", "561338470012"],
  online: false
}

const okAnna: OkUser = {
  uid: "590011224455",
  login: "anna.volkova@ok.example",
  password: "Anna-Parol-2024",
  name: "Анна Волкова",
  first_name: "Анна",
  last_name: "Волкова",
  gender: "female",
  birthday: "1995-07-21",
  locale: "ru",
  location: { city: "Новосибирск", country: "RUSSIAN_FEDERATION" },
  friends: ["574635128830"],
  online: false
}

/**
 * The OK.ru half of the seed. `tokens.long` is a long-lived token (LONG_ACCESS_TOKEN, 30 days) of the first
 * user for the application, with its session secret key; `tokens.refresh` is a refresh token of the same user
 * (30 days).
 *
 * @since 0.1.0
 * @category Seed
 */
export const ok = {
  application: {
    id: "512000384621",
    key: "CBAFJIICABABABABA",
    secretKey: "5D8E7A1F4C3B2A19E8D7C6B5A4F3E2D1",
    name: "okmail demo",
    redirectUri: "https://oauth.mycdn.me/blank.html",
    redirectUris: ["https://oauth.mycdn.me/blank.html", "http://localhost/callback"]
  } satisfies OkApplication,
  users: [okIvan, okMaria, okPyotr, okAnna] as ReadonlyArray<OkUser>,
  groups: [
    {
      uid: "53038939046008",
      name: "Клуб любителей Effect",
      shortname: "effectclub",
      description: "Типизированные эффекты на TypeScript",
      members_count: 1520
    },
    {
      uid: "54120011987766",
      name: "Москва — новости",
      shortname: "msknews",
      description: "Новости города",
      members_count: 250311
    }
  ] as ReadonlyArray<OkGroup>,
  events: [
    { type: "messages", number: 2 },
    { type: "marks", number: 5 },
    { type: "notifications", number: 1 },
    { type: "guests", number: 3 }
  ] as ReadonlyArray<{ readonly type: string; readonly number: number }>,
  tokens: {
    long: {
      uid: okIvan.uid,
      accessToken: "-s-7c1e4a9f2b8d3e6a0f5c9b2d7e4a1f8c3b6d9e2a5f",
      sessionSecretKey: "9b3f0c6d2e8a4f1b7c5d3e9a0f6b2c8d"
    },
    refresh: {
      uid: okIvan.uid,
      refreshToken: "-r-4e2b8f1a7c3d9e5b0a6f2c8d4e1b7a3f9c5d2e8b"
    }
  }
} as const

const mrIvan: MailRuUser = {
  uid: "1324730981306483817",
  email: "ivan@mail.ru",
  password: "Ivan-Mail-2024",
  first_name: "Иван",
  last_name: "Петров",
  nick: "Ваня",
  sex: 0,
  birthday: "12.04.1990",
  city: "Москва",
  friends: ["9223372036854770001", "12882931000412998821", "15000000000000000017"],
  appInstalled: true,
  online: true,
  blocked: false
}

const mrOlga: MailRuUser = {
  uid: "9223372036854770001",
  email: "olga@inbox.ru",
  password: "Olga-Mail-2024",
  first_name: "Ольга",
  last_name: "Соколова",
  nick: "Оля",
  sex: 1,
  birthday: "03.11.1993",
  city: "Екатеринбург",
  friends: ["1324730981306483817"],
  appInstalled: true,
  online: false,
  blocked: false
}

const mrSergey: MailRuUser = {
  uid: "12882931000412998821",
  email: "sergey@bk.ru",
  password: "Sergey-Mail-2024",
  first_name: "Сергей",
  last_name: "Орлов",
  nick: "Серж",
  sex: 0,
  birthday: "20.02.1988",
  city: "Самара",
  friends: ["1324730981306483817"],
  appInstalled: false,
  online: true,
  blocked: false
}

const mrNatalia: MailRuUser = {
  uid: "15000000000000000017",
  email: "natalia@list.ru",
  password: "Natalia-Mail-2024",
  first_name: "Наталья",
  last_name: "Морозова",
  nick: "Ната",
  sex: 1,
  birthday: "08.08.1991",
  city: "Владивосток",
  friends: ["1324730981306483817"],
  appInstalled: false,
  online: false,
  blocked: false
}

const mrBlocked: MailRuUser = {
  uid: "17000000000000000003",
  email: "blocked@mail.ru",
  password: "Blocked-Mail-2024",
  first_name: "Борис",
  last_name: "Заблокированный",
  nick: "Борис",
  sex: 0,
  birthday: "01.01.1980",
  city: "Тверь",
  friends: [],
  appInstalled: false,
  online: false,
  blocked: true
}

/**
 * The Mail.Ru half of the seed. `tokens.session` is a token of the first user for the application (24 hours)
 * with its refresh token; `blocked` is a user whose account is blocked; `applicationInDevelopment` is an
 * application no user but its developers may authorize.
 *
 * @since 0.1.0
 * @category Seed
 */
export const mailru = {
  application: {
    id: "720145",
    privateKey: "7815696ecbf1c96e6894b779456d330e",
    secretKey: "3dad9cbf9baaa0360c0f2ba372d25716",
    name: "okmail demo",
    redirectUri: "http://connect.mail.ru/oauth/success.html",
    passwordGrant: true,
    inDevelopment: false
  } satisfies MailRuApplication,
  applicationInDevelopment: {
    id: "720146",
    privateKey: "1b0e4c7a9d2f5e8b3a6c9f2e5b8d1a4c",
    secretKey: "c4a7d0e3f6b9c2e5a8d1f4b7e0c3a6d9",
    name: "okmail beta",
    redirectUri: "http://connect.mail.ru/oauth/success.html",
    passwordGrant: false,
    inDevelopment: true
  } satisfies MailRuApplication,
  users: [mrIvan, mrOlga, mrSergey, mrNatalia] as ReadonlyArray<MailRuUser>,
  blocked: mrBlocked,
  albums: [
    {
      aid: "5001",
      owner: mrIvan.uid,
      title: "Отпуск на Байкале",
      description: "Лето",
      size: 42,
      created: 1_690_000_000,
      privacy: 2
    },
    { aid: "5002", owner: mrIvan.uid, title: "Кошки", description: "", size: 7, created: 1_700_000_000, privacy: 2 },
    { aid: "6001", owner: mrOlga.uid, title: "Урал", description: "Горы", size: 15, created: 1_695_000_000, privacy: 4 }
  ] as ReadonlyArray<MailRuAlbum>,
  stream: [
    { id: "s-3", author: mrOlga.uid, time: 1_730_000_300, type_name: "Запись в гостевой", text: "Привет, Ваня!" },
    { id: "s-2", author: mrIvan.uid, time: 1_730_000_200, type_name: "Фотографии", text: "Новые фото с Байкала" },
    { id: "s-1", author: mrSergey.uid, time: 1_730_000_100, type_name: "Статус", text: "Еду в Самару" }
  ] as ReadonlyArray<MailRuStreamEntry>,
  tokens: {
    session: {
      uid: mrIvan.uid,
      accessToken: "be6ef89965d58e56dec21acb9b62bdaa",
      refreshToken: "5e1c7a3f9b2d8e4a6c0f1b7d3e9a5c2f"
    }
  }
} as const

/**
 * Mail.Ru scopes granted to the seeded session and offered on the permission page.
 *
 * @since 0.1.0
 * @category Seed
 */
export const mailruScopes: ReadonlyArray<string> = ["photos", "guestbook", "stream", "messages", "events"]
