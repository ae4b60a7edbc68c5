import { setUpForce } from '../force-setup.ts'
import { openMigratedDatabase } from '../kestrel.ts'
import type { Command } from './command.ts'

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Bring the database schema up to date',
  help: `Usage: kestrel migrate

Applies every migration not yet applied to the configured database (DATABASE_URL, or the embedded
database in KESTREL_DATA_DIR) and lists what it applied, then sets up what a force's database holds from
the start when it is not there, as "kestrel serve" does: the force (the Metropolitan Police Service, its 32
boroughs and 12 BCUs), so a first "kestrel import" finds the boroughs its lines name, and the 2016 and 2018
inspection reports' recommendations for the tracker. Safe to run again: it does nothing when the schema is
current and a force exists. "kestrel serve" and "kestrel import" also migrate at start.`,
  async run(_args, config) {
    const { handle, applied } = await openMigratedDatabase(config())
    let setUp: string[]
    try {
      setUp = await setUpForce(handle.db)
    } finally {
      await handle.close()
    }
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'Schema is up to date.',
    )
    for (const line of setUp) console.log(line)
    return 0
  },
}
