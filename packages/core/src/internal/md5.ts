// A self-contained MD5 (RFC 1321) so that signing needs no runtime-specific crypto module:
// WebCrypto has no MD5, and the library must run wherever Effect runs.

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
  5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
  6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21
]

const K = new Int32Array(64)
for (let i = 0; i < 64; i++) {
  K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0
}

const HEX: Array<string> = []
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16))

const encoder = new TextEncoder()
const words = new Int32Array(16)

const digestBlocks = (bytes: Uint8Array): Int32Array => {
  const length = bytes.length
  const paddedLength = (((length + 8) >>> 6) + 1) << 6
  const padded = new Uint8Array(paddedLength)
  padded.set(bytes)
  padded[length] = 0x80
  const bitLength = length * 8
  const view = new DataView(padded.buffer)
  view.setUint32(paddedLength - 8, bitLength >>> 0, true)
  view.setUint32(paddedLength - 4, Math.floor(bitLength / 0x100000000), true)

  let a0 = 0x67452301
  let b0 = 0xefcdab89 | 0
  let c0 = 0x98badcfe | 0
  let d0 = 0x10325476
  for (let offset = 0; offset < paddedLength; offset += 64) {
    for (let i = 0; i < 16; i++) words[i] = view.getInt32(offset + i * 4, true)
    let a = a0
    let b = b0
    let c = c0
    let d = d0
    for (let i = 0; i < 64; i++) {
      let f: number
      let g: number
      if (i < 16) {
        f = (b & c) | (~b & d)
        g = i
      } else if (i < 32) {
        f = (d & b) | (~d & c)
        g = (5 * i + 1) & 15
      } else if (i < 48) {
        f = b ^ c ^ d
        g = (3 * i + 5) & 15
      } else {
        f = c ^ (b | ~d)
        g = (7 * i) & 15
      }
      const sum = (a + f + K[i]! + words[g]!) | 0
      const shift = S[i]!
      a = d
      d = c
      c = b
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0
    }
    a0 = (a0 + a) | 0
    b0 = (b0 + b) | 0
    c0 = (c0 + c) | 0
    d0 = (d0 + d) | 0
  }
  return Int32Array.of(a0, b0, c0, d0)
}

/** MD5 of the UTF-8 encoding of `input`, as 32 lower-case hex digits. */
export const md5Hex = (input: string): string => {
  const state = digestBlocks(encoder.encode(input))
  let out = ""
  for (let i = 0; i < 4; i++) {
    const word = state[i]!
    out += HEX[word & 0xff]! + HEX[(word >>> 8) & 0xff]! + HEX[(word >>> 16) & 0xff]! + HEX[(word >>> 24) & 0xff]!
  }
  return out
}
