/**
 * MD5 as both APIs use it for signatures: over the UTF-8 bytes, written as lower-case hex.
 *
 * @since 0.1.0
 */
import * as internal from "./internal/md5.js"

/**
 * The MD5 digest of the UTF-8 encoding of `input`, as 32 lower-case hex digits.
 *
 * @since 0.1.0
 * @category Hashing
 */
export const hex: (input: string) => string = internal.md5Hex
