import { parseArgs } from 'node:util'
import { buildKestrel, type Kestrel } from '../../src/kestrel.ts'
import { type Clock, fixedClock } from '../../src/platform/clock.ts'
import { loadConfig } from '../../src/platform/config.ts'
import { type BenchDatabase, freshDatabase } from './database.ts'

/**
 * What the demo-force scripts (calibrate, consistency, steady) take: [--scale] [--seed] [--until] [--db], and on
 * PostgreSQL [--keep] (leave the imported database) or [--reuse kestrel_bench_…] (skip the import: a kept one).
 */
export function demoForceOptions(args: readonly string[]) {
  const { values } = parseArgs({
    args: [...args],
    options: {
      scale: { type: 'string', default: '0.1' },
      seed: { type: 'string', default: '2018' },
      until: { type: 'string', default: '2026-06-01' },
      db: { type: 'string', default: 'pglite' },
      keep: { type: 'boolean', default: false },
      reuse: { type: 'string' },
    },
  })
  return {
    scale: Number(values.scale),
    seed: Number(values.seed),
    until: new Date(`${values.until}T00:00:00Z`),
    db: values.db === 'postgres' ? ('postgres' as const) : ('pglite' as const),
    keep: values.keep,
    reuse: values.reuse,
  }
}

/**
 * Kestrel on a fresh database of that kind (on PostgreSQL, DATABASE_URL or the local server), on `clock`;
 * `use` runs with it, and the database is dropped afterwards whatever happens (unless kept or reused).
 */
export async function onFreshKestrel(
  db: 'pglite' | 'postgres',
  clock: Clock,
  use: (kestrel: Kestrel, database: BenchDatabase) => Promise<void>,
  keeping: { keep?: boolean; reuse?: string } = {},
) {
  const database = await freshDatabase(
    db,
    process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    keeping,
  )
  if (keeping.keep) console.log(`Keeping ${database.name}: --reuse ${database.name} measures it again`)
  const kestrel = await buildKestrel(
    loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' }),
    database.handle,
    clock,
  )
  try {
    await use(kestrel, database)
  } finally {
    await kestrel.close()
    await database.drop()
  }
}

export { fixedClock }
