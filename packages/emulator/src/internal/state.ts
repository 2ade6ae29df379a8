// The emulator's mutable world: issued tokens and codes, changed passwords, queued faults and the request log.
// Every mutation happens inside one `Effect.sync`, so fibers never see half a change.
import { createHash } from "node:crypto"
import type { Api, Injection, LogEntry } from "../EmulatorControl.js"
import type { Fault } from "../Fault.js"
import * as Seed from "../Seed.js"

/** The emulator's own MD5, independent of the clients' implementation so that one mistake cannot hide in both. */
export const md5 = (text: string): string => createHash("md5").update(text, "utf8").digest("hex")

export interface AccessGrant {
  readonly api: Api
  readonly appId: string
  readonly uid: string
  readonly scopes: ReadonlyArray<string>
  readonly sessionSecretKey?: string | undefined
  expiresAt: number
  revoked: boolean
}

/** The seconds an access grant has left at `now`, as the token endpoints' `expires_in` says it. */
export const secondsLeft = (grant: AccessGrant, now: number): number => Math.round((grant.expiresAt - now) / 1000)

export interface RefreshGrant {
  readonly api: Api
  readonly appId: string
  readonly uid: string
  readonly scopes: ReadonlyArray<string>
  expiresAt: number
  revoked: boolean
}

export interface CodeGrant {
  readonly api: Api
  readonly appId: string
  readonly uid: string
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
  used: boolean
}

/** A login-page session: the pending authorization and, once logged in, the user. */
export interface PageSession {
  readonly api: Api
  clientId: string
  redirectUri: string
  scopes: ReadonlyArray<string>
  responseType: string
  state: string
  uid?: string | undefined
  formToken: string
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** Lifetimes by the facts: OK access 30 minutes, refresh 30 days; Mail.Ru access 24 hours; codes 2 minutes. */
export const lifetimes = {
  okAccess: 30 * MINUTE,
  okLongAccess: 30 * DAY,
  okRefresh: 30 * DAY,
  mailruAccess: DAY,
  mailruRefresh: 90 * DAY,
  code: 2 * MINUTE
} as const

interface QueuedFault {
  readonly api: Api
  readonly target: string
  readonly fault: Fault
  remaining: number
}

export class World {
  readonly access = new Map<string, AccessGrant>()
  readonly refresh = new Map<string, RefreshGrant>()
  readonly codes = new Map<string, CodeGrant>()
  readonly pageSessions = new Map<string, PageSession>()
  /** Mail.Ru login cookies and the user each belongs to. */
  readonly logins = new Map<string, string>()
  /** Mail.Ru permission forms shown, by their form signature, and the scopes they ask for. */
  readonly pendingScopes = new Map<string, string>()
  readonly passwords = new Map<string, string>()
  readonly log: Array<LogEntry> = []
  readonly topics: Array<{ readonly id: string; readonly uid: string; readonly attachment: unknown }> = []
  readonly guestbook: Array<{ readonly id: string; readonly uid: string; readonly author: string }> = []
  private faults: Array<QueuedFault> = []
  private counter = 0

  constructor(readonly startedAt: number) {
    const ok = Seed.ok
    this.access.set(ok.tokens.long.accessToken, {
      api: "ok",
      appId: ok.application.id,
      uid: ok.tokens.long.uid,
      scopes: ["VALUABLE_ACCESS", "LONG_ACCESS_TOKEN", "GROUP_CONTENT", "PHOTO_CONTENT"],
      sessionSecretKey: ok.tokens.long.sessionSecretKey,
      expiresAt: startedAt + lifetimes.okLongAccess,
      revoked: false
    })
    this.refresh.set(ok.tokens.refresh.refreshToken, {
      api: "ok",
      appId: ok.application.id,
      uid: ok.tokens.refresh.uid,
      scopes: ["VALUABLE_ACCESS", "GROUP_CONTENT", "PHOTO_CONTENT"],
      expiresAt: startedAt + lifetimes.okRefresh,
      revoked: false
    })
    const mr = Seed.mailru
    this.access.set(mr.tokens.session.accessToken, {
      api: "mailru",
      appId: mr.application.id,
      uid: mr.tokens.session.uid,
      scopes: Seed.mailruScopes,
      expiresAt: startedAt + lifetimes.mailruAccess,
      revoked: false
    })
    this.refresh.set(mr.tokens.session.refreshToken, {
      api: "mailru",
      appId: mr.application.id,
      uid: mr.tokens.session.uid,
      scopes: Seed.mailruScopes,
      expiresAt: startedAt + lifetimes.mailruRefresh,
      revoked: false
    })
  }

