// Hash lists: reading the import formats as a stream, writing them out again, and loading sets
// (stored in Kestrel's database, see hash-set-store.ts, or list files) for matching a device.

import { once } from 'node:events'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { CAID_UK_CATEGORY_MAP, type CategoryMap, type KnownCategory } from './categories.ts'
import { PDQ_HEADER, readPdqList, readPlainList } from './hash-lists.ts'
import { HashListError, type KnownHash } from './known-hash.ts'
import { type KnownMaterial, KnownMaterialBuilder } from './known-material.ts'
import { readVics, type VicsContext } from './vics.ts'

export const HASH_LIST_FORMATS = ['vics', 'plain', 'pdq'] as const
export type HashListFormat = (typeof HASH_LIST_FORMATS)[number]

export interface HashSetDescription {
  name: string
  format: HashListFormat
  /** File name of the imported list (no folders: they may name an officer's machine). */
  source: string
  sourceBytes: number
  importedAt: string
  categoryMap: string
  vics?: VicsContext
  counts: {
    records: number
    md5: number
    sha1: number
    pdq: number
    byCategory: Partial<Record<KnownCategory, number>>
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

export function checkHashSetName(name: string): void {
  if (!NAME.test(name)) {
    throw new HashListError(
      `hash set name ${JSON.stringify(name)} must be 1-100 letters, digits, '.', '_' or '-'`,
    )
  }
}

export interface ReadListOptions {
  format: HashListFormat
  categories?: CategoryMap
  category?: string
  vics?: VicsContext
}

/** Streams the records of a list file in any of the import formats. */
export function readHashList(input: Readable, options: ReadListOptions): AsyncGenerator<KnownHash> {
  const categories = options.categories ?? CAID_UK_CATEGORY_MAP
  const lineOptions =
    options.category === undefined ? { categories } : { categories, category: options.category }
  switch (options.format) {
    case 'vics':
      return readVics(input, categories, options.vics)
    case 'plain':
      return readPlainList(input, lineOptions)
    case 'pdq':
      return readPdqList(input, lineOptions)
  }
}

const VICS_2_CONTEXT = 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media'

/**
 * Writes records out as a VICS 2.0 list, a plain list or a PDQ list, streamed (waiting for `out` to
 * drain). VICS keeps MediaID, Category as imported, MD5, SHA1, PhotoDNA and Series. Returns the
 * number of records written (a VICS list skips records with no MD5 or SHA-1, a PDQ list those
 * with no PDQ).
 */
export async function writeHashList(
  records: AsyncIterable<KnownHash>,
  format: HashListFormat,
  out: NodeJS.WritableStream,
): Promise<number> {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain')
  }
  let written = 0
  if (format === 'vics') await write(`{"@odata.context":${JSON.stringify(VICS_2_CONTEXT)},"value":[`)
  for await (const r of records) {
    if (format === 'vics') {
      if (!r.md5 && !r.sha1) continue
      const media: Record<string, string | number> = {}
      if (r.mediaId !== undefined) media.MediaID = /^\d+$/.test(r.mediaId) ? Number(r.mediaId) : r.mediaId
      const category = r.sourceCategory ?? r.category
      media.Category = /^\d+$/.test(category) ? Number(category) : category
      if (r.md5) media.MD5 = r.md5.toUpperCase()
      if (r.sha1) media.SHA1 = r.sha1.toUpperCase()
      if (r.photoDna) media.PhotoDNA = r.photoDna
      if (r.series !== undefined) media.Series = r.series
      await write(`${written > 0 ? ',' : ''}\n${JSON.stringify(media)}`)
    } else if (format === 'plain') {
      for (const h of [r.md5, r.sha1, r.pdq]) if (h) await write(`${h}\n`)
    } else if (r.pdq) {
      await write(r.pdqQuality === undefined ? `${r.pdq}\n` : `${r.pdq},${r.pdqQuality}\n`)
    } else continue
    written++
  }
  if (format === 'vics') await write('\n]}\n')
  return written
}

/** Guesses the format of a list file from its first bytes, for `triage --hashes FILE`. */
export async function sniffListFormat(file: string): Promise<HashListFormat> {
  const head = await readHead(file, 4096)
  const text = head.replace(/^\uFEFF/, '').trimStart()
  if (text.startsWith('{')) return 'vics'
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#')) ?? ''
  return PDQ_HEADER.test(first) || /^[0-9a-fA-F]{64}\s*,/.test(first) ? 'pdq' : 'plain'
}

async function readHead(file: string, bytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1 })) {
    chunks.push(chunk as Buffer)
    size += (chunk as Buffer).length
  }
  return Buffer.concat(chunks, size).toString('utf8')
}

/** Where the named sets a triage run asks for come from (Kestrel's database). */
export interface NamedHashSets {
  describe(name: string): Promise<{ name: string; version: number; importedAt: string } | undefined>
  records(name: string): AsyncIterable<KnownHash>
}

/**
 * Loads hash sets for matching. Each ref is a stored set's name (looked up in `named`, Kestrel's
 * database) or a list file in any import format (parsed on the fly, not stored). A plain name that
 * is a stored set is the stored set, even if a file of that name happens to be in the folder.
 */
export async function loadKnownMaterial(
  refs: readonly string[],
  named: NamedHashSets | undefined,
  categories: CategoryMap = CAID_UK_CATEGORY_MAP,
): Promise<KnownMaterial> {
  const builder = new KnownMaterialBuilder()
  for (const ref of refs) {
    const stored = NAME.test(ref) && named ? await named.describe(ref) : undefined
    if (stored) {
      builder.declare(stored.name, {
        from: 'database',
        version: stored.version,
        importedAt: stored.importedAt,
      })
      for await (const r of named?.records(stored.name) ?? []) builder.add(stored.name, r)
      continue
    }
    const exists = await stat(ref).catch(() => undefined)
    if (!exists?.isFile()) {
      throw new HashListError(
        named
          ? `hash set ${JSON.stringify(ref)} is neither a stored set nor a file`
          : `hash set ${JSON.stringify(ref)} is not a file (stored sets need Kestrel's database)`,
      )
    }
    const name = path.basename(ref)
    builder.declare(name, { from: 'file' })
    const format = await sniffListFormat(ref)
    for await (const r of readHashList(createReadStream(ref), { format, categories })) builder.add(name, r)
  }
  return builder.build()
}
