import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { setUpForce } from '../force-setup.ts'
import { buildKestrel, openMigratedDatabase } from '../kestrel.ts'
import { ImportRejected } from '../platform/import/importer.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

export const importCommand: Command = {
  name: 'import',
  summary: 'Import records from a JSON Lines file (all or nothing)',
  help: `Usage: kestrel import FILE.jsonl [--as NAME]

Reads one record a line, {"kind": "...", "ref": "...", ...fields}, as documented in docs/import-format.md.
On a new database it migrates and sets up the force (its boroughs and BCUs) first, as "kestrel migrate" does.
The whole file is one batch: every line is checked first, and one bad line rejects the batch with its line
number and reason, writing nothing. Importing a ref again updates that record. Rules are evaluated for
everything written before the batch commits.
  --as NAME   whom the change history records as the author (default: "import")`,
  async run(args, config) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { as: { type: 'string' } },
    })
    const file = positionals[0]
    if (!file) throw new UsageError('name the file to import, e.g. kestrel import records.jsonl')
    if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`)
    const settings = config()
    const { handle } = await openMigratedDatabase(settings)
    // The force is set up as "kestrel serve" and "kestrel migrate" set it up, so a first batch's boroughs exist.
    await setUpForce(handle.db)
    const kestrel = await buildKestrel(settings, handle)
    try {
      const started = performance.now()
      const text = fs.readFileSync(file, 'utf8')
      // A long batch says it has begun, so whoever waits knows the database is open and the batch under way.
      console.error(`Importing ${file} as one batch...`)
      const outcome = await kestrel.services.imports.run(text, values.as ?? 'import')
      const seconds = (performance.now() - started) / 1000
      const kinds = Object.entries(outcome.written).map(([kind, n]) => `${n} ${kind}`)
      console.log(
        `Imported ${outcome.lines} line(s) in ${seconds.toFixed(1)} s: ${kinds.join(', ') || 'nothing'}`,
      )
      return 0
    } catch (error) {
      if (error instanceof ImportRejected) {
        console.error(`kestrel import: rejected ${file}, nothing was written:`)
        for (const e of error.errors)
          console.error(`  line ${e.line}${e.field ? ` (${e.field})` : ''}: ${e.reason}`)
        return 1
      }
      throw error
    } finally {
      await kestrel.close()
      await handle.close()
    }
  },
}
