// Kestrel's benchmarks (issue 3, item 8): every figure a ratio or a percentile measured in one run, on one
// machine, on data the seed generators wrote through the import path. Usage:
//   npm run bench -- [--scale N] [--db pglite|postgres]
//                    [--only import,sweep,evaluate,myteam,caseload,export,dashboard,serve,triage] [--generators organisation,...]
//                    [--seed S] [--until YYYY-MM-DD] [--keep (PostgreSQL: leave the database)]
// Writes bench/results/<timestamp>-<db>.json and the results part of bench/README.md (a run of some
// generators only writes its own part, named after them, and leaves the whole force's figures as they were).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, freemem, release, tmpdir, totalmem, type } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { buildKestrel, type Kestrel } from '../src/kestrel.ts'
import { migrations, seedGenerators } from '../src/modules.ts'
import { sessionStore } from '../src/platform/auth/sessions.ts'
import { fixedClock, systemClock } from '../src/platform/clock.ts'
import { loadConfig } from '../src/platform/config.ts'
import { openPglite } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrator.ts'
import { refreshStatistics } from '../src/platform/seed/seeder.ts'
import { benchCaseload } from './lib/caseload.ts'
import { benchDashboard } from './lib/dashboard.ts'
import { type BenchDatabase, freshDatabase } from './lib/database.ts'
import { benchExport } from './lib/export.ts'
import { benchImport, generate, importAll } from './lib/import.ts'
import { benchColdStart, benchLoad, benchMyTeam, busiestTeamMember } from './lib/pages.ts'
import { writeReadme } from './lib/report.ts'
import type { BenchResults } from './lib/results.ts'
import { round } from './lib/stats.ts'
import { benchEvaluate, benchSweep } from './lib/sweep.ts'

const phases = [
  'import',
  'sweep',
  'evaluate',
  'myteam',
  'caseload',
  'export',
  'dashboard',
  'serve',
  'triage',
] as const
type Phase = (typeof phases)[number]

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      scale: { type: 'string', default: '1' },
      db: { type: 'string' },
      only: { type: 'string' },
      seed: { type: 'string', default: '2018' },
      until: { type: 'string', default: '2018-10-01' },
      keep: { type: 'boolean', default: false },
      generators: { type: 'string' },
    },
  })
  const scale = Number(values.scale)
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new Error('--scale must be above 0, at most 100')
  const seed = Number(values.seed)
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number')
  const db = values.db ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite')
  if (db !== 'pglite' && db !== 'postgres') throw new Error('--db must be pglite or postgres')
  if (db === 'postgres' && !process.env.DATABASE_URL) throw new Error('--db postgres needs DATABASE_URL')
  const only = values.only
    ? values.only.split(',').map((p) => p.trim())
    : phases.filter((p) => p !== 'triage')
  for (const p of only)
    if (!phases.includes(p as Phase)) throw new Error(`--only: unknown ${p} (${phases.join(', ')})`)
  const until = new Date(`${values.until}T00:00:00Z`)
  if (Number.isNaN(until.getTime())) throw new Error('--until must be YYYY-MM-DD')
  if (values.keep && db !== 'postgres') throw new Error('--keep needs PostgreSQL (DATABASE_URL)')
  // Some generators only (a module's figures at a scale the whole force would take too long to import); each
  // reads what the ones before it shared, so the organisation's comes first whatever order they are named in.
  const named = values.generators?.split(',').map((g) => g.trim())
  for (const g of named ?? [])
    if (!seedGenerators.some((s) => s.name === g))
      throw new Error(`--generators: unknown ${g} (${seedGenerators.map((s) => s.name).join(', ')})`)
  const generators = named ? seedGenerators.filter((s) => named.includes(s.name)) : seedGenerators
  return {
    generators,
    generatorsNamed: named,
    scale,
    seed,
    db: db as 'pglite' | 'postgres',
    only: new Set(only as Phase[]),
    until,
    keep: values.keep ?? false,
  }
}

