// Project VIC "VICS" JSON hash lists, as exported to forces (e.g. from CAID), read as a stream.
//
// Shapes accepted:
//   1.x  {"odata.metadata": ".../1.3.xml/$metadata#Cases", "value": [{ ...case, "Media": [{...}] }]}
//   2.0  {"@odata.context": ".../2.0.xml/Default/$metadata#Media", "value": [{"MD5": ..., ...}]}
// and either form with `value` holding Media records or Cases that hold `Media`. Property names
// are matched without regard to case, because exporters differ.
import type { CategoryMap } from './categories.ts'
import { mapCategory } from './categories.ts'
import { type JsonHandler, JsonStreamParser, ValueBuilder } from './json-stream.ts'
import { HashListError, type KnownHash, MD5_HEX, SHA1_HEX } from './known-hash.ts'

export interface VicsContext {
  /** The `odata.metadata` or `@odata.context` URL. */
  context?: string
  /** "1.x" or "2.0", from which of the two keys the list used. */
  version?: '1.x' | '2.0'
}

class VicsHandler implements JsonHandler {
  readonly records: KnownHash[] = []
  readonly header: VicsContext = {}
  private depth = 0
  private rootKey: string | undefined
  private valueArrayDepth = -1
  private item: ValueBuilder | undefined
  private itemLine = 0
  private itemIsCase = false
  private mediaKeyPending: string | undefined
  private mediaArrayDepth = -1
  private record: ValueBuilder | undefined
  private recordLine = 0

  constructor(private readonly categories: CategoryMap) {}

  startObject(line: number): void {
    this.open('object', line)
  }
  startArray(line: number): void {
    this.open('array', line)
  }
  endObject(): void {
    this.close()
  }
  endArray(): void {
    this.close()
  }

  key(name: string): void {
    if (this.record) {
      this.record.key(name)
      return
    }
    if (this.item) {
      if (this.item.depth === 1 && name.toLowerCase() === 'media') {
        this.mediaKeyPending = name
        return
      }
      this.item.key(name)
      return
    }
    if (this.depth === 1) this.rootKey = name
  }

  value(v: string | number | boolean | null): void {
    if (this.record) {
      this.record.value(v)
      return
    }
    if (this.depth === this.mediaArrayDepth)
      throw new HashListError('a Media entry is not an object', this.itemLine)
    if (this.item) {
      this.flushMediaKey()
      this.item.value(v)
      return
    }
    if (this.depth === this.valueArrayDepth)
      throw new HashListError('an entry of "value" is not an object', this.itemLine)
    if (this.depth === 1 && typeof v === 'string') {
      if (this.rootKey === 'odata.metadata') Object.assign(this.header, { context: v, version: '1.x' })
      if (this.rootKey === '@odata.context') Object.assign(this.header, { context: v, version: '2.0' })
    }
  }

  private open(kind: 'object' | 'array', line: number): void {
    this.depth++
    if (this.record) {
      if (kind === 'object') this.record.startObject()
      else this.record.startArray()
      return
    }
    if (this.depth - 1 === this.mediaArrayDepth) {
      if (kind !== 'object') throw new HashListError('a Media entry is not an object', line)
      this.record = new ValueBuilder()
      this.recordLine = line
      this.record.startObject()
      return
    }
    if (this.item) {
      if (this.mediaKeyPending !== undefined && kind === 'array' && this.item.depth === 1) {
        this.mediaKeyPending = undefined
        this.mediaArrayDepth = this.depth
        this.itemIsCase = true
        return
      }
      this.flushMediaKey()
      if (kind === 'object') this.item.startObject()
      else this.item.startArray()
      return
    }
    if (this.depth - 1 === this.valueArrayDepth) {
      if (kind !== 'object') throw new HashListError('an entry of "value" is not an object', line)
      this.item = new ValueBuilder()
      this.itemLine = line
      this.itemIsCase = false
      this.item.startObject()
      return
    }
    // The list itself: `value` in the root object.
    if (this.depth === 2 && kind === 'array' && this.rootKey?.toLowerCase() === 'value') {
      this.valueArrayDepth = this.depth
    }
  }

