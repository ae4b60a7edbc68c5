// The force's known material, loaded from one or more hash sets for matching a device:
// MD5 and SHA-1 in sorted buffers, PDQ in a multi-index hash, and one small column of facts
// (category, set, media id) per record.
import { KNOWN_CATEGORIES, type KnownCategory } from './categories.ts'
import { type SortedHashIndex, SortedHashIndexBuilder } from './exact-index.ts'
import { WORDS_PER_HASH, writeHash256 } from './hash256.ts'
import type { KnownHash } from './known-hash.ts'
import { PdqMultiIndex } from './mih.ts'

export interface KnownRecord {
  set: string
  category: KnownCategory
  sourceCategory?: string
  mediaId?: string
  series?: string
}

/** Where a set used in a run came from: Kestrel's database (with the version imported) or a list file. */
export interface HashSetUsed {
  name: string
  from: 'database' | 'file'
  version?: number
  importedAt?: string
  records: number
}

export interface NearRecordMatch {
  record: KnownRecord
  pdq: string
  distance: number
}

export class KnownMaterial {
  constructor(
    readonly setNames: readonly string[],
    private readonly setOf: Uint16Array,
    private readonly categoryOf: Uint8Array,
    private readonly extras: Map<number, { sourceCategory?: string; mediaId?: string; series?: string }>,
    private readonly md5: SortedHashIndex,
    private readonly sha1: SortedHashIndex,
    private readonly pdq: PdqMultiIndex,
    private readonly pdqHashes: Uint32Array,
    private readonly pdqRefs: Uint32Array,
    /** Each set's source, version and number of records, in the order of setNames. */
    readonly sets: readonly HashSetUsed[] = [],
  ) {}

  get counts() {
    return { records: this.categoryOf.length, md5: this.md5.size, sha1: this.sha1.size, pdq: this.pdq.count }
  }

  record(ref: number): KnownRecord {
    const r: KnownRecord = {
      set: this.setNames[this.setOf[ref] as number] as string,
      category: KNOWN_CATEGORIES[this.categoryOf[ref] as number] as KnownCategory,
    }
    const extra = this.extras.get(ref)
    if (extra) Object.assign(r, extra)
    return r
  }

  /** Records whose MD5 or SHA-1 equals the file's, each record once. */
  matchExact(md5: string, sha1: string): (KnownRecord & { on: 'md5' | 'sha1' | 'md5+sha1' })[] {
    const on = new Map<number, 'md5' | 'sha1' | 'md5+sha1'>()
    for (const ref of this.md5.lookupHex(md5)) on.set(ref, 'md5')
    for (const ref of this.sha1.lookupHex(sha1)) on.set(ref, on.has(ref) ? 'md5+sha1' : 'sha1')
    return [...on].map(([ref, how]) => ({ ...this.record(ref), on: how }))
  }

  /** Known PDQ hashes within `radius` of any of the given hashes (e.g. the 8 dihedral variants). */
  matchNear(hashes: readonly string[], radius: number): NearRecordMatch[] {
    const best = new Map<number, number>()
    const query = new Uint32Array(WORDS_PER_HASH)
    for (const hex of hashes) {
      writeHash256(hex, query, 0)
      for (const m of this.pdq.search(query, radius)) {
        const seen = best.get(m.index)
        if (seen === undefined || m.distance < seen) best.set(m.index, m.distance)
      }
    }
    return [...best]
      .map(([i, distance]) => ({
        record: this.record(this.pdqRefs[i] as number),
        pdq: hexAt(this.pdqHashes, i),
        distance,
      }))
      .sort((a, b) => a.distance - b.distance)
  }
}

function hexAt(words: Uint32Array, i: number): string {
  let hex = ''
  for (let w = 0; w < WORDS_PER_HASH; w++)
    hex += (words[i * WORDS_PER_HASH + w] as number).toString(16).padStart(8, '0')
  return hex
}

export class KnownMaterialBuilder {
  private readonly setNames: string[] = []
  private readonly origins = new Map<string, Omit<HashSetUsed, 'name' | 'records'>>()
  private readonly recordsPerSet = new Map<string, number>()
  private setOf = new Uint16Array(1024)
  private categoryOf = new Uint8Array(1024)
  private readonly extras = new Map<number, { sourceCategory?: string; mediaId?: string; series?: string }>()
  private readonly md5 = new SortedHashIndexBuilder(16)
  private readonly sha1 = new SortedHashIndexBuilder(20)
  private pdqHashes = new Uint32Array(1024 * WORDS_PER_HASH)
  private pdqRefs = new Uint32Array(1024)
  private pdqCount = 0
  private count = 0

  add(set: string, entry: KnownHash): void {
    let s = this.setNames.indexOf(set)
    if (s < 0) s = this.setNames.push(set) - 1
    this.recordsPerSet.set(set, (this.recordsPerSet.get(set) ?? 0) + 1)
    const ref = this.count++
    if (ref === this.setOf.length) {
      this.setOf = grow(this.setOf, new Uint16Array(ref * 2))
      this.categoryOf = grow(this.categoryOf, new Uint8Array(ref * 2))
    }
    this.setOf[ref] = s
    this.categoryOf[ref] = KNOWN_CATEGORIES.indexOf(entry.category)
    if (entry.sourceCategory !== undefined || entry.mediaId !== undefined || entry.series !== undefined) {
      const extra: { sourceCategory?: string; mediaId?: string; series?: string } = {}
      if (entry.sourceCategory !== undefined) extra.sourceCategory = entry.sourceCategory
      if (entry.mediaId !== undefined) extra.mediaId = entry.mediaId
      if (entry.series !== undefined) extra.series = entry.series
      this.extras.set(ref, extra)
    }
    if (entry.md5) this.md5.add(entry.md5, ref)
    if (entry.sha1) this.sha1.add(entry.sha1, ref)
    if (entry.pdq) {
      if (this.pdqCount === this.pdqRefs.length) {
        this.pdqRefs = grow(this.pdqRefs, new Uint32Array(this.pdqCount * 2))
        this.pdqHashes = grow(this.pdqHashes, new Uint32Array(this.pdqCount * 2 * WORDS_PER_HASH))
      }
      writeHash256(entry.pdq, this.pdqHashes, this.pdqCount * WORDS_PER_HASH)
      this.pdqRefs[this.pdqCount++] = ref
    }
  }

  /** Adds a set with no records, so it is still named in the report. */
  declare(set: string, origin?: Omit<HashSetUsed, 'name' | 'records'>): void {
    if (!this.setNames.includes(set)) this.setNames.push(set)
    if (origin) this.origins.set(set, origin)
  }

  build(): KnownMaterial {
    const pdqHashes = this.pdqHashes.slice(0, this.pdqCount * WORDS_PER_HASH)
    return new KnownMaterial(
      this.setNames,
      this.setOf.slice(0, this.count),
      this.categoryOf.slice(0, this.count),
      this.extras,
      this.md5.build(),
      this.sha1.build(),
      new PdqMultiIndex(pdqHashes, this.pdqCount),
      pdqHashes,
      this.pdqRefs.slice(0, this.pdqCount),
      this.setNames.map((name) => ({
        name,
        from: 'file' as const,
        ...this.origins.get(name),
        records: this.recordsPerSet.get(name) ?? 0,
      })),
    )
  }
}

function grow<T extends Uint8Array | Uint16Array | Uint32Array>(from: T, to: T): T {
  to.set(from)
  return to
}
