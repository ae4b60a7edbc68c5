// Does the import leave the findings as a full derivation would? The demo's data generated and imported on a
// fresh database at a fixed instant, then the consistency check at that same instant: the steady sweep should
// change nothing (the clock has not moved, so anything it changes a write left for it) and the full pass find
// no difference. Prints both, by rule. Usage:
//   node --import tsx bench/consistency.ts [--scale 0.1] [--seed 2018] [--until 2026-06-01] [--db pglite|postgres]
// On PostgreSQL the server is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { checkConsistency } from '../src/standards/consistency.ts'
import { seedDemo } from '../test/calibration/measure.ts'
import { demoForceOptions, fixedClock, onFreshKestrel } from './lib/demo-force.ts'

const { scale, seed, until, db } = demoForceOptions(process.argv.slice(2))
await onFreshKestrel(db, fixedClock(until), async (kestrel, database) => {
  const outcome = await seedDemo(kestrel.services, { scale, seed, until })
  const report = await checkConsistency(kestrel.services.standards, { asOf: until })
  const moved = report.steady.filter((r) => r.opened + r.changed > 0)
  console.log(
    `Scale ${scale}, ${database.version}: ${outcome.lines} records imported at ${until.toISOString()}`,
  )
  console.log(
    `Steady sweep at the import's instant: ${
      moved.length
        ? moved.map((r) => `${r.ruleId} opened ${r.opened}, changed ${r.changed}`).join('; ')
        : 'nothing changed'
    }`,
  )
  console.log(
    `Full pass: ${
      report.differences.length
        ? report.differences
            .map(
              (d) =>
                `${d.ruleId} ${d.missing} missing, ${d.outOfDate} out of date, ${d.noLongerOwed} no longer owed`,
            )
            .join('; ')
        : 'no difference'
    }`,
  )
  for (const r of report.failed) console.log(`${r.ruleId} failed: ${r.error}`)
})
