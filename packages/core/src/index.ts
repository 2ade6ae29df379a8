/**
 * @since 0.1.0
 */
export * as ApiError from "./ApiError.js"
/**
 * @since 0.1.0
 */
export * as AuthError from "./AuthError.js"
/**
 * @since 0.1.0
 */
export * as ConfigurationError from "./ConfigurationError.js"
/**
 * @since 0.1.0
 */
export * as HtmlForm from "./HtmlForm.js"
/**
 * @since 0.1.0
 */
export * as LoginBrowser from "./LoginBrowser.js"
/**
 * @since 0.1.0
 */
export * as Md5 from "./Md5.js"
/**
 * @since 0.1.0
 */
export * as Params from "./Params.js"
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
export * as TokenStore from "./TokenStore.js"
/**
 * @since 0.1.0
 */
export * as TransportError from "./TransportError.js"
/**
 * @since 0.1.0
 */
export * as ApiHttp from "./ApiHttp.js"
/**
 * @since 0.1.0
 */
export * as ApiProxy from "./ApiProxy.js"
/**
 * @since 0.1.0
 */
export * as OAuth from "./OAuth.js"
/**
 * @since 0.1.0
 */
export * as TokenRefresh from "./TokenRefresh.js"
/**
 * @since 0.1.0
 */
export * as ResultError from "./ResultError.js"
/**
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"
/**
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"
/**
 * @since 0.1.0
 */
export * as ApiCall from "./ApiCall.js"
/**
 * @since 0.1.0
 */
export * as Endpoint from "./Endpoint.js"
/**
 * @since 0.1.0
 */
export * as Batch from "./Batch.js"
/**
 * @since 0.1.0
 */
export * as TimeLimit from "./TimeLimit.js"
