// The steady sweep, one minute after the demo's data was imported with nothing written since: each time-based
// rule's time in the steady sweep (the rules swept by their due times read only what fell due), beside the
// same rule derived whole at the same instant, in the same run. Usage:
//   node --import tsx bench/steady.ts [--scale 0.1] [--seed 2018] [--until 2026-06-01] [--db pglite|postgres]
import { seedDemo } from '../test/calibration/measure.ts'
import { demoForceOptions, fixedClock, onFreshKestrel } from './lib/demo-force.ts'

const { scale, seed, until, db } = demoForceOptions(process.argv.slice(2))
const clock = fixedClock(until)
await onFreshKestrel(db, clock, async (kestrel, database) => {
  const { standards } = kestrel.services
  const outcome = await seedDemo(kestrel.services, { scale, seed, until })
  // Settle what the clock owes at the import's instant, then a minute passes with nothing written.
  await standards.sweep({ timeBasedOnly: true })
  clock.set(new Date(until.getTime() + 60_000))
  const started = performance.now()
  const steady = await standards.sweep({ timeBasedOnly: true })
  const steadyMs = performance.now() - started
  const byDueTimes = steady.filter((r) => r.dueRecords !== undefined)
  const whole = await standards.sweep({ ruleIds: byDueTimes.map((r) => r.ruleId) })
  console.log(
    `Scale ${scale}, ${database.version}: ${outcome.lines} records; steady sweep one minute on, nothing written: ` +
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
})
