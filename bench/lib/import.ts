import { chmodSync, closeSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { type Importer, parseBatch } from '../../src/platform/import/importer.ts'
import { seededRandom } from '../../src/platform/seed/random.ts'
import {
  refreshEvery,
  refreshStatistics,
  type SeedGenerator,
  worthRefreshing,
} from '../../src/platform/seed/seeder.ts'
import type { Services } from '../../src/services.ts'
import type { BenchDatabase } from './database.ts'
import { round, timed } from './stats.ts'

export interface GeneratedData {
  /** Each generator's lines, as JSON text, in the order the seeder writes them. */
  byGenerator: { name: string; lines: string[] }[]
  total: number
  until: Date
}

/** The seed generators' lines at a scale, generated up front so the timing is of the import alone. */
export function generate(
  generators: SeedGenerator[],
  scale: number,
  seed: number,
  until: Date,
): GeneratedData {
  // As runSeed does: one random stream per generator, forked by name, and what earlier ones shared.
  const root = seededRandom(seed)
  const from = new Date(until.getTime() - 365 * 86_400_000)
  const shared = new Map<string, unknown>()
  const byGenerator = generators.map((g) => ({
    name: g.name,
    lines: [...g.generate({ scale, random: root.fork(g.name), until, from, shared })].map((r) =>
      JSON.stringify(r),
    ),
  }))
  return { byGenerator, total: byGenerator.reduce((n, g) => n + g.lines.length, 0), until }
}

export interface ImportFigures {
  records: number
  batchSize: number
  importSeconds: number
  importRate: number
  byGenerator: { name: string; records: number; seconds: number; rate: number }[]
  copyRows: number
  copySeconds: number
  copyRate: number
  copyMethod: string
  /** importRate / copyRate: the target is at least 0.5. */
  ratio: number
  /**
   * Not the target, a reference beside it: the rate of the import's first step alone (JSON, envelope and
   * each kind's schema, no database), the ceiling of any importer that validates every line.
   */
  validateRate: number
  validateRatio: number
}

/** The same batches through `parseBatch` only, timed: the validation an import does before the database. */
function validationRate(services: Services, data: GeneratedData, batchSize = 5000) {
  const byKind = new Map(services.imports.kinds().map((k) => [k.kind, { definition: k }]))
  let ms = 0
  for (const g of data.byGenerator)
    for (let start = 0; start < g.lines.length; start += batchSize) {
      const text = g.lines.slice(start, start + batchSize).join('\n')
      const started = performance.now()
      parseBatch(text, byKind)
      ms += performance.now() - started
    }
  return data.total / (ms / 1000)
}

/** Imports every line through the importer, in the seeder's batches of 5000 (one transaction each). */
export async function importAll(
  imports: Importer,
  data: GeneratedData,
  refresh: (endOfGenerator: boolean) => Promise<void>,
  batchSize = 5000,
) {
  const byGenerator: ImportFigures['byGenerator'] = []
  let total = 0
  for (const g of data.byGenerator) {
    let ms = 0
    for (let start = 0; start < g.lines.length; start += batchSize) {
      const text = g.lines.slice(start, start + batchSize).join('\n')
      const [, took] = await timed(() => imports.run(text, `bench:${g.name}`))
      ms += took
      // As the seeder does (and autovacuum would): the statistics refreshed as the tables grow, timed too.
      const last = start + batchSize >= g.lines.length
      if ((last && worthRefreshing(g.lines.length)) || (start / batchSize + 1) % refreshEvery === 0)
        ms += (await timed(() => refresh(last)))[1]
      process.stderr.write(
        `\r  import ${g.name}: ${Math.min(start + batchSize, g.lines.length)}/${g.lines.length}   `,
      )
    }
    process.stderr.write('\n')
    total += ms
    byGenerator.push({
      name: g.name,
      records: g.lines.length,
      seconds: round(ms / 1000, 2),
      rate: round(g.lines.length / (ms / 1000), 0),
    })
  }
  return { ms: total, byGenerator }
}

/** One line of COPY text format: a JSON line holds no tab or newline, only backslashes need escaping. */
const copyLine = (line: string) => `${line.replace(/\\/g, '\\\\')}\n`

/**
 * The COPY input as a file, written a slice of lines at a time: at scale 10 the whole text is longer than
 * the longest string V8 allows.
 */
function writeCopyFile(file: string, lines: readonly string[]) {
  const fd = openSync(file, 'w', 0o644)
  try {
    for (let i = 0; i < lines.length; i += 10_000)
      writeSync(
        fd,
        lines
          .slice(i, i + 10_000)
          .map(copyLine)
          .join(''),
      )
  } finally {
    closeSync(fd)
  }
  chmodSync(file, 0o644)
}

/**
 * The baseline: PostgreSQL COPY of the same lines, each record's JSON text into a one-column text table with
 * no index, no constraint and no key: the least work a database can do to keep the rows.
 */
export async function copyBaseline(database: BenchDatabase, data: GeneratedData) {
  const lines = data.byGenerator.flatMap((g) => g.lines)
  const db = database.handle.db
  await sql`create unlogged table if not exists bench_copy_probe (line text)`.execute(db)
  await sql`drop table bench_copy_probe`.execute(db)
  const samples: number[] = []
  let method = ''
  const file = path.join(tmpdir(), `kestrel-bench-copy-${process.pid}.txt`)
  if (database.kind === 'postgres') writeCopyFile(file, lines)
  // Three runs into a fresh table each time; the fastest is the baseline (the most generous to COPY).
  try {
    for (let run = 0; run < 3; run++) {
      await sql`drop table if exists bench_copy`.execute(db)
      await sql`create table bench_copy (line text)`.execute(db)
      if (database.kind === 'postgres') {
        const [, ms] = await timed(() => sql`copy bench_copy (line) from ${sql.lit(file)}`.execute(db))
        samples.push(ms)
        method = "server-side COPY bench_copy FROM '/tmp/file' (text format), same machine"
      } else {
        const pglite = database.handle.pglite
        if (!pglite) throw new Error('no PGlite handle')
        // A Blob of many parts: one string of every line would be too long at scale 10.
        const blob = new Blob(lines.map(copyLine))
        const [, ms] = await timed(() =>
          pglite.query(`copy bench_copy (line) from '/dev/blob'`, [], { blob }),
        )
        samples.push(ms)
        method = "PGlite COPY bench_copy FROM '/dev/blob' (text format)"
      }
    }
  } finally {
    rmSync(file, { force: true })
  }
  const { rows } = await sql<{ n: number }>`select cast(count(*) as integer) as n from bench_copy`.execute(db)
  await sql`drop table bench_copy`.execute(db)
  const ms = Math.min(...samples)
  return { rows: rows[0]?.n ?? 0, ms, method }
}

export async function benchImport(
  services: Services,
  database: BenchDatabase,
  data: GeneratedData,
): Promise<ImportFigures> {
  const imported = await importAll(services.imports, data, (vacuum) => refreshStatistics(services.db, vacuum))
  const copy = await copyBaseline(database, data)
  const importRate = data.total / (imported.ms / 1000)
  const copyRate = copy.rows / (copy.ms / 1000)
  const validateRate = validationRate(services, data)
  return {
    records: data.total,
    batchSize: 5000,
    importSeconds: round(imported.ms / 1000, 2),
    importRate: round(importRate, 0),
    byGenerator: imported.byGenerator,
    copyRows: copy.rows,
    copySeconds: round(copy.ms / 1000, 3),
    copyRate: round(copyRate, 0),
    copyMethod: copy.method,
    ratio: round(importRate / copyRate, 3),
    validateRate: round(validateRate, 0),
    validateRatio: round(validateRate / copyRate, 3),
  }
}
