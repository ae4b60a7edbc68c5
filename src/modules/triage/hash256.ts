// 256-bit hashes (PDQ) as 64 hex digits outside, eight 32-bit words inside.
// Word 0 holds the first 8 hex digits, so the word order follows the printed order.

export const WORDS_PER_HASH = 8

const HEX64 = /^[0-9a-f]{64}$/i

export function isHash256Hex(text: string): boolean {
  return HEX64.test(text)
}

/** Writes the hash into `target` at word offset `at` (so many hashes can share one array). */
export function writeHash256(hex: string, target: Uint32Array, at: number): void {
  if (!HEX64.test(hex)) throw new Error(`not a 256-bit hex hash: ${JSON.stringify(hex)}`)
  for (let w = 0; w < WORDS_PER_HASH; w++) {
    target[at + w] = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0
  }
}

export function hash256FromHex(hex: string): Uint32Array {
  const words = new Uint32Array(WORDS_PER_HASH)
  writeHash256(hex, words, 0)
  return words
}

export function hexFromHash256(words: Uint32Array, at = 0): string {
  let hex = ''
  for (let w = 0; w < WORDS_PER_HASH; w++) hex += (words[at + w] as number).toString(16).padStart(8, '0')
  return hex
}

export function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) as number
}

/** Hamming distance between the hash at word offset `ai` of `a` and the one at `bi` of `b`. */
export function hammingDistance(a: Uint32Array, b: Uint32Array, ai = 0, bi = 0): number {
  let d = 0
  for (let w = 0; w < WORDS_PER_HASH; w++)
    d += popcount32(((a[ai + w] as number) ^ (b[bi + w] as number)) >>> 0)
  return d
}

export function hammingDistanceHex(a: string, b: string): number {
  return hammingDistance(hash256FromHex(a), hash256FromHex(b))
}
