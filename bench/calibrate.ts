// How often each rule fires on the demo force, measured: the demo's data generated and imported on a fresh
// database as `npm start` does, every rule swept at the demo's end, and a table of rule, records, judged,
// raising and share beside each rule's stated band (test/calibration/targets.ts). Usage:
//   node --import tsx bench/calibrate.ts [--scale 0.1] [--seed 2018] [--until 2018-09-01] [--db pglite|postgres]
// On PostgreSQL the server is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { parseArgs } from 'node:util'
import { buildKestrel } from '../src/kestrel.ts'
import { fixedClock } from '../src/platform/clock.ts'
import { loadConfig } from '../src/platform/config.ts'
import { calibration, formatKinds, formatRates, seedDemo } from '../test/calibration/measure.ts'
import {
  breachTargets,
  calibrationTargets,
  kindsOutsideBand,
  outsideBand,
} from '../test/calibration/targets.ts'
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
const scale = Number(values.scale)
const seed = Number(values.seed)
const until = new Date(`${values.until}T00:00:00Z`)
const kind = values.db === 'postgres' ? 'postgres' : 'pglite'
const database = await freshDatabase(
  kind,
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
)
const kestrel = await buildKestrel(
  loadConfig({ NODE_ENV: 'development', KESTREL_LOG_LEVEL: 'silent' }),
  database.handle,
  fixedClock(until),
)
try {
  const started = performance.now()
  const outcome = await seedDemo(kestrel.services, { scale, seed, until })
  const seeded = performance.now()
  const { rules: rates, kinds } = await calibration(kestrel.services, until)
  console.log(
    `Scale ${scale}, seed ${seed}, until ${until.toISOString()}, ${database.version}: ${outcome.lines} records ` +
      `imported in ${((seeded - started) / 1000).toFixed(1)} s, rules swept in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  )
  console.log(formatRates(rates, calibrationTargets))
  console.log('\nRecords with any finding breached, by kind:')
  console.log(formatKinds(kinds, breachTargets))
  const outside = [...outsideBand(rates, scale), ...kindsOutsideBand(kinds)]
  console.log(
    outside.length ? `\nOutside their bands: ${outside.join(', ')}` : '\nEvery rule within its band.',
  )
} finally {
  await kestrel.close()
  await database.drop()
}
