import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { openMigratedDatabase } from '../kestrel.ts'
import { type Anchor, accessLogService } from '../platform/access/access-log.ts'
import {
  CheckpointError,
  describeSink,
  readCheckpoints,
  takeCheckpoint,
} from '../platform/access/checkpoint.ts'
import { systemClock } from '../platform/clock.ts'
import type { Config } from '../platform/config.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the access log has not been edited or cut short; anchor its head outside the database',
  help: `Usage: kestrel audit verify [--checkpoint FILE]
       kestrel audit checkpoint

verify      Walks the whole access log in order and checks every entry's hash and its link to the entry
            before, and that the log still ends where Kestrel last wrote it. Prints
              Access log verified: N entries, chain intact
            and exits 0; otherwise names the first entry (seq) that was changed or is missing and exits 1.
            Run it on a schedule and after any restore from backup.
  --checkpoint FILE
            also prove the log still holds every head checkpointed in FILE (a file that
            KESTREL_AUDIT_CHECKPOINT names): each line must follow the one before (and carry the
            signature of KESTREL_AUDIT_CHECKPOINT_KEY when set), and each checkpointed entry must still
            be in the log with the same hash. Cutting entries from the end of the log and rewinding its
            head is found only this way; the missing entry is named and the exit is 1.

checkpoint  Writes the log's head (last entry's seq and hash, and the time) where the database cannot
            rewind it: appended to the file KESTREL_AUDIT_CHECKPOINT names, posted as JSON to it when it
            is an http(s) URL, or, when it is not set, printed to standard error as a syslog line.
            The server does the same every 15 minutes.`,
  async run(args, config) {
    const [action, ...rest] = args
    if (action === 'verify') {
      return verify(config(), options(rest).checkpoint)
    }
    if (action === 'checkpoint') {
      if (rest.length) throw new UsageError('"kestrel audit checkpoint" takes no options')
      return checkpoint(config())
    }
    throw new UsageError('expected "kestrel audit verify [--checkpoint FILE]" or "kestrel audit checkpoint"')
  },
}

/** The options after the action; an unknown one is a usage error. */
function options(args: string[]): { checkpoint?: string } {
  try {
    return parseArgs({ args, options: { checkpoint: { type: 'string' } }, strict: true }).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

async function verify(settings: Config, checkpointFile: string | undefined): Promise<number> {
  let anchors: Anchor[] = []
  if (checkpointFile !== undefined) {
    let text: string
    try {
      text = fs.readFileSync(checkpointFile, 'utf8')
    } catch (error) {
      console.error(
        `Access log NOT proven: cannot read the checkpoint file ${checkpointFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      )
      return 1
    }
    try {
      anchors = readCheckpoints(text, settings.auditCheckpoint.key, `the checkpoint file ${checkpointFile}`)
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error
      console.error(`Access log NOT proven: ${error.message}`)
      return 1
    }
  }
  const { handle } = await openMigratedDatabase(settings)
  try {
    const result = await accessLogService(handle.db, systemClock).verify(anchors)
    if (result.ok) {
      const latest = anchors.reduce<Anchor | undefined>((a, b) => (a && a.seq >= b.seq ? a : b), undefined)
      console.log(
        `Access log verified: ${result.rows} entries, chain intact` +
          (latest
            ? `; it holds all ${anchors.length} checkpointed heads (the latest entry ${latest.seq}, checkpointed at ${latest.at})`
            : ''),
      )
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
}

async function checkpoint(settings: Config): Promise<number> {
  const { handle } = await openMigratedDatabase(settings)
  try {
    const taken = await takeCheckpoint(handle.db, systemClock, settings.auditCheckpoint)
    console.log(
      `Checkpoint written to ${describeSink(settings.auditCheckpoint)}: entry ${taken.seq}, hash ${taken.hash}, at ${taken.at}`,
    )
    return 0
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error
    console.error(`kestrel audit checkpoint: ${error.message}`)
    return 1
  } finally {
    await handle.close()
  }
}
