import { openMigratedDatabase } from '../kestrel.ts'
import { accessLogService } from '../platform/access/access-log.ts'
import { systemClock } from '../platform/clock.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the access log has not been edited or cut short',
  help: `Usage: kestrel audit verify

Walks the whole access log in order and checks every entry's hash and its link to the entry before,
and that the log still ends where Kestrel last wrote it. Prints
  Access log verified: N entries, chain intact
and exits 0; otherwise names the first entry (seq) that was changed or is missing and exits 1.
Run it on a schedule and after any restore from backup.`,
  async run(args, config) {
    if (args[0] !== 'verify' || args.length > 1) {
      throw new UsageError('expected "kestrel audit verify"')
    }
    const { handle } = await openMigratedDatabase(config())
    try {
      const result = await accessLogService(handle.db, systemClock).verify()
      if (result.ok) {
        console.log(`Access log verified: ${result.rows} entries, chain intact`)
        return 0
      }
      const problem = result.firstProblem
      console.error(
        `Access log NOT intact: first bad entry is seq ${problem?.seq} (${problem?.message}); ${result.rows} entries verified before it`,
      )
      return 1
    } finally {
      await handle.close()
    }
  },
}
