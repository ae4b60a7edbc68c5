// Device triage benchmarks, each a ratio or rate measured in one run on this machine:
// - file hashing (MD5 + SHA-1 from one read, all cores) against `sha1sum` on the same files;
// - PDQ images per second on the reference vector photos and on generated 1.6 MP and
//   256 x 256 JPEGs, beside the reference C++ hasher's published figures;
// - PDQ near-duplicate search over 1,000,000 hashes at distance 31, queries per second.
// Run alone: node --import tsx bench/triage.ts
import { execFileSync } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { decodeImage } from '../src/modules/triage/decode.ts'
import { WORDS_PER_HASH } from '../src/modules/triage/hash256.ts'
import { HashingPool } from '../src/modules/triage/hashing-pool.ts'
import { bruteForceSearch, PdqMultiIndex } from '../src/modules/triage/mih.ts'
import { pdqHash } from '../src/modules/triage/pdq.ts'
import { seededRandom, syntheticJpeg } from '../src/modules/triage/synthetic-images.ts'

const VECTORS = path.resolve(process.cwd(), '../shared/triage-vectors')

/** The reference pdq-photo-hasher, measured on a 2-core machine like ours (issue 8). */
const REFERENCE = {
  stockCImg: { '1.6MP': 3.8, '256x256': 16.6 },
  libjpeg: { '1.6MP': 15.8, '256x256': 334 },
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

async function timeIt<T>(f: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint()
  const result = await f()
  return [result, seconds(start)]
}

/**
 * Fastest of `runs` timings. The machine may be shared (other test suites, other sessions);
 * the fastest run is the one least disturbed, and measurements being compared are interleaved.
 */
async function fastest(runs: number, f: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let i = 0; i < runs; i++) best = Math.min(best, (await timeIt(f))[1])
  return best
}

async function benchFileHashing(dir: string) {
  const files: string[] = []
  const perFile = 16 * 1024 * 1024
  const count = 24
  const block = Buffer.alloc(perFile)
  for (let i = 0; i < count; i++) {
    randomFillSync(block)
    const f = path.join(dir, `blob-${i}.bin`)
    await writeFile(f, block)
    files.push(f)
  }
  const totalMb = (perFile * count) / 1048576
  const sha1sum = () => execFileSync('sha1sum', files, { maxBuffer: 1 << 24 })
  sha1sum() // warm the page cache so both read from memory
  const pool = new HashingPool()
  await Promise.all(files.slice(0, 2).map((f) => pool.hash(f, { pdq: false, dihedral: false }))) // start workers
  let sha1sumSeconds = Number.POSITIVE_INFINITY
  let kestrelSeconds = Number.POSITIVE_INFINITY
  for (let round = 0; round < 3; round++) {
    sha1sumSeconds = Math.min(sha1sumSeconds, await fastest(1, async () => sha1sum()))
    kestrelSeconds = Math.min(
      kestrelSeconds,
      await fastest(1, () => Promise.all(files.map((f) => pool.hash(f, { pdq: false, dihedral: false })))),
    )
  }
  await pool.close()
  const single = new HashingPool(0)
  const kestrelOneThread = await fastest(2, async () => {
    for (const f of files) await single.hash(f, { pdq: false, dihedral: false })
  })
  return {
    dataMb: totalMb,
    sha1sumMbPerS: round(totalMb / sha1sumSeconds),
    kestrelMd5Sha1MbPerS: round(totalMb / kestrelSeconds),
    kestrelOneThreadMbPerS: round(totalMb / kestrelOneThread),
    ratioToSha1sum: round(sha1sumSeconds / kestrelSeconds, 2),
    workers: availableParallelism(),
  }
}

async function pdqRate(images: Buffer[], repeat: number) {
  // Decode + hash in this thread: the per-core figure to set beside the single-threaded reference.
  // One core: libvips would otherwise decode on a second thread.
  // No libvips operation cache either: the same buffers are decoded again and again here, and a
  // cache hit would skip the decode that a real device's files never skip.
  const threads = sharp.concurrency()
  sharp.concurrency(1)
  sharp.cache(false)
  for (const img of images) pdqHash(await decodeImage(img)) // warm up
  const oneThread = await fastest(3, async () => {
    for (let r = 0; r < repeat; r++) for (const img of images) pdqHash(await decodeImage(img))
  })
  sharp.concurrency(threads)
  sharp.cache(true)
  return round((images.length * repeat) / oneThread, 1)
}

