/**
 * @since 0.1.0
 */
export * as ApiError from "./ApiError.js"
/**
 * @since 0.1.0
 */
export * as Auth from "./Auth.js"
/**
 * @since 0.1.0
 */
export * as AuthError from "./AuthError.js"
/**
 * @since 0.1.0
 */
export * as Client from "./Client.js"
/**
 * @since 0.1.0
 */
export * as ConfigurationError from "./ConfigurationError.js"
/**
 * @since 0.1.0
 */
export * as Params from "./Params.js"
/**
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"
/**
 * @since 0.1.0
 */
export * as ResultError from "./ResultError.js"
/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"
/**
 * @since 0.1.0
 */
export * as Session from "./Session.js"
/**
 * @since 0.1.0
 */
export * as Settings from "./Settings.js"
/**
 * @since 0.1.0
 */
export * as Signer from "./Signer.js"
/**
 * @since 0.1.0
 */
export * as Token from "./Token.js"
/**
 * @since 0.1.0
 */
export * as TokenRefresh from "./TokenRefresh.js"
/**
 * @since 0.1.0
 */
export * as TokenStore from "./TokenStore.js"
/**
 * @since 0.1.0
 */
export * as TransportError from "./TransportError.js"
