// Multi-index hashing (Norouzi, Punjani, Fleet) for PDQ near-duplicate search.
//
// Each 256-bit hash is cut into 16 slots of 16 bits. If two hashes are within distance r,
// then by the pigeonhole principle at least one slot differs by at most floor(r / 16) bits
// (for r = 31: at most 1 bit). So a query probes, in each slot, its own 16-bit value and every
// value within that slot radius (1 + 16 = 17 probes at r = 31), and checks the full distance
// only for hashes found there.
//
// Each slot's table is compressed-sparse-row: `starts` (65,537 offsets) and `members` (one
// hash number per hash, grouped by slot value). For a million hashes that is 16 x 4 MB plus the
// 32 MB of hashes, with no per-hash objects for the garbage collector to walk.
import { hammingDistance, popcount32, WORDS_PER_HASH } from './hash256.ts'

export const SLOTS = 16
const SLOT_VALUES = 1 << 16

export interface NearMatch {
  /** Position of the matching hash in the indexed array. */
  index: number
  distance: number
}

function slotValue(hashes: Uint32Array, at: number, slot: number): number {
  const word = hashes[at + (slot >> 1)] as number
  return slot & 1 ? word & 0xffff : word >>> 16
}

/** All 16-bit values within `radius` bits of `value`, `value` first. */
function neighbours(value: number, radius: number, out: number[]): void {
  out.length = 0
  out.push(value)
  if (radius <= 0) return
  // Radius is at most 2 in practice (r <= 47); enumerate flips of 1..radius bits.
  const walk = (from: number, start: number, left: number) => {
    for (let bit = start; bit < 16; bit++) {
      const v = from ^ (1 << bit)
      out.push(v)
      if (left > 1) walk(v, bit + 1, left - 1)
    }
  }
  walk(value, 0, radius)
}

export class PdqMultiIndex {
  readonly count: number
  private readonly hashes: Uint32Array
  private readonly starts: Uint32Array[]
  private readonly members: Uint32Array[]
  // Last query that saw each hash, so a hash found in several slots is checked once.
  private readonly seenBy: Uint32Array
  private query = 0
  private readonly probe: number[] = []

  /** `hashes` holds `count` hashes of 8 words each (see hash256.ts); it is kept, not copied. */
  constructor(hashes: Uint32Array, count = Math.floor(hashes.length / WORDS_PER_HASH)) {
    this.hashes = hashes
    this.count = count
    this.seenBy = new Uint32Array(count)
    this.starts = []
    this.members = []
    for (let slot = 0; slot < SLOTS; slot++) {
      const starts = new Uint32Array(SLOT_VALUES + 1)
      for (let i = 0; i < count; i++) {
        const v = slotValue(hashes, i * WORDS_PER_HASH, slot)
        starts[v + 1] = (starts[v + 1] as number) + 1
      }
      for (let v = 0; v < SLOT_VALUES; v++) starts[v + 1] = (starts[v + 1] as number) + (starts[v] as number)
      const fill = starts.slice(0, SLOT_VALUES)
      const members = new Uint32Array(count)
      for (let i = 0; i < count; i++) {
        const v = slotValue(hashes, i * WORDS_PER_HASH, slot)
        members[fill[v] as number] = i
        fill[v] = (fill[v] as number) + 1
      }
      this.starts.push(starts)
      this.members.push(members)
    }
  }

  /** Bytes held by the index tables (not counting the hashes themselves). */
  get indexBytes(): number {
    return SLOTS * ((SLOT_VALUES + 1) * 4 + this.count * 4) + this.count * 4
  }

  /**
   * Every indexed hash within `radius` of the query (the hash at word offset `at` of `query`),
   * nearest first. Radius 31 is PDQ's usual match threshold.
   */
  search(query: Uint32Array, radius: number, at = 0): NearMatch[] {
    if (radius >= 64) return bruteForceSearch(this.hashes, this.count, query, radius, at)
    this.query = (this.query + 1) >>> 0
    if (this.query === 0) {
      this.seenBy.fill(0)
      this.query = 1
    }
    const stamp = this.query
    const slotRadius = Math.floor(radius / SLOTS)
    const found: NearMatch[] = []
    for (let slot = 0; slot < SLOTS; slot++) {
      const starts = this.starts[slot] as Uint32Array
      const members = this.members[slot] as Uint32Array
      neighbours(slotValue(query, at, slot), slotRadius, this.probe)
      for (const v of this.probe) {
        const end = starts[v + 1] as number
        for (let m = starts[v] as number; m < end; m++) {
          const i = members[m] as number
          if (this.seenBy[i] === stamp) continue
          this.seenBy[i] = stamp
          const d = distanceWithin(this.hashes, i * WORDS_PER_HASH, query, at, radius)
          if (d <= radius) found.push({ index: i, distance: d })
        }
      }
    }
    return found.sort((a, b) => a.distance - b.distance || a.index - b.index)
  }
}

/** Distance, giving up early once it passes `limit` (the value returned is then > limit). */
function distanceWithin(a: Uint32Array, ai: number, b: Uint32Array, bi: number, limit: number): number {
  let d = 0
  for (let w = 0; w < WORDS_PER_HASH; w++) {
    d += popcount32(((a[ai + w] as number) ^ (b[bi + w] as number)) >>> 0)
    if (d > limit) return d
  }
  return d
}

/** The plain linear scan, for checking the index and for tiny sets. */
export function bruteForceSearch(
  hashes: Uint32Array,
  count: number,
  query: Uint32Array,
  radius: number,
  at = 0,
): NearMatch[] {
  const found: NearMatch[] = []
  for (let i = 0; i < count; i++) {
    const d = hammingDistance(hashes, query, i * WORDS_PER_HASH, at)
    if (d <= radius) found.push({ index: i, distance: d })
  }
  return found.sort((a, b) => a.distance - b.distance || a.index - b.index)
}