async function pdqPoolRate(dir: string, images: Buffer[], repeat: number) {
  const files: string[] = []
  for (let i = 0; i < images.length; i++) {
    const f = path.join(dir, `img-${i}.jpg`)
    await writeFile(f, images[i] as Buffer)
    files.push(f)
  }
  const pool = new HashingPool()
  // One untimed round so every worker has started and compiled the hashing code.
  await Promise.all(files.map((f) => pool.hash(f, { pdq: true, dihedral: false })))
  const jobs: string[] = []
  for (let r = 0; r < repeat; r++) jobs.push(...files)
  const s = await fastest(3, () => Promise.all(jobs.map((f) => pool.hash(f, { pdq: true, dihedral: false }))))
  await pool.close()
  return round(jobs.length / s, 1)
}

async function benchPdq(dir: string) {
  const result: Record<string, unknown> = {}
  if (existsSync(path.join(VECTORS, 'expected-pdq.csv'))) {
    const lines = readFileSync(path.join(VECTORS, 'expected-pdq.csv'), 'utf8').trim().split('\n').slice(1)
    const photos = lines.map((l) => readFileSync(path.join(VECTORS, l.split(',')[2] as string)))
    result.vectorPhotos = { images: photos.length, imagesPerSecondOneThread: await pdqRate(photos, 2) }
  } else {
    result.vectorPhotos = `skipped: ${VECTORS} not found`
  }
  const big = await Promise.all([1, 2, 3, 4, 5, 6].map((s) => syntheticJpeg(s, 1600, 1000, 90)))
  const small = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((s) => syntheticJpeg(s, 256, 256, 90)))
  result['1.6MP'] = {
    imagesPerSecondOneThread: await pdqRate(big, 3),
    imagesPerSecondAllCores: await pdqPoolRate(dir, big, 6),
    referenceStock: REFERENCE.stockCImg['1.6MP'],
    referenceLibjpeg: REFERENCE.libjpeg['1.6MP'],
  }
  result['256x256'] = {
    imagesPerSecondOneThread: await pdqRate(small, 40),
    imagesPerSecondAllCores: await pdqPoolRate(dir, small, 60),
    referenceStock: REFERENCE.stockCImg['256x256'],
    referenceLibjpeg: REFERENCE.libjpeg['256x256'],
  }
  return result
}

function benchSearch() {
  const random = seededRandom(2024)
  const n = 1_000_000
  const hashes = new Uint32Array(n * WORDS_PER_HASH)
  // Half uniformly random, half in 10,000 clusters of near-duplicates (0..40 bits from a centre).
  for (let i = 0; i < (n / 2) * WORDS_PER_HASH; i++) hashes[i] = Math.floor(random() * 2 ** 32)
  const centres = 10_000
  for (let i = n / 2; i < n; i++) {
    const c = Math.floor(random() * centres)
    hashes.copyWithin(i * WORDS_PER_HASH, c * WORDS_PER_HASH, (c + 1) * WORDS_PER_HASH)
    const flips = Math.floor(random() * 41)
    for (let f = 0; f < flips; f++) {
      const bit = Math.floor(random() * 256)
      const w = i * WORDS_PER_HASH + (bit >> 5)
      hashes[w] = ((hashes[w] as number) ^ (1 << (bit & 31))) >>> 0
    }
  }
  const buildStart = process.hrtime.bigint()
  const index = new PdqMultiIndex(hashes, n)
  const buildSeconds = seconds(buildStart)
  const q = 5000
  const queries = new Uint32Array(q * WORDS_PER_HASH)
  for (let i = 0; i < q; i++) {
    if (i % 2 === 0) {
      // near a stored hash (found), like a re-encoded copy of known material
      const s = Math.floor(random() * n)
      queries.set(hashes.subarray(s * WORDS_PER_HASH, (s + 1) * WORDS_PER_HASH), i * WORDS_PER_HASH)
      for (let f = 0; f < 20; f++) {
        const bit = Math.floor(random() * 256)
        const w = i * WORDS_PER_HASH + (bit >> 5)
        queries[w] = ((queries[w] as number) ^ (1 << (bit & 31))) >>> 0
      }
    } else {
      for (let w = 0; w < WORDS_PER_HASH; w++)
        queries[i * WORDS_PER_HASH + w] = Math.floor(random() * 2 ** 32)
    }
  }
  let found = 0
  let searchSeconds = Number.POSITIVE_INFINITY
  for (let run = 0; run < 3; run++) {
    found = 0
    const start = process.hrtime.bigint()
    for (let i = 0; i < q; i++) found += index.search(queries, 31, i * WORDS_PER_HASH).length
    searchSeconds = Math.min(searchSeconds, seconds(start))
  }
  const bruteQueries = 20
  const bruteStart = process.hrtime.bigint()
  for (let i = 0; i < bruteQueries; i++) bruteForceSearch(hashes, n, queries, 31, i * WORDS_PER_HASH)
  const bruteSeconds = seconds(bruteStart)
  return {
    hashes: n,
    radius: 31,
    buildSeconds: round(buildSeconds, 2),
    indexMb: round(index.indexBytes / 1048576),
    hashesMb: round(hashes.byteLength / 1048576),
    queries: q,
    matchesFound: found,
    queriesPerSecond: Math.round(q / searchSeconds),
    bruteForceQueriesPerSecond: round(bruteQueries / bruteSeconds, 1),
    target: 500,
  }
}

