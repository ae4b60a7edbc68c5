import { createReadStream } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { PROJECT_VIC_CATEGORY_MAP, parseCategoryMap } from './categories.ts'
import { SortedHashIndex } from './exact-index.ts'
import type { HashSetStore } from './hash-set-store.ts'
import { type HashListFormat, loadKnownMaterial, readHashList } from './hash-sets.ts'
import { HashListError, type KnownHash } from './known-hash.ts'
import { seededRandom } from './synthetic-images.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kestrel-hashsets-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const md5 = (n: number) => n.toString(16).padStart(32, '0')
const sha1 = (n: number) => n.toString(16).padStart(40, 'a')

async function collect(list: AsyncIterable<KnownHash>): Promise<KnownHash[]> {
  const out: KnownHash[] = []
  for await (const r of list) out.push(r)
  return out
}

const vics1 = `\uFEFF{
  "odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml/$metadata#Cases",
  "value": [
    {
      "CaseID": "C-1",
      "CaseNumber": "TEST/1",
      "Media": [
        { "MediaID": 11, "Category": 1, "MD5": "${md5(1).toUpperCase()}", "SHA1": "${sha1(1)}", "PhotoDNA": "AAEC/pdna", "Series": "S-7", "MediaFiles": [{ "FileName": "x.jpg" }] },
        { "MediaID": 12, "Category": 3, "SHA1": "${sha1(2).toUpperCase()}" }
      ]
    },
    { "CaseID": "C-2", "Media": [ { "MediaID": 13, "Category": 0, "MD5": "${md5(3)}" } ] },
    { "CaseID": "C-3", "CaseNumber": "EMPTY" }
  ]
}`

const vics2 = `{"@odata.context":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media",
"value":[
{"MediaID":1,"Category":2,"MD5":"${md5(4)}","SHA1":"${sha1(4)}","MediaSize":2835,"DateUpdated":"2023-06-07T02:31:49.8300Z","IsPrecategorized":"true"},
{"MediaID":2,"Category":9,"MD5":"${md5(5)}"},
{"MediaID":3,"MD5":"${md5(6)}","PhotoDNA":{"Hash":"AbC"}}
]}`

