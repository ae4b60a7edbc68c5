// Hash sets in Kestrel's database: a set (`hash_set`: name, source, format, category mapping, who
// imported it and when, counts) and its entries (`hash_set_entry`: MD5, SHA-1 and PDQ as bytea,
// category, MediaID, Series, PhotoDNA passed through as text). An import streams the list and
// writes it in batches inside ONE transaction, so a list of millions never sits in memory and a
// malformed line, which throws from the parser, rolls the whole list back: nothing is written.
// Re-importing a name replaces the set and bumps its version; triage results name the version.
import type { Readable } from 'node:stream'
import { sql } from 'kysely'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor } from '../../platform/db/database.ts'
import { CAID_UK_CATEGORY_MAP, type CategoryMap, KNOWN_CATEGORIES, type KnownCategory } from './categories.ts'
import {
  checkHashSetName,
  type HashListFormat,
  type HashSetDescription,
  readHashList,
  writeHashList,
} from './hash-sets.ts'
import { HashListError, type KnownHash } from './known-hash.ts'
import type { VicsContext } from './vics.ts'

/** A stored set as lists show it: the file description plus its id and version in the database. */
export interface StoredHashSet extends HashSetDescription {
  id: string
  version: number
  importedBy: string
}

/** Where triage finds hash sets by name (the database; a test may give another). */
export interface HashSetSource {
  describe(name: string): Promise<StoredHashSet | undefined>
  records(name: string): AsyncIterable<KnownHash>
}

export interface DatabaseImportOptions {
  input: Readable
  /** The list file's name, without folders. */
  source: string
  sourceBytes: number
  name: string
  format: HashListFormat
  categories?: CategoryMap
  category?: string
  importedBy: string
  /** Entries written per statement (default 2,000). */
  batchSize?: number
}

interface EntryRow {
  seq: number
  md5: string | null
  sha1: string | null
  pdq: string | null
  pdq_quality: number | null
  category: string
  source_category: string | null
  media_id: string | null
  series: string | null
  photo_dna: string | null
}

function toKnownHash(r: EntryRow): KnownHash {
  const k: KnownHash = { category: r.category as KnownCategory }
  if (r.md5) k.md5 = r.md5
  if (r.sha1) k.sha1 = r.sha1
  if (r.pdq) k.pdq = r.pdq
  if (r.pdq_quality !== null) k.pdqQuality = r.pdq_quality
  if (r.source_category !== null) k.sourceCategory = r.source_category
  if (r.media_id !== null) k.mediaId = r.media_id
  if (r.series !== null) k.series = r.series
  if (r.photo_dna !== null) k.photoDna = r.photo_dna
  return k
}

/** Entries in one statement: hashes go as hex text and are decoded in SQL, the same on PGlite and pg. */
async function insertEntries(trx: Executor, setId: string, firstSeq: number, batch: readonly KnownHash[]) {
  const col = <T>(f: (k: KnownHash) => T | undefined) => batch.map((k) => f(k) ?? null)
  await sql`
    insert into hash_set_entry (hash_set_id, seq, md5, sha1, pdq, pdq_quality, category, source_category,
      media_id, series, photo_dna)
    select ${setId}::uuid, t.seq, decode(t.md5, 'hex'), decode(t.sha1, 'hex'), decode(t.pdq, 'hex'), t.q,
      t.category, t.sc, t.mi, t.se, t.pd
    from unnest(${batch.map((_, i) => firstSeq + i)}::int[], ${col((k) => k.md5)}::text[],
      ${col((k) => k.sha1)}::text[], ${col((k) => k.pdq)}::text[], ${col((k) => k.pdqQuality)}::smallint[],
      ${col((k) => k.category)}::text[], ${col((k) => k.sourceCategory)}::text[], ${col((k) => k.mediaId)}::text[],
      ${col((k) => k.series)}::text[], ${col((k) => k.photoDna)}::text[])
      as t(seq, md5, sha1, pdq, q, category, sc, mi, se, pd)`.execute(trx)
}

type SetRow = {
  id: string
  name: string
  format: string
  source: string
  source_bytes: number
  category_map_name: string
  vics_context: string | null
  vics_version: string | null
  imported_at: Date
  imported_by: string
  records: number
  md5_count: number
  sha1_count: number
  pdq_count: number
  by_category: unknown
  version: number
}

function describeRow(r: SetRow): StoredHashSet {
  const byCategory = (
    typeof r.by_category === 'string' ? JSON.parse(r.by_category) : r.by_category
  ) as Record<string, number>
  const d: StoredHashSet = {
    id: r.id,
    version: r.version,
    name: r.name,
    format: r.format as HashListFormat,
    source: r.source,
    sourceBytes: Number(r.source_bytes),
    importedAt: r.imported_at.toISOString(),
    importedBy: r.imported_by,
    categoryMap: r.category_map_name,
    counts: {
      records: r.records,
      md5: r.md5_count,
      sha1: r.sha1_count,
      pdq: r.pdq_count,
      byCategory,
    },
  }
  if (r.vics_version) {
    d.vics = { version: r.vics_version as '1.x' | '2.0' }
    if (r.vics_context) d.vics.context = r.vics_context
  }
  return d
}

