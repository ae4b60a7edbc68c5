import path from 'node:path'
import { parseArgs } from 'node:util'
import { accessLogService } from '../platform/access/access-log.ts'
import { systemClock } from '../platform/clock.ts'
import type { Config } from '../platform/config.ts'
import { BackupError, backupDatabase, describeCounts, restoreDatabase } from '../platform/db/backup.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

function where(config: Config): string {
  return config.database.kind === 'postgres'
    ? 'the PostgreSQL database in DATABASE_URL'
    : `the embedded database in ${config.database.dataDir}`
}

function fileArgument(args: string[], options: { force?: { type: 'boolean' } } = {}) {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (parsed.positionals.length !== 1) throw new UsageError('give one FILE')
  return { file: path.resolve(parsed.positionals[0] as string), force: Boolean(parsed.values.force) }
}

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Back up the whole database to a file',
  help: `Usage: kestrel backup FILE

Writes the whole database to FILE, which must not exist yet:
  - the embedded database: PGlite's dump of its data folder, gzipped (FILE.tar.gz by convention). It
    takes the folder's lock, so stop the server first (the embedded database serves one process).
  - PostgreSQL (DATABASE_URL): pg_dump's custom format (FILE.dump), from one snapshot while the server runs.
    Needs pg_dump on PATH, of the server's major version or later.
Prints the number of tables and rows it saved, to compare with "kestrel restore". Restore with
"kestrel restore FILE" into an empty database of the same kind.`,
  async run(args, config) {
    const { file } = fileArgument(args)
    const settings = config()
    try {
      const outcome = await backupDatabase(settings, file)
      console.log(
        `Backed up ${where(settings)} to ${file} (${(outcome.bytes / 1024 / 1024).toFixed(1)} MB): ${describeCounts(outcome.counts)}`,
      )
      return 0
    } catch (error) {
      if (!(error instanceof BackupError)) throw error
      console.error(`kestrel backup: ${error.message}`)
      return 1
    }
  },
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Restore a backup into an empty database',
  help: `Usage: kestrel restore FILE [--force]

Restores a backup made by "kestrel backup" into the configured database, which must be of the same kind
(a backup of the embedded database into KESTREL_DATA_DIR, a PostgreSQL one into DATABASE_URL) and empty:
  - the embedded database: a data folder that does not exist or is empty;
  - PostgreSQL: a database with no tables (createdb a new one); the restore is one transaction, so one
    that fails leaves it empty. Needs pg_restore on PATH.
  --force   restore over what is there: the embedded database's folder is first moved aside to
            FOLDER.before-restore-<time> (nothing is deleted); on PostgreSQL every schema in the database
            (Kestrel's tables, pg-boss's) is dropped first.
Then checks the restored access log's chain, and prints the tables and rows restored (compare them with
what "kestrel backup" printed). Exits 1 if the database is not empty, the file is not a backup of this
kind of database, or the access log is not intact. The server migrates a restored older schema when it
starts.`,
  async run(args, config) {
    const { file, force } = fileArgument(args, { force: { type: 'boolean' } })
    const settings = config()
    let restored: Awaited<ReturnType<typeof restoreDatabase>>
    try {
      restored = await restoreDatabase(settings, file, { force, now: systemClock.now() })
    } catch (error) {
      if (!(error instanceof BackupError)) throw error
      console.error(`kestrel restore: ${error.message}`)
      return 1
    }
    try {
      if (restored.movedAside)
        console.log(`Moved what was in the data folder aside to ${restored.movedAside}`)
      console.log(`Restored ${file} into ${where(settings)}: ${describeCounts(restored.counts)}`)
      const verified = await accessLogService(restored.db, systemClock).verify()
      if (verified.ok) {
        console.log(`Access log verified: ${verified.rows} entries, chain intact`)
        return 0
      }
      console.error(
        `Access log NOT intact after the restore: first bad entry is seq ${verified.firstProblem?.seq} (${verified.firstProblem?.message})`,
      )
      return 1
    } finally {
      await restored.close()
    }
  },
}
