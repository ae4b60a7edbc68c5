// Line-based hash lists: plain lists (one MD5, SHA-1 or PDQ hex hash a line) and PDQ lists
// (`hash[,quality][,anything else]`, the reference hasher's output). Blank lines and lines
// starting with '#' are skipped. Any other line that does not parse rejects the whole list,
// naming the line, because a half-imported list would silently miss known material.
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { type CategoryMap, mapCategory } from './categories.ts'
import { HashListError, type KnownHash, MD5_HEX, PDQ_HEX, SHA1_HEX } from './known-hash.ts'

export interface LineListOptions {
  categories: CategoryMap
  /** Category given on the command line for a list that carries none. */
  category?: string
}

function lines(input: Readable) {
  return createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
}

function content(raw: string, lineNumber: number): string | undefined {
  const line = (lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim()
  return line === '' || line.startsWith('#') ? undefined : line
}

export async function* readPlainList(input: Readable, options: LineListOptions): AsyncGenerator<KnownHash> {
  const category = mapCategory(options.category, options.categories)
  let n = 0
  for await (const raw of lines(input)) {
    n++
    const line = content(raw, n)
    if (line === undefined) continue
    const hex = line.toLowerCase()
    const entry: KnownHash = { category }
    if (options.category !== undefined) entry.sourceCategory = options.category
    if (MD5_HEX.test(hex)) entry.md5 = hex
    else if (SHA1_HEX.test(hex)) entry.sha1 = hex
    else if (PDQ_HEX.test(hex)) entry.pdq = hex
    else
      throw new HashListError(
        `${JSON.stringify(line.slice(0, 80))} is not an MD5 (32), SHA-1 (40) or PDQ (64) hex hash`,
        n,
      )
    yield entry
  }
}

/** A CSV header such as the reference vectors' `hash,quality,path`, allowed on the first line. */
export const PDQ_HEADER = /^hash\s*(,|$)/i

export async function* readPdqList(input: Readable, options: LineListOptions): AsyncGenerator<KnownHash> {
  const category = mapCategory(options.category, options.categories)
  let n = 0
  for await (const raw of lines(input)) {
    n++
    const line = content(raw, n)
    if (line === undefined || (n === 1 && PDQ_HEADER.test(line))) continue
    const [hashField = '', qualityField] = line.split(',').map((f) => f.trim())
    const hash = hashField.toLowerCase()
    if (!PDQ_HEX.test(hash))
      throw new HashListError(`${JSON.stringify(hashField.slice(0, 80))} is not a 64-digit hex PDQ hash`, n)
    const entry: KnownHash = { pdq: hash, category }
    if (options.category !== undefined) entry.sourceCategory = options.category
    if (qualityField !== undefined && qualityField !== '') {
      if (!/^\d{1,3}$/.test(qualityField) || Number(qualityField) > 100) {
        throw new HashListError(
          `quality ${JSON.stringify(qualityField)} is not a whole number from 0 to 100`,
          n,
        )
      }
      entry.pdqQuality = Number(qualityField)
    }
    yield entry
  }
}
