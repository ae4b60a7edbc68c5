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
import { hammingDistance, WORDS_PER_HASH } from './hash256.ts'

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
  private readonly probe: number[] = []

  /** `hashes` holds `count` hashes of 8 words each (see hash256.ts); it is kept, not copied. */
  constructor(hashes: Uint32Array, count = Math.floor(hashes.length / WORDS_PER_HASH)) {
    this.hashes = hashes
    this.count = count
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
    return SLOTS * ((SLOT_VALUES + 1) * 4 + this.count * 4)
  }

  /**
   * Every indexed hash within `radius` of the query (the hash at word offset `at` of `query`),
   * nearest first. Radius 31 is PDQ's usual match threshold.
   */
  search(query: Uint32Array, radius: number, at = 0): NearMatch[] {
    if (radius >= 64) return bruteForceSearch(this.hashes, this.count, query, radius, at)
    const hashes = this.hashes
    const slotRadius = Math.floor(radius / SLOTS)
    const found: NearMatch[] = []
    // Only matches are de-duplicated (a near copy turns up in several slots). Marking every
    // candidate as seen would cost one more cache miss per candidate, and nearly all
    // candidates are rejected after comparing two words.
    const matched = new Set<number>()
    const probe = this.probe
    for (let slot = 0; slot < SLOTS; slot++) {
      const starts = this.starts[slot] as Uint32Array
      const members = this.members[slot] as Uint32Array
      const own = slotValue(query, at, slot)
      // Radius 31 (one flipped bit per slot) is the hot path: probes are generated inline.
      if (slotRadius > 1) neighbours(own, slotRadius, probe)
      const probes = slotRadius <= 1 ? 1 + 16 * slotRadius : probe.length
      for (let p = 0; p < probes; p++) {
        const v = slotRadius <= 1 ? (p === 0 ? own : own ^ (1 << (p - 1))) : (probe[p] as number)
        const end = starts[v + 1] as number
        for (let m = starts[v] as number; m < end; m++) {
          const base = (members[m] as number) * WORDS_PER_HASH
          let d = 0
          for (let w = 0; w < WORDS_PER_HASH && d <= radius; w++) {
            // popcount, inline: this loop runs thousands of times per query
            let x = ((hashes[base + w] as number) ^ (query[at + w] as number)) >>> 0
            x -= (x >>> 1) & 0x55555555
            x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
            d += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
          }
          if (d <= radius) {
            const i = members[m] as number
            if (!matched.has(i)) {
              matched.add(i)
              found.push({ index: i, distance: d })
            }
          }
        }
      }
    }
    return found.sort((a, b) => a.distance - b.distance || a.index - b.index)
  }
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
