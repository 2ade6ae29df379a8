// The clients of the end-to-end tests: each API's client-server session over the emulator's seeded token.
import { Seed } from "@okmail/emulator"
import { MailRuClient, MailRuSession } from "@okmail/mailru"
import { OkClient, OkSession } from "@okmail/okru"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

export const ok = Layer.provideMerge(
  OkClient.layer,
  OkSession.layerClient({
    applicationKey: Seed.ok.application.key,
    accessToken: Redacted.make(Seed.ok.tokens.long.accessToken),
    sessionSecretKey: Redacted.make(Seed.ok.tokens.long.sessionSecretKey)
  })
)

export const mailru = Layer.provideMerge(
  MailRuClient.layer,
  MailRuSession.layerClient({
    appId: Seed.mailru.application.id,
    privateKey: Redacted.make(Seed.mailru.application.privateKey),
    accessToken: Redacted.make(Seed.mailru.tokens.session.accessToken),
    uid: Seed.mailru.tokens.session.uid
  })
)
