import { createReadStream } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_VIC_CATEGORY_MAP, parseCategoryMap } from './categories.ts'
import { SortedHashIndex } from './exact-index.ts'
import {
  exportHashSet,
  importHashSet,
  listHashSets,
  loadKnownMaterial,
  readHashList,
  readStoredRecords,
} from './hash-sets.ts'
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

describe('stored hash sets', () => {
  it('imports all or nothing, lists, and exports again', async () => {
    const store = path.join(dir, 'store')
    const list = path.join(dir, 'list.json')
    await writeFile(list, vics1)
    const now = new Date('2026-01-02T03:04:05Z')
    const description = await importHashSet({
      file: list,
      name: 'caid-test',
      format: 'vics',
      storeDir: store,
      now,
    })
    expect(description).toMatchObject({
      name: 'caid-test',
      source: 'list.json',
      importedAt: '2026-01-02T03:04:05.000Z',
      counts: { records: 3, md5: 2, sha1: 2, pdq: 0, byCategory: { A: 1, C: 1, ignorable: 1 } },
      vics: { version: '1.x' },
    })

    // A malformed re-import of the same name changes nothing.
    const bad = path.join(dir, 'bad.txt')
    await writeFile(bad, `${md5(9)}\nbad line\n`)
    await expect(
      importHashSet({ file: bad, name: 'caid-test', format: 'plain', storeDir: store }),
    ).rejects.toThrow(/line 2/)
    expect((await listHashSets(store)).map((s) => s.name)).toEqual(['caid-test'])
    expect(await collect(readStoredRecords(store, 'caid-test'))).toHaveLength(3)

    const out = new PassThrough()
    const text = readStream(out)
    expect(await exportHashSet(store, 'caid-test', 'vics', out)).toBe(3)
    out.end()
    const exported = JSON.parse(await text)
    expect(exported['@odata.context']).toMatch(/2\.0\.xml/)
    expect(exported.value[0]).toEqual({
      MediaID: 11,
      Category: 1,
      MD5: md5(1).toUpperCase(),
      SHA1: sha1(1).toUpperCase(),
      PhotoDNA: 'AAEC/pdna',
      Series: 'S-7',
    })
    // and the export imports again to the same records
    const again = path.join(dir, 'again.json')
    await writeFile(again, await readFile(list, 'utf8'))
    const reread = await collect(readHashList(Readable.from([JSON.stringify(exported)]), { format: 'vics' }))
    expect(reread).toEqual(await collect(readStoredRecords(store, 'caid-test')))

    await expect(
      importHashSet({ file: list, name: '../evil', format: 'vics', storeDir: store }),
    ).rejects.toThrow(/name/)
    await expect(
      importHashSet({ file: path.join(dir, 'missing.json'), name: 'x', format: 'vics', storeDir: store }),
    ).rejects.toThrow(/does not exist/)
  })

  it('loads sets for matching, exact and near', async () => {
    const store = path.join(dir, 'store2')
    const plain = path.join(dir, 'plain.txt')
    await writeFile(plain, `${md5(1)}\n${sha1(2)}\n${'0'.repeat(64)}\n`)
    await importHashSet({ file: plain, name: 'local', format: 'plain', storeDir: store, category: 'A' })
    const vicsFile = path.join(dir, 'v2.json')
    await writeFile(vicsFile, vics2)
    const known = await loadKnownMaterial(['local', vicsFile], store)
    expect(known.counts).toEqual({ records: 6, md5: 4, sha1: 2, pdq: 1 })
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
  })
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