export function hashSetStore(db: Database, clock: Clock) {
  async function describe(name: string): Promise<StoredHashSet | undefined> {
    const row = await db.selectFrom('hash_set').selectAll().where('name', '=', name).executeTakeFirst()
    return row ? describeRow(row as unknown as SetRow) : undefined
  }

  async function mustDescribe(name: string): Promise<StoredHashSet> {
    checkHashSetName(name)
    const found = await describe(name)
    if (!found) throw new HashListError(`no hash set named ${JSON.stringify(name)}`)
    return found
  }

  /** Streams a set's entries in list order, a page at a time (keyset on seq). */
  async function* records(name: string, pageSize = 10_000): AsyncGenerator<KnownHash> {
    const set = await mustDescribe(name)
    let after = -1
    for (;;) {
      const { rows } = await sql<EntryRow>`
        select seq, encode(md5, 'hex') as md5, encode(sha1, 'hex') as sha1, encode(pdq, 'hex') as pdq,
          pdq_quality, category, source_category, media_id, series, photo_dna
        from hash_set_entry where hash_set_id = ${set.id} and seq > ${after}
        order by seq limit ${pageSize}`.execute(db)
      for (const r of rows) yield toKnownHash(r)
      if (rows.length < pageSize) return
      after = (rows[rows.length - 1] as EntryRow).seq
    }
  }

  return {
    describe,
    records,

    async list(): Promise<StoredHashSet[]> {
      const rows = await db.selectFrom('hash_set').selectAll().orderBy('name').execute()
      return rows.map((r) => describeRow(r as unknown as SetRow))
    },

    /**
     * Reads a list whole or not at all into the database. The parser throws HashListError naming the line
     * of a malformed entry; the transaction then rolls back, leaving any earlier set of that name as it was.
     */
    async import(o: DatabaseImportOptions): Promise<StoredHashSet> {
      checkHashSetName(o.name)
      const categories = o.categories ?? CAID_UK_CATEGORY_MAP
      const batchSize = o.batchSize ?? 2000
      const vics: VicsContext = {}
      return db.transaction().execute(async (trx) => {
        const now = clock.now()
        const existing = await trx
          .selectFrom('hash_set')
          .select(['id', 'version'])
          .where('name', '=', o.name)
          .forUpdate()
          .executeTakeFirst()
        const header = {
          format: o.format,
          source: o.source,
          source_bytes: o.sourceBytes,
          category_map_name: categories.name,
          category_map: JSON.stringify(categories),
          imported_at: now,
          imported_by: o.importedBy,
        }
        let setId: string
        if (existing) {
          setId = existing.id
          await trx.deleteFrom('hash_set_entry').where('hash_set_id', '=', setId).execute()
        } else {
          const inserted = await trx
            .insertInto('hash_set')
            .values({
              name: o.name,
              ...header,
              records: 0,
              md5_count: 0,
              sha1_count: 0,
              pdq_count: 0,
              by_category: '{}',
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          setId = inserted.id
        }
        const counts = { records: 0, md5: 0, sha1: 0, pdq: 0 }
        const byCategory: Partial<Record<KnownCategory, number>> = {}
        let batch: KnownHash[] = []
        const list = readHashList(o.input, {
          format: o.format,
          categories,
          vics,
          ...(o.category === undefined ? {} : { category: o.category }),
        })
        for await (const entry of list) {
          counts.records++
          if (entry.md5) counts.md5++
          if (entry.sha1) counts.sha1++
          if (entry.pdq) counts.pdq++
          byCategory[entry.category] = (byCategory[entry.category] ?? 0) + 1
          batch.push(entry)
          if (batch.length >= batchSize) {
            await insertEntries(trx, setId, counts.records - batch.length, batch)
            batch = []
          }
        }
        if (batch.length > 0) await insertEntries(trx, setId, counts.records - batch.length, batch)
        const ordered = Object.fromEntries(
          KNOWN_CATEGORIES.filter((c) => byCategory[c]).map((c) => [c, byCategory[c]]),
        )
        const row = await trx
          .updateTable('hash_set')
          .set({
            ...header,
            vics_context: vics.context ?? null,
            vics_version: vics.version ?? null,
            records: counts.records,
            md5_count: counts.md5,
            sha1_count: counts.sha1,
            pdq_count: counts.pdq,
            by_category: JSON.stringify(ordered),
            version: existing ? existing.version + 1 : 1,
          })
          .where('id', '=', setId)
          .returningAll()
          .executeTakeFirstOrThrow()
        return describeRow(row as unknown as SetRow)
      })
    },

    /**
     * Writes a set out again, streamed, in its own format unless another is asked for. A missing set fails
     * before anything is written. Returns the number of records written.
     */
    async export(name: string, format: HashListFormat | undefined, out: NodeJS.WritableStream) {
      const set = await mustDescribe(name)
      return writeHashList(records(name), format ?? set.format, out)
    },

    /** Removes a set and its entries. */
    async remove(name: string): Promise<boolean> {
      const r = await db.deleteFrom('hash_set').where('name', '=', name).executeTakeFirst()
      return Number(r.numDeletedRows) > 0
    },
  }
}

export type HashSetStore = ReturnType<typeof hashSetStore>