  /** A fresh secret-looking value, deterministic in the order of issue. */
  nextSecret(kind: string): string {
    this.counter += 1
    return md5(`okmail-emulator/${kind}/${this.counter}`)
  }

  passwordOf(api: Api, login: string, seeded: string): string {
    return this.passwords.get(`${api}:${login}`) ?? seeded
  }

  setPassword(api: Api, login: string, password: string): void {
    this.passwords.set(`${api}:${login}`, password)
  }

  record(entry: LogEntry): void {
    this.log.push(entry)
  }

  inject(injection: Injection): void {
    this.faults.push({
      api: injection.api,
      target: injection.target,
      fault: injection.fault,
      remaining: Math.max(1, Math.floor(injection.times ?? 1))
    })
  }

  clearFaults(): void {
    this.faults = []
  }

  /** Takes the first fault queued for this request, if any. */
  takeFault(api: Api, targets: ReadonlyArray<string>): Fault | undefined {
    const queued = this.faults.find((f) => f.api === api && (f.target === "*" || targets.includes(f.target)))
    if (queued === undefined) return undefined
    queued.remaining -= 1
    if (queued.remaining <= 0) this.faults = this.faults.filter((f) => f !== queued)
    return queued.fault
  }

  issueAccess(
    api: Api,
    appId: string,
    uid: string,
    scopes: ReadonlyArray<string>,
    now: number
  ): { readonly accessToken: string; readonly grant: AccessGrant } {
    const longLived = api === "ok" && scopes.includes("LONG_ACCESS_TOKEN")
    const prefix = api === "ok" ? "-s-" : ""
    const accessToken = `${prefix}${this.nextSecret(`${api}/access`)}`
    const grant: AccessGrant = {
      api,
      appId,
      uid,
      scopes,
      sessionSecretKey: api === "ok" ? this.nextSecret("ok/session-secret") : undefined,
      expiresAt: now + (api === "ok" ? (longLived ? lifetimes.okLongAccess : lifetimes.okAccess) : lifetimes.mailruAccess),
      revoked: false
    }
    this.access.set(accessToken, grant)
    return { accessToken, grant }
  }

  issueRefresh(api: Api, appId: string, uid: string, scopes: ReadonlyArray<string>, now: number): string {
    const refreshToken = `${api === "ok" ? "-r-" : ""}${this.nextSecret(`${api}/refresh`)}`
    this.refresh.set(refreshToken, {
      api,
      appId,
      uid,
      scopes,
      expiresAt: now + (api === "ok" ? lifetimes.okRefresh : lifetimes.mailruRefresh),
      revoked: false
    })
    return refreshToken
  }

  issueCode(api: Api, appId: string, uid: string, redirectUri: string, scopes: ReadonlyArray<string>, now: number) {
    const code = this.nextSecret(`${api}/code`)
    this.codes.set(code, { api, appId, uid, redirectUri, scopes, expiresAt: now + lifetimes.code, used: false })
    return code
  }

  expire(token: string, now: number): void {
    const grant = this.access.get(token) ?? this.refresh.get(token)
    if (grant !== undefined) grant.expiresAt = Math.min(grant.expiresAt, now)
  }

  revoke(token: string): void {
    const grant = this.access.get(token) ?? this.refresh.get(token)
    if (grant !== undefined) grant.revoked = true
  }
}
