import { describe, expect, it } from 'vitest'
import { WORDS_PER_HASH } from './hash256.ts'
import { bruteForceSearch, PdqMultiIndex } from './mih.ts'
import { seededRandom } from './synthetic-images.ts'

function randomHashes(count: number, random: () => number): Uint32Array {
  const hashes = new Uint32Array(count * WORDS_PER_HASH)
  for (let i = 0; i < hashes.length; i++) hashes[i] = Math.floor(random() * 2 ** 32)
  return hashes
}

function flipBits(hashes: Uint32Array, at: number, bits: number, random: () => number): void {
  const chosen = new Set<number>()
  while (chosen.size < bits) chosen.add(Math.floor(random() * 256))
  for (const b of chosen) hashes[at + (b >> 5)] = ((hashes[at + (b >> 5)] as number) ^ (1 << (b & 31))) >>> 0
}

/** Clusters: a few centres with many copies 0..40 bits away, the way re-encoded images gather. */
function clusteredHashes(count: number, clusters: number, random: () => number): Uint32Array {
  const centres = randomHashes(clusters, random)
  const hashes = new Uint32Array(count * WORDS_PER_HASH)
  for (let i = 0; i < count; i++) {
    const c = Math.floor(random() * clusters)
    hashes.set(centres.subarray(c * WORDS_PER_HASH, (c + 1) * WORDS_PER_HASH), i * WORDS_PER_HASH)
    flipBits(hashes, i * WORDS_PER_HASH, Math.floor(random() * 41), random)
  }
  return hashes
}

function queriesNear(hashes: Uint32Array, count: number, n: number, random: () => number): Uint32Array {
  const queries = new Uint32Array(n * WORDS_PER_HASH)
  for (let q = 0; q < n; q++) {
    const source = Math.floor(random() * count)
    queries.set(hashes.subarray(source * WORDS_PER_HASH, (source + 1) * WORDS_PER_HASH), q * WORDS_PER_HASH)
    // 0..48 bits away: inside, at and beyond the usual threshold of 31
    flipBits(queries, q * WORDS_PER_HASH, Math.floor(random() * 49), random)
  }
  return queries
}

function checkAgainstBruteForce(hashes: Uint32Array, count: number, queries: Uint32Array, radii: number[]) {
  const index = new PdqMultiIndex(hashes, count)
  let matches = 0
  for (let q = 0; q < queries.length / WORDS_PER_HASH; q++) {
    for (const r of radii) {
      const fast = index.search(queries, r, q * WORDS_PER_HASH)
      const slow = bruteForceSearch(hashes, count, queries, r, q * WORDS_PER_HASH)
      expect(fast).toEqual(slow)
      matches += fast.length
    }
  }
  return matches
}

describe('multi-index hash against brute force', () => {
  it('agrees on a random set', () => {
    const random = seededRandom(7)
    const hashes = randomHashes(20_000, random)
    const matches = checkAgainstBruteForce(
      hashes,
      20_000,
      queriesNear(hashes, 20_000, 200, random),
      [0, 10, 31],
    )
    expect(matches).toBeGreaterThan(100)
  })

  it('agrees on a clustered set, including radii that need 2-bit probes', () => {
    const random = seededRandom(11)
    const hashes = clusteredHashes(20_000, 40, random)
    const matches = checkAgainstBruteForce(
      hashes,
      20_000,
      queriesNear(hashes, 20_000, 100, random),
      [31, 32, 47],
    )
    expect(matches).toBeGreaterThan(10_000)
  })

  it('finds exact duplicates and handles an empty index', () => {
    const random = seededRandom(3)
    const hashes = randomHashes(10, random)
    hashes.copyWithin(5 * WORDS_PER_HASH, 2 * WORDS_PER_HASH, 3 * WORDS_PER_HASH)
    const index = new PdqMultiIndex(hashes)
    expect(index.search(hashes, 0, 2 * WORDS_PER_HASH)).toEqual([
      { index: 2, distance: 0 },
      { index: 5, distance: 0 },
    ])
    expect(new PdqMultiIndex(new Uint32Array(0)).search(hashes, 31)).toEqual([])
  })
})
