// Does the import leave the findings as a full derivation would? The demo's data generated and imported on a
// fresh database at a fixed instant, then the consistency check at that same instant: the steady sweep should
// change nothing (the clock has not moved, so anything it changes a write left for it) and the full pass find
// no difference. Prints both, by rule. Usage:
//   node --import tsx bench/consistency.ts [--scale 0.1] [--seed 2018] [--until 2026-06-01] [--db pglite|postgres]
// On PostgreSQL the server is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { parseArgs } from 'node:util'
import { buildKestrel } from '../src/kestrel.ts'
import { fixedClock } from '../src/platform/clock.ts'
import { loadConfig } from '../src/platform/config.ts'
import { checkConsistency } from '../src/standards/consistency.ts'
import { seedDemo } from '../test/calibration/measure.ts'
import { freshDatabase } from './lib/database.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    scale: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '2018' },
    until: { type: 'string', default: '2026-06-01' },
    db: { type: 'string', default: 'pglite' },
  },
})
const until = new Date(`${values.until}T00:00:00Z`)
const database = await freshDatabase(
  values.db === 'postgres' ? 'postgres' : 'pglite',
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
)
const kestrel = await buildKestrel(
  loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' }),
  database.handle,
  fixedClock(until),
)
try {
  const outcome = await seedDemo(kestrel.services, {
    scale: Number(values.scale),
    seed: Number(values.seed),
    until,
  })
  const report = await checkConsistency(kestrel.services.standards, { asOf: until })
  const moved = report.steady.filter((r) => r.opened + r.changed > 0)
  console.log(
    `Scale ${values.scale}, ${database.version}: ${outcome.lines} records imported at ${until.toISOString()}`,
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
} finally {
  await kestrel.close()
  await database.drop()
}
