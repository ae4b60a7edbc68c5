import { parseArgs } from 'node:util'
import { setUpForce } from '../force-setup.ts'
import { buildKestrel, openMigratedDatabase } from '../kestrel.ts'
import { seedGenerators } from '../modules.ts'
import { refreshStatistics, runSeed } from '../platform/seed/seeder.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

export const seedCommand: Command = {
  name: 'seed',
  summary: 'Generate a deterministic synthetic force for demonstration and benchmarks',
  help: `Usage: kestrel seed [--scale N] [--seed S] [--until YYYY-MM-DD]

Writes a synthetic London (organisation, staff, children and a year of work in every module, with
practice failings at the rates the inspection found) through the import path. The same seed and date give
the same data. Scale 1 is about the size of the force in the report; 0.1 about one BCU. No real person's
data is used. A new database gets the force's 32 boroughs and 12 BCUs first, as "kestrel serve --demo" does.
  --scale N            size relative to the force in the report (default 0.1)
  --seed S             random seed (default 2018)
  --until YYYY-MM-DD   the last day of the demo year (default today)`,
  async run(args, config) {
    const { values } = parseArgs({
      args,
      options: { scale: { type: 'string' }, seed: { type: 'string' }, until: { type: 'string' } },
    })
    const scale = Number(values.scale ?? '0.1')
    const seed = Number(values.seed ?? '2018')
    if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
      throw new UsageError('--scale must be a number above 0 and at most 100')
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be a whole number')
    // Midnight of the day (today by default), so the same seed and date give the same data.
    const until = new Date(`${values.until ?? new Date().toISOString().slice(0, 10)}T00:00:00Z`)
    if (Number.isNaN(until.getTime())) throw new UsageError('--until must be a date as YYYY-MM-DD')
    const settings = config()
    const { handle } = await openMigratedDatabase(settings)
    // The force as serve, migrate and import set it up, so a seeded database is the one `serve --demo` makes.
    await setUpForce(handle.db)
    const kestrel = await buildKestrel(settings, handle)
    try {
      const outcome = await runSeed(kestrel.services.imports, seedGenerators, {
        scale,
        seed,
        until,
        progress: true,
        refresh: (vacuum) => refreshStatistics(kestrel.services.db, vacuum),
      })
      console.log(
        `Seeded ${outcome.lines} records in ${outcome.seconds.toFixed(1)} s (scale ${scale}, seed ${seed})`,
      )
      for (const [name, n] of Object.entries(outcome.byGenerator)) console.log(`  ${name}: ${n}`)
      return 0
    } finally {
      await kestrel.close()
      await handle.close()
    }
  },
}
