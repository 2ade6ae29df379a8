/**
 * @since 0.1.0
 */
export * as OkAuth from "./OkAuth.js"
/**
 * @since 0.1.0
 */
export * as OkClient from "./OkClient.js"
/**
 * @since 0.1.0
 */
export * as OkConfig from "./OkConfig.js"
/**
 * @since 0.1.0
 */
export * as OkError from "./OkError.js"
/**
 * @since 0.1.0
 */
export * as OkSchema from "./OkSchema.js"
/**
 * @since 0.1.0
 */
export * as OkSession from "./OkSession.js"
/**
 * @since 0.1.0
 */
export * as OkSigner from "./OkSigner.js"