function machine() {
  const list = cpus()
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memoryGb: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${type()} ${release()}`,
  }
}

async function phase<T>(results: BenchResults, name: string, f: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now()
  process.stderr.write(`${name}...\n`)
  try {
    return await f()
  } catch (error) {
    console.error(`${name} failed: ${(error as Error).stack ?? error}`)
    results.errors.push({ phase: name, error: (error as Error).message })
    return undefined
  } finally {
    process.stderr.write(`${name}: ${round((performance.now() - started) / 1000, 1)} s\n`)
  }
}

/** A session the real server process will accept: created on the wall clock, not the benchmark's. */
async function wallClockSession(kestrel: Kestrel, staffId: string | null) {
  const user = await kestrel.services.db
    .insertInto('app_user')
    .values({
      username: `bench.load.${Date.now()}`,
      display_name: 'Load test',
      roles: ['supervisor'],
      staff_id: staffId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const session = await sessionStore(kestrel.services.db, systemClock, 8, 30).create(user.id, {})
  return `kestrel_session=${session.token}`
}

async function main() {
  const o = options()
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim()
  const prefix = o.db === 'postgres' ? 'DATABASE_URL=postgres://... ' : ''
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    command: `${prefix}${command}`,
    scale: o.scale,
    seed: o.seed,
    until: o.until.toISOString().slice(0, 10),
    machine: machine(),
    database: { kind: o.db, version: '' },
    errors: [],
    ...(o.generatorsNamed ? { generators: o.generatorsNamed } : {}),
  }
  const needsData = [
    'import',
    'sweep',
    'evaluate',
    'myteam',
    'caseload',
    'export',
    'dashboard',
    'serve',
  ].some((p) => o.only.has(p as Phase))
  let database: BenchDatabase | undefined
  let kestrel: Kestrel | undefined
  try {
    if (needsData) {
      database = await freshDatabase(o.db, process.env.DATABASE_URL)
      results.database.version = database.version
      console.error(`Database: ${database.version}${database.name ? ` (${database.name})` : ''}`)
      const config = loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' })
      // The evaluation clock is the end of the demo year, so single-record evaluation sees what the sweep saw.
      kestrel = await buildKestrel(config, database.handle, fixedClock(o.until.toISOString()))
      const services = kestrel.services
      const data = generate(o.generators, o.scale, o.seed, o.until)
      console.error(
        `Generated ${data.total} records (${data.byGenerator.map((g) => `${g.name} ${g.lines.length}`).join(', ')})`,
      )
      if (o.only.has('import')) {
        results.import = await phase(results, 'import', () =>
          benchImport(services, database as BenchDatabase, data),
        )
      } else {
        const [, ms] = await (async () => {
          const s = performance.now()
          const r = await importAll(services.imports, data, (vacuum) =>
            refreshStatistics(services.db, vacuum),
          )
          return [r, performance.now() - s] as const
        })()
        results.seedSeconds = round(ms / 1000, 1)
      }
      // The findings are brought up to date at the end of the demo year before anything reads them: timed
      // rule by rule when the sweep phase is asked for, otherwise one plain sweep of every rule.
      if (o.only.has('sweep'))
        results.sweep = await phase(results, 'sweep', () => benchSweep(services, o.until))
      else await services.standards.sweep({ asOf: o.until })
      if (o.only.has('evaluate'))
        results.evaluate = await phase(results, 'evaluate', () => benchEvaluate(services))
      if (o.only.has('myteam'))
        results.myTeam = await phase(results, 'myteam', () => benchMyTeam(kestrel as Kestrel))
      if (o.only.has('caseload'))
        results.caseload = await phase(results, 'caseload', () => benchCaseload(kestrel as Kestrel))
      if (o.only.has('dashboard'))
        results.dashboard = await phase(results, 'dashboard', () => benchDashboard(kestrel as Kestrel))
      if (o.only.has('export'))
        results.export = await phase(results, 'export', () => benchExport(kestrel as Kestrel))
      if (o.only.has('serve')) {
        results.coldStart = await phase(results, 'cold start', () => benchColdStart())
        results.load = await phase(results, 'load', async () => {
          if (database?.url) {
            const member = await busiestTeamMember(services.db)
            const cookie = await wallClockSession(kestrel as Kestrel, member?.staff_id ?? null)
            return {
              ...(await benchLoad({ databaseUrl: database.url, cookie, pathname: '/my-team' })),
              note: `On the benchmark's database at scale ${o.scale}, as the supervisor of the busiest team.`,
            }
          }
          // The embedded database lives in this process: the server gets its own, holding just the account.
          const dir = mkdtempSync(path.join(tmpdir(), 'kestrel-bench-load-'))
          try {
            const handle = await openPglite(dir)
            await migrateToLatest(handle.db, migrations)
            const own = await buildKestrel(
              loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' }),
              handle,
            )
            const cookie = await wallClockSession(own, null)
            await own.close()
            await handle.close()
            return {
              ...(await benchLoad({ cookie, prepareDataDir: dir, pathname: '/my-team' })),
              note: "On a new embedded database holding only the account (the benchmark's embedded database cannot be shared with another process).",
            }
          } finally {
            rmSync(dir, { recursive: true, force: true })
          }
        })
      }
    }
    if (o.only.has('triage')) {
      results.triage = await phase(results, 'triage', async () => {
        const { benchTriage } = await import('./triage.ts')
        return benchTriage()
      })
    }
  } finally {
    await kestrel?.close()
    // --keep leaves a PostgreSQL run's data for looking into a figure afterwards (bench/my-team.ts and
    // bench/one-record.ts take its URL); drop it by hand when done.
    if (o.keep && database?.url) {
      await database.handle.close()
      console.error(`Kept the database: ${database.url}`)
    } else await database?.drop()
  }
  const stamp = results.startedAt.replace(/[:.]/g, '-')
  mkdirSync(path.resolve('bench/results'), { recursive: true })
  const file = path.resolve('bench/results', `${stamp}-${o.db}.json`)
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  writeReadme(path.resolve('bench/README.md'), results)
  console.log(
    `Results: ${path.relative(process.cwd(), file)}; table in bench/README.md (free memory ${round(freemem() / 1024 ** 3, 1)} GB)`,
  )
  if (results.errors.length) process.exitCode = 1
}

await main()