describe('VICS lists', () => {
  it('reads 1.x: Cases holding Media, with a byte order mark', async () => {
    const header = {}
    const records = await collect(readHashList(Readable.from([vics1]), { format: 'vics', vics: header }))
    expect(header).toEqual({
      context: 'http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml/$metadata#Cases',
      version: '1.x',
    })
    expect(records).toEqual([
      {
        md5: md5(1),
        sha1: sha1(1),
        category: 'A',
        sourceCategory: '1',
        mediaId: '11',
        series: 'S-7',
        photoDna: 'AAEC/pdna',
      },
      { sha1: sha1(2), category: 'C', sourceCategory: '3', mediaId: '12' },
      { md5: md5(3), category: 'ignorable', sourceCategory: '0', mediaId: '13' },
    ])
  })

  it('reads 2.0: Media records, one byte at a time', async () => {
    const header = {}
    const bytes = [...Buffer.from(vics2)].map((b) => Buffer.from([b]))
    const records = await collect(readHashList(Readable.from(bytes), { format: 'vics', vics: header }))
    expect(header).toMatchObject({ version: '2.0' })
    expect(records).toEqual([
      { md5: md5(4), sha1: sha1(4), category: 'B', sourceCategory: '2', mediaId: '1' },
      { md5: md5(5), category: 'ungraded', sourceCategory: '9', mediaId: '2' },
      { md5: md5(6), category: 'ungraded', mediaId: '3', photoDna: '{"Hash":"AbC"}' },
    ])
  })

  it('maps categories through configuration', async () => {
    const records = await collect(
      readHashList(Readable.from([vics2]), { format: 'vics', categories: PROJECT_VIC_CATEGORY_MAP }),
    )
    expect(records.map((r) => r.category)).toEqual(['ungraded', 'ungraded', 'ungraded'])
    const custom = parseCategoryMap({ name: 'force', map: { '2': 'A', '9': 'C' } })
    const mapped = await collect(readHashList(Readable.from([vics2]), { format: 'vics', categories: custom }))
    expect(mapped.map((r) => r.category)).toEqual(['A', 'C', 'ungraded'])
    expect(() => parseCategoryMap({ map: { '1': 'D' } })).toThrow(/not one of/)
  })

  it('names the line of a bad record', async () => {
    const bad = vics2.replace(`"MD5":"${md5(5)}"`, '"MD5":"XYZ"')
    await expect(collect(readHashList(Readable.from([bad]), { format: 'vics' }))).rejects.toThrow(
      /line 4: MD5 "xyz" is not 32 hex digits/,
    )
    await expect(collect(readHashList(Readable.from(['{"value":[]}']), { format: 'vics' }))).rejects.toThrow(
      /not a VICS list/,
    )
    await expect(
      collect(readHashList(Readable.from([vics2.slice(0, -10)]), { format: 'vics' })),
    ).rejects.toThrow(HashListError)
  })

  it('streams a multi-megabyte list without reading it whole', async () => {
    const file = path.join(dir, 'big.json')
    const count = 40_000
    const parts = [
      '{"odata.metadata":"http://github.com/ICMEC/ProjectVic/DataModels/1.2.xml/$metadata#Cases","value":[',
    ]
    for (let c = 0; c < 4; c++) {
      parts.push(`${c ? ',' : ''}{"CaseID":${c},"Media":[`)
      for (let i = c * (count / 4); i < (c + 1) * (count / 4); i++) {
        parts.push(
          `${i % (count / 4) ? ',' : ''}{"MediaID":${i},"Category":${1 + (i % 3)},"MD5":"${md5(i)}","SHA1":"${sha1(i)}","PhotoDNA":"${'Q'.repeat(60)}"}\n`,
        )
      }
      parts.push(']}')
    }
    parts.push(']}')
    await writeFile(file, parts.join(''))
    expect((await stat(file)).size).toBeGreaterThan(5_000_000)
    const chunkSizes: number[] = []
    const input = createReadStream(file, { highWaterMark: 64 * 1024 })
    input.on('data', (c) => chunkSizes.push(c.length))
    let n = 0
    for await (const r of readHashList(input, { format: 'vics' })) {
      if (n === 0) expect(chunkSizes.length).toBeLessThan(3) // the first record came before the file was read
      expect(r.md5).toBe(md5(n))
      n++
    }
    expect(n).toBe(count)
    expect(Math.max(...chunkSizes)).toBeLessThanOrEqual(64 * 1024)
  })
})

describe('line lists', () => {
  it('reads plain lists of MD5, SHA-1 and PDQ, skipping blanks and comments', async () => {
    const text = `# known\n${md5(1).toUpperCase()}\r\n\n${sha1(2)}\n${'f'.repeat(64)}\n`
    const records = await collect(readHashList(Readable.from([text]), { format: 'plain', category: 'B' }))
    expect(records).toEqual([
      { md5: md5(1), category: 'B', sourceCategory: 'B' },
      { sha1: sha1(2), category: 'B', sourceCategory: 'B' },
      { pdq: 'f'.repeat(64), category: 'B', sourceCategory: 'B' },
    ])
  })

  it('reads PDQ lists with quality and extra fields', async () => {
    const text = `hash,quality,path\n${'a'.repeat(64)},100,photos/x.jpg\n${'b'.repeat(64)}\n`
    expect(await collect(readHashList(Readable.from([text]), { format: 'pdq' }))).toEqual([
      { pdq: 'a'.repeat(64), pdqQuality: 100, category: 'ungraded' },
      { pdq: 'b'.repeat(64), category: 'ungraded' },
    ])
  })

  it.each([
    ['plain', `${md5(1)}\n${md5(2)}\nnot-a-hash\n`, /line 3: "not-a-hash" is not an MD5/],
    ['plain', `${md5(1)}0\n`, /line 1: .* is not an MD5 \(32\), SHA-1 \(40\) or PDQ \(64\)/],
    ['pdq', `${'a'.repeat(64)},100\n${'a'.repeat(64)},101\n`, /line 2: quality "101"/],
    ['pdq', `${'a'.repeat(63)}\n`, /line 1: .* is not a 64-digit hex PDQ hash/],
  ] as const)('rejects a malformed %s list naming the line', async (format, text, message) => {
    await expect(collect(readHashList(Readable.from([text]), { format }))).rejects.toThrow(message)
  })
})

