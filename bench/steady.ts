// The steady sweep, one minute after the demo's data was imported with nothing written since: each time-based
// rule's time in the steady sweep (the rules swept by their due times read only what fell due), beside the
// same rule derived whole at the same instant, in the same run. Usage:
//   node --import tsx bench/steady.ts [--scale 0.1] [--seed 2018] [--until 2026-06-01] [--db pglite|postgres]
//     [--keep | --reuse kestrel_bench_…]   (PostgreSQL: keep the imported database, or measure a kept one again)
import { sql } from 'kysely'
import type { Database } from '../src/platform/db/database.ts'
import { seedDemo } from '../test/calibration/measure.ts'
import { demoForceOptions, fixedClock, onFreshKestrel } from './lib/demo-force.ts'

const { scale, seed, until, db, keep, reuse } = demoForceOptions(process.argv.slice(2))
const clock = fixedClock(until)

async function furthestSwept(db: Database, until: Date): Promise<Date> {
  const { rows } = await sql<{ at: Date | null }>`select max(swept_to) as at from rule_swept_to`.execute(db)
  const at = rows[0]?.at
  return at && at > until ? at : until
}

await onFreshKestrel(
  db,
  clock,
  async (kestrel, database) => {
    const { standards } = kestrel.services
    const lines = reuse ? 'the kept' : (await seedDemo(kestrel.services, { scale, seed, until })).lines
    // Settle what the clock owes at the import's instant, then a minute passes with nothing written. A kept
    // database reused starts where its last run's clock left it, so each run sweeps a minute not yet swept.
    if (reuse) clock.set(await furthestSwept(kestrel.services.db, until))
    await standards.sweep({ timeBasedOnly: true })
    clock.set(new Date(clock.now().getTime() + 60_000))
    const started = performance.now()
    const steady = await standards.sweep({ timeBasedOnly: true })
    const steadyMs = performance.now() - started
    const byDueTimes = steady.filter((r) => r.dueRecords !== undefined)
    const whole = await standards.sweep({ ruleIds: byDueTimes.map((r) => r.ruleId) })
    console.log(
      `Scale ${scale}, ${database.version}: ${lines} records; steady sweep one minute on, nothing written: ` +
        `${steady.length} rules in ${(steadyMs / 1000).toFixed(2)} s`,
    )
    console.log('rule    steady ms  records read  derived whole ms')
    for (const r of byDueTimes) {
      const w = whole.find((x) => x.ruleId === r.ruleId)
      console.log(
        `${r.ruleId.padEnd(8)}${String(r.ms).padStart(9)}  ${String(r.dueRecords).padStart(12)}  ${String(w?.ms).padStart(16)}`,
      )
    }
    const rest = steady.filter((r) => r.dueRecords === undefined)
    console.log(
      `The other ${rest.length} time-based rules, derived whole: ${rest.reduce((n, r) => n + r.ms, 0)} ms in all, slowest ` +
        rest
          .sort((a, b) => b.ms - a.ms)
          .map((r) => `${r.ruleId} ${r.ms} ms`)
          .join(', '),
    )
  },
  { keep, reuse },
)