function round(x: number, places = 0): number {
  const f = 10 ** places
  return Math.round(x * f) / f
}

export async function benchTriage(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kestrel-bench-triage-'))
  try {
    const fileHashing = await benchFileHashing(dir)
    for (const f of await readdir(dir)) await rm(path.join(dir, f))
    const pdq = await benchPdq(dir)
    const search = benchSearch()
    return {
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        node: process.version,
        loadAverage: loadavg()[0],
      },
      fileHashing,
      pdq,
      search,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

function printTable(results: Record<string, unknown>) {
  const rows: [string, string, string][] = []
  const fh = results.fileHashing as Record<string, number>
  rows.push([
    'File hashing, sha1sum',
    `${fh.sha1sumMbPerS} MB/s`,
    `${fh.dataMb} MB, page cache warm, fastest of 3`,
  ])
  rows.push(['File hashing, Kestrel MD5+SHA-1', `${fh.kestrelMd5Sha1MbPerS} MB/s`, `${fh.workers} workers`])
  rows.push(['  ratio to sha1sum', `${fh.ratioToSha1sum}`, 'target >= 0.8'])
  rows.push(['File hashing, Kestrel one thread', `${fh.kestrelOneThreadMbPerS} MB/s`, ''])
  const pdq = results.pdq as Record<string, Record<string, number> | string>
  const vp = pdq.vectorPhotos
  rows.push([
    'PDQ, vector photos',
    typeof vp === 'string' || vp === undefined ? String(vp) : `${vp.imagesPerSecondOneThread} img/s`,
    'one thread, decode + hash',
  ])
  for (const size of ['1.6MP', '256x256']) {
    const r = pdq[size] as Record<string, number>
    rows.push([
      `PDQ, ${size} JPEG, one thread`,
      `${r.imagesPerSecondOneThread} img/s`,
      `reference ${r.referenceStock} stock, ${r.referenceLibjpeg} libjpeg`,
    ])
    rows.push([`PDQ, ${size} JPEG, all cores`, `${r.imagesPerSecondAllCores} img/s`, ''])
  }
  const s = results.search as Record<string, number>
  rows.push([
    'PDQ search, 1M hashes, r=31',
    `${s.queriesPerSecond} q/s`,
    `target >= ${s.target}; build ${s.buildSeconds} s, index ${s.indexMb} MB`,
  ])
  rows.push(['  brute force for comparison', `${s.bruteForceQueriesPerSecond} q/s`, ''])
  const w0 = Math.max(...rows.map((r) => r[0].length))
  const w1 = Math.max(...rows.map((r) => r[1].length))
  const machine = results.machine as Record<string, unknown>
  console.log(
    `${machine.cpus} CPUs (${machine.model}), Node ${machine.node}, load average ${machine.loadAverage}`,
  )
  for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`)
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href
if (isMain) {
  const results = await benchTriage()
  printTable(results)
  console.log(JSON.stringify(results, null, 2))
}
