import { openMigratedDatabase } from '../kestrel.ts'
import type { Command } from './command.ts'

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Bring the database schema up to date',
  help: `Usage: kestrel migrate

Applies every migration not yet applied to the configured database (DATABASE_URL, or the embedded
database in KESTREL_DATA_DIR) and lists what it applied. Safe to run again: it does nothing when the
schema is current. "kestrel serve" also migrates at start.`,
  async run(_args, config) {
    const { handle, applied } = await openMigratedDatabase(config())
    await handle.close()
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'Schema is up to date.',
    )
    return 0
  },
}
