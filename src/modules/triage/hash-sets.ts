// Hash sets on disk, until they move into the database: each set is `<name>.jsonl` (one
// KnownHash a line) and `<name>.json` (its source, import date and counts). The description is
// written last, so a set without one was never completely imported and is not listed.
// Importing is all or nothing: records go to a temporary file first, renamed into place only
// when the whole list has parsed; re-importing a name replaces the set.

import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { createInterface } from 'node:readline'
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

export interface ImportOptions {
  file: string
  name: string
  format: HashListFormat
  storeDir: string
  categories?: CategoryMap
  category?: string
  now?: Date
}

export async function importHashSet(options: ImportOptions): Promise<HashSetDescription> {
  checkHashSetName(options.name)
  const sourceStat = await stat(options.file).catch(() => {
    throw new HashListError(`hash list ${options.file} does not exist or cannot be read`)
  })
  await mkdir(options.storeDir, { recursive: true })
  const recordsPath = path.join(options.storeDir, `${options.name}.jsonl`)
  const partial = `${recordsPath}.${process.pid}.partial`
  const vics: VicsContext = {}
  const counts: HashSetDescription['counts'] = { records: 0, md5: 0, sha1: 0, pdq: 0, byCategory: {} }
  const out = createWriteStream(partial)
  try {
    const records = readHashList(createReadStream(options.file, { highWaterMark: 256 * 1024 }), {
      ...options,
      vics,
    })
    for await (const entry of records) {
      counts.records++
      if (entry.md5) counts.md5++
      if (entry.sha1) counts.sha1++
      if (entry.pdq) counts.pdq++
      counts.byCategory[entry.category] = (counts.byCategory[entry.category] ?? 0) + 1
      if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, 'drain')
    }
    out.end()
    await once(out, 'finish')
  } catch (e) {
    out.on('error', () => {}) // a write still queued fails once destroyed; the list's error is the one to report
    out.destroy()
    await rm(partial, { force: true })
    throw e
  }
  const description: HashSetDescription = {
    name: options.name,
    format: options.format,
    source: path.basename(options.file),
    sourceBytes: sourceStat.size,
    importedAt: (options.now ?? new Date()).toISOString(),
    categoryMap: (options.categories ?? CAID_UK_CATEGORY_MAP).name,
    counts,
  }
  if (options.format === 'vics') description.vics = vics
  const descriptionPath = path.join(options.storeDir, `${options.name}.json`)
  await rm(descriptionPath, { force: true })
  await rename(partial, recordsPath)
  await writeFile(`${descriptionPath}.partial`, `${JSON.stringify(description, null, 2)}\n`)
  await rename(`${descriptionPath}.partial`, descriptionPath)
  return description
}

export async function listHashSets(storeDir: string): Promise<HashSetDescription[]> {
  const names = await readdir(storeDir).catch(() => [] as string[])
  const sets: HashSetDescription[] = []
  for (const file of names.filter((n) => n.endsWith('.json')).sort()) {
    sets.push(JSON.parse(await readFile(path.join(storeDir, file), 'utf8')) as HashSetDescription)
  }
  return sets
}

export async function describeHashSet(storeDir: string, name: string): Promise<HashSetDescription> {
  checkHashSetName(name)
  try {
    return JSON.parse(await readFile(path.join(storeDir, `${name}.json`), 'utf8')) as HashSetDescription
  } catch {
    throw new HashListError(`no hash set named ${JSON.stringify(name)} in ${storeDir}`)
  }
}

export async function* readStoredRecords(storeDir: string, name: string): AsyncGenerator<KnownHash> {
  await describeHashSet(storeDir, name)
  const lines = createInterface({
    input: createReadStream(path.join(storeDir, `${name}.jsonl`)),
    crlfDelay: Infinity,
  })
  for await (const line of lines) if (line) yield JSON.parse(line) as KnownHash
}

const VICS_2_CONTEXT = 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media'

/** Writes a stored set out again as a VICS 2.0 list, a plain list or a PDQ list. */
export async function exportHashSet(
  storeDir: string,
  name: string,
  format: HashListFormat,
  out: NodeJS.WritableStream,
) {
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain')
  }
  await describeHashSet(storeDir, name) // a missing set fails before anything is written
  let written = 0
  if (format === 'vics') await write(`{"@odata.context":${JSON.stringify(VICS_2_CONTEXT)},"value":[`)
  for await (const r of readStoredRecords(storeDir, name)) {
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
    }
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

/**
 * Loads hash sets for matching. Each ref is a stored set's name in `storeDir`, a stored set's
 * file, or a list file in any import format (parsed on the fly, not stored).
 */
export async function loadKnownMaterial(
  refs: readonly string[],
  storeDir: string,
  categories: CategoryMap = CAID_UK_CATEGORY_MAP,
): Promise<KnownMaterial> {
  const builder = new KnownMaterialBuilder()
  for (const ref of refs) {
    const stored = await storedSetFor(ref, storeDir)
    if (stored) {
      builder.declare(stored.name)
      for await (const r of readStoredRecords(stored.dir, stored.name)) builder.add(stored.name, r)
      continue
    }
    const exists = await stat(ref).catch(() => undefined)
    if (!exists?.isFile())
      throw new HashListError(`hash set ${JSON.stringify(ref)} is neither a stored set nor a file`)
    const name = path.basename(ref)
    builder.declare(name)
    const format = await sniffListFormat(ref)
    for await (const r of readHashList(createReadStream(ref), { format, categories })) builder.add(name, r)
  }
  return builder.build()
}

async function storedSetFor(
  ref: string,
  storeDir: string,
): Promise<{ dir: string; name: string } | undefined> {
  if (NAME.test(ref) && (await stat(path.join(storeDir, `${ref}.json`)).catch(() => undefined))) {
    return { dir: storeDir, name: ref }
  }
  const m = /^(.*)\.(json|jsonl)$/.exec(ref)
  if (m) {
    const dir = path.dirname(ref)
    const name = path.basename(m[1] as string)
    const description = await readFile(path.join(dir, `${name}.json`), 'utf8').catch(() => undefined)
    const records = await stat(path.join(dir, `${name}.jsonl`)).catch(() => undefined)
    if (description && records && description.includes('"importedAt"')) return { dir, name }
  }
  return undefined
}
