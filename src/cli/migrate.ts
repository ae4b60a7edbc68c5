import { openMigratedDatabase } from '../kestrel.ts'
import { ensureOrganisation } from '../modules/organisation/london-seed.ts'
import type { Command } from './command.ts'

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Bring the database schema up to date',
  help: `Usage: kestrel migrate

Applies every migration not yet applied to the configured database (DATABASE_URL, or the embedded
database in KESTREL_DATA_DIR) and lists what it applied, then sets up the force (the Metropolitan Police
Service, its 32 boroughs and 12 BCUs) when the database has none, as "kestrel serve" does, so a first
"kestrel import" finds the boroughs its lines name. Safe to run again: it does nothing when the schema is
current and a force exists. "kestrel serve" and "kestrel import" also migrate at start.`,
  async run(_args, config) {
    const { handle, applied } = await openMigratedDatabase(config())
    let seeded: boolean
    try {
      seeded = await ensureOrganisation({ db: handle.db })
    } finally {
      await handle.close()
    }
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'Schema is up to date.',
    )
    if (seeded) console.log('Set up the force: the Metropolitan Police Service, its boroughs and BCUs.')
    return 0
  },
}