describe('hash sets in the database', () => {
  let kestrel: TestKestrel
  let store: HashSetStore
  beforeAll(async () => {
    kestrel = await testKestrel()
    store = kestrel.services.triage.hashSets
  })
  afterAll(() => kestrel.close())

  const importText = (name: string, format: HashListFormat, text: string, extra = {}) =>
    store.import({
      input: Readable.from([text]),
      source: `${name}.src`,
      sourceBytes: Buffer.byteLength(text),
      name,
      format,
      importedBy: 'test',
      batchSize: 2,
      ...extra,
    })

  const exported = async (name: string, format?: HashListFormat) => {
    const out = new PassThrough()
    const text = readStream(out)
    const n = await store.export(name, format, out)
    out.end()
    return { n, text: await text }
  }

  it('imports a VICS list in batches, lists it, and exports it back to the same records', async () => {
    const description = await importText('caid-test', 'vics', vics1)
    expect(description).toMatchObject({
      name: 'caid-test',
      version: 1,
      source: 'caid-test.src',
      importedBy: 'test',
      categoryMap: 'caid-uk',
      counts: { records: 3, md5: 2, sha1: 2, pdq: 0, byCategory: { A: 1, C: 1, ignorable: 1 } },
      vics: { version: '1.x' },
    })
    const stored = await collect(store.records('caid-test'))
    expect(stored).toEqual(await collect(readHashList(Readable.from([vics1]), { format: 'vics' })))

    const { n, text } = await exported('caid-test')
    expect(n).toBe(3)
    const json = JSON.parse(text)
    expect(json['@odata.context']).toMatch(/2\.0\.xml/)
    expect(json.value[0]).toEqual({
      MediaID: 11,
      Category: 1,
      MD5: md5(1).toUpperCase(),
      SHA1: sha1(1).toUpperCase(),
      PhotoDNA: 'AAEC/pdna',
      Series: 'S-7',
    })
    // The export imports again to the same records: a round trip.
    await importText('caid-again', 'vics', text)
    expect(await collect(store.records('caid-again'))).toEqual(stored)
    expect((await store.list()).map((s) => s.name)).toEqual(['caid-again', 'caid-test'])
  })

  it('round-trips a plain list in its own format, and replaces a set imported again', async () => {
    const text = `${md5(1)}\n${sha1(2)}\n${'f'.repeat(64)}\n${md5(3)}\n${md5(4)}\n`
    const first = await importText('plain-test', 'plain', text, { category: 'B' })
    expect(first.counts).toMatchObject({ records: 5, md5: 3, sha1: 1, pdq: 1, byCategory: { B: 5 } })
    expect((await exported('plain-test')).text).toBe(text)
    expect((await exported('plain-test', 'pdq')).text).toBe(`${'f'.repeat(64)}\n`)
    const second = await importText('plain-test', 'plain', `${md5(9)}\n`)
    expect(second.version).toBe(2)
    expect((await exported('plain-test')).text).toBe(`${md5(9)}\n`)
  })

  it('rejects a malformed line naming it, and writes nothing: not even the first batches', async () => {
    const before = await collect(store.records('plain-test'))
    // Batches of 2: four good lines are written before line 5 fails; the transaction takes them back.
    const bad = `${md5(1)}\n${md5(2)}\n${md5(3)}\n${md5(4)}\nnot a hash\n`
    await expect(importText('plain-test', 'plain', bad)).rejects.toThrow(/line 5: "not a hash" is not an MD5/)
    await expect(importText('brand-new', 'plain', bad)).rejects.toThrow(HashListError)
    expect(await store.describe('brand-new')).toBeUndefined()
    expect(await collect(store.records('plain-test'))).toEqual(before)
    expect((await store.describe('plain-test'))?.version).toBe(2)
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from hash_set_entry e join hash_set s on s.id = e.hash_set_id
      where s.name = 'brand-new'`.execute(kestrel.services.db)
    expect(rows[0]?.n).toBe(0)
    await expect(importText('../evil', 'plain', `${md5(1)}\n`)).rejects.toThrow(/name/)
    await expect(exported('nope')).rejects.toThrow(/no hash set named "nope"/)
  })

  it('loads stored sets and list files for matching, exact and near', async () => {
    await importText('local', 'plain', `${md5(1)}\n${sha1(2)}\n${'0'.repeat(64)}\n`, { category: 'A' })
    const vicsFile = path.join(dir, 'v2.json')
    await writeFile(vicsFile, vics2)
    const known = await loadKnownMaterial(['local', vicsFile], store)
    expect(known.counts).toEqual({ records: 6, md5: 4, sha1: 2, pdq: 1 })
    expect(known.sets).toEqual([
      { name: 'local', from: 'database', version: 1, importedAt: expect.any(String), records: 3 },
      { name: 'v2.json', from: 'file', records: 3 },
    ])
    expect(known.matchExact(md5(1), sha1(1))).toEqual([
      { set: 'local', category: 'A', sourceCategory: 'A', on: 'md5' },
    ])
    expect(known.matchExact(md5(4), sha1(4))).toEqual([
      { set: 'v2.json', category: 'B', sourceCategory: '2', mediaId: '1', on: 'md5+sha1' },
    ])
    const near = `${'0'.repeat(60)}000f`
    expect(known.matchNear([near], 31)).toEqual([
      { record: { set: 'local', category: 'A', sourceCategory: 'A' }, pdq: '0'.repeat(64), distance: 4 },
    ])
    expect(known.matchNear([near], 3)).toEqual([])
    await expect(loadKnownMaterial(['nothing-here'], store)).rejects.toThrow(
      /neither a stored set nor a file/,
    )
    await expect(loadKnownMaterial(['local'], undefined)).rejects.toThrow(/need Kestrel's database/)
  })

  it('streams a large list into the database without holding it', async () => {
    const count = 20_000
    const lines: string[] = []
    for (let i = 0; i < count; i++) lines.push(i % 2 ? md5(i) : sha1(i))
    const d = await store.import({
      input: Readable.from(lines.map((l) => `${l}\n`)),
      source: 'big.txt',
      sourceBytes: 0,
      name: 'big',
      format: 'plain',
      importedBy: 'test',
    })
    expect(d.counts.records).toBe(count)
    let n = 0
    for await (const r of store.records('big')) {
      expect(r.md5 ?? r.sha1).toBe(lines[n])
      n++
    }
    expect(n).toBe(count)
  }, 60_000)
})

describe('sorted exact index', () => {
  it('finds every key and only those, duplicates included', () => {
    const random = seededRandom(9)
    const builder = SortedHashIndex.builder(20)
    const keys: string[] = []
    for (let i = 0; i < 5000; i++) {
      const hex = Array.from({ length: 40 }, () => Math.floor(random() * 16).toString(16)).join('')
      keys.push(hex)
      builder.add(hex, i)
    }
    builder.add(keys[17] as string, 5000)
    const index = builder.build()
    for (let i = 0; i < keys.length; i++) {
      expect(index.lookupHex(keys[i] as string)).toEqual(i === 17 ? [17, 5000] : [i])
    }
    expect(index.lookupHex('f'.repeat(40))).toEqual([])
    expect(index.lookupHex('00')).toEqual([])
  })
})

function readStream(stream: PassThrough): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
  })
}
