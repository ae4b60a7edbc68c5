// How often each rule fires on the demo force, measured: the demo's data generated and imported on a fresh
// database as `npm start` does, every rule swept at the demo's end, and a table of rule, records, judged,
// raising and share beside each rule's stated band (test/calibration/targets.ts), and what each demo
// account's My work holds at the end. Usage:
//   node --import tsx bench/calibrate.ts [--scale 0.1] [--seed 2018] [--until 2018-09-01] [--db pglite|postgres]
// On PostgreSQL the server is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { demoWork } from '../src/cli/demo.ts'
import { calibration, formatKinds, formatRates, seedDemo } from '../test/calibration/measure.ts'
import {
  breachTargets,
  calibrationTargets,
  kindsOutsideBand,
  outsideBand,
} from '../test/calibration/targets.ts'
import { demoForceOptions, fixedClock, onFreshKestrel } from './lib/demo-force.ts'

const { scale, seed, until, db } = demoForceOptions(process.argv.slice(2))
await onFreshKestrel(db, fixedClock(until), async (kestrel, database) => {
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
  console.log("\nEach demo account's My work at the end (due within the day, within the week, overdue):")
  for (const [role, w] of Object.entries(await demoWork(kestrel.services)))
    console.log(
      `${role.padEnd(22)} ${String(w.today).padStart(5)} ${String(w.week).padStart(5)} ${String(w.overdue).padStart(5)}`,
    )
  console.log(
    outside.length ? `\nOutside their bands: ${outside.join(', ')}` : '\nEvery rule within its band.',
  )
})