  private close(): void {
    const closing = this.depth
    this.depth--
    if (this.record) {
      if (this.record.end()) {
        this.records.push(this.toKnownHash(this.record.result, this.recordLine))
        this.record = undefined
      }
      return
    }
    if (closing === this.mediaArrayDepth) {
      this.mediaArrayDepth = -1
      return
    }
    if (this.item) {
      this.flushMediaKey()
      if (this.item.end()) {
        // A case without a Media list (CaseID but no hashes) holds nothing to import.
        const isCase = this.itemIsCase || isCaseWithoutMedia(this.item.result)
        if (!isCase) this.records.push(this.toKnownHash(this.item.result, this.itemLine))
        this.item = undefined
      }
      return
    }
    if (closing === this.valueArrayDepth) this.valueArrayDepth = -1
  }

  private flushMediaKey(): void {
    if (this.mediaKeyPending !== undefined && this.item) {
      this.item.key(this.mediaKeyPending)
      this.mediaKeyPending = undefined
    }
  }

  private toKnownHash(raw: unknown, line: number): KnownHash {
    const fields = new Map<string, unknown>()
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) fields.set(k.toLowerCase(), v)
    const text = (name: string): string | undefined => {
      const v = fields.get(name)
      if (v === undefined || v === null || v === '') return undefined
      if (typeof v === 'string' || typeof v === 'number') return String(v)
      // Pass-through fields in a shape we do not know are kept as JSON rather than rejected.
      if (name === 'photodna' || name === 'series' || name === 'mediaid') return JSON.stringify(v)
      throw new HashListError(`${name} is not a string or number`, line)
    }
    const md5 = text('md5')?.toLowerCase()
    const sha1 = text('sha1')?.toLowerCase()
    if (md5 !== undefined && !MD5_HEX.test(md5))
      throw new HashListError(`MD5 ${JSON.stringify(md5)} is not 32 hex digits`, line)
    if (sha1 !== undefined && !SHA1_HEX.test(sha1))
      throw new HashListError(`SHA1 ${JSON.stringify(sha1)} is not 40 hex digits`, line)
    if (md5 === undefined && sha1 === undefined)
      throw new HashListError('media record has neither MD5 nor SHA1', line)
    const sourceCategory = text('category')
    const entry: KnownHash = { category: mapCategory(sourceCategory, this.categories) }
    if (md5) entry.md5 = md5
    if (sha1) entry.sha1 = sha1
    if (sourceCategory !== undefined) entry.sourceCategory = sourceCategory
    const mediaId = text('mediaid')
    if (mediaId !== undefined) entry.mediaId = mediaId
    const series = text('series')
    if (series !== undefined) entry.series = series
    const photoDna = text('photodna')
    if (photoDna !== undefined) entry.photoDna = photoDna
    return entry
  }
}

function isCaseWithoutMedia(item: unknown): boolean {
  const keys = Object.keys(item as Record<string, unknown>).map((k) => k.toLowerCase())
  return keys.includes('caseid') && !keys.includes('md5') && !keys.includes('sha1')
}

/**
 * Streams the records of a VICS list. Only one record (or one case's header fields) is held at a
 * time besides those already yielded. Throws HashListError naming the line of a bad record.
 */
export async function* readVics(
  source: AsyncIterable<string | Buffer>,
  categories: CategoryMap,
  header: VicsContext = {},
): AsyncGenerator<KnownHash> {
  const handler = new VicsHandler(categories)
  const parser = new JsonStreamParser(handler)
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const wrap = (e: unknown): never => {
    if (e instanceof HashListError) throw e
    if (e instanceof Error && 'line' in e)
      throw new HashListError((e as Error).message.replace(/^line \d+: /, ''), e.line as number)
    throw new HashListError(`not valid UTF-8 JSON: ${(e as Error).message}`)
  }
  for await (const chunk of source) {
    try {
      parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }))
    } catch (e) {
      wrap(e)
    }
    Object.assign(header, handler.header)
    if (handler.records.length > 0) {
      yield* handler.records
      handler.records.length = 0
    }
  }
  try {
    parser.write(decoder.decode())
    parser.end()
  } catch (e) {
    wrap(e)
  }
  Object.assign(header, handler.header)
  yield* handler.records
  if (!header.version)
    throw new HashListError('not a VICS list: neither "odata.metadata" nor "@odata.context" found')
}
