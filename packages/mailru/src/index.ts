/**
 * @since 0.1.0
 */
export * as MailRuAuth from "./MailRuAuth.js"
/**
 * @since 0.1.0
 */
export * as MailRuClient from "./MailRuClient.js"
/**
 * @since 0.1.0
 */
export * as MailRuConfig from "./MailRuConfig.js"
/**
 * @since 0.1.0
 */
export * as MailRuError from "./MailRuError.js"
/**
 * @since 0.1.0
 */
export * as MailRuSchema from "./MailRuSchema.js"
/**
 * @since 0.1.0
 */
export * as MailRuSession from "./MailRuSession.js"
/**
 * @since 0.1.0
 */
export * as MailRuSigner from "./MailRuSigner.js"
