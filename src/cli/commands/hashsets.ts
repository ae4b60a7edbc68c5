// `kestrel hashsets import|list|export`: the force's lists of known material.

import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { checkHashSetName, HASH_LIST_FORMATS, type HashListFormat } from '../../modules/triage/hash-sets.ts'
import { HashListError } from '../../modules/triage/known-hash.ts'
import { TriageError } from '../../modules/triage/run.ts'
import type { Command } from '../command.ts'
import { type CommandIo, categoryMapOption, databaseBackend, type TriageBackend } from './triage.ts'

export const HASHSETS_HELP = `Usage:
  kestrel hashsets import FILE --name NAME --format vics|plain|pdq [--category C] [--categories MAP]
  kestrel hashsets list
  kestrel hashsets export NAME [--format vics|plain|pdq] [--out FILE]

Hash sets are stored in Kestrel's database (the embedded one by default, or DATABASE_URL).

import   reads a hash list whole or not at all, streamed in batches inside one transaction: a
         malformed line rejects the list, naming the line, and nothing is written. Importing an
         existing NAME replaces that set and bumps its version. VICS JSON may be 1.x (odata.metadata) or 2.0
         (@odata.context); plain lists hold one MD5, SHA-1 or PDQ hex hash a line; PDQ lists hold
         hash[,quality]. --category gives plain and PDQ lists a category (e.g. A); --categories maps
         VICS categories: caid-uk (default), project-vic, or a JSON file.
list     shows the stored sets with their version, source, import date and counts.
export   writes a set out again, streamed, in its own format unless --format (to stdout unless --out).

Options:
  --as NAME     who the import is recorded as (default: $USER or "hashsets")
  -h, --help    show this help`

const defaultIo = (): CommandIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env })

function isFormat(f: string | undefined): f is HashListFormat {
  return HASH_LIST_FORMATS.includes(f as HashListFormat)
}

export async function hashsetsCommand(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  const usage = (message: string) => {
    io.stderr.write(`kestrel hashsets: ${message}\nRun "kestrel hashsets --help" for the options.\n`)
    return 2
  }
  let parsed: ReturnType<typeof parse>
  const parse = (a: string[]) =>
    parseArgs({
      args: a,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        format: { type: 'string' },
        category: { type: 'string' },
        categories: { type: 'string' },
        out: { type: 'string' },
        as: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  try {
    parsed = parse(argv)
  } catch (e) {
    return usage((e as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) {
    io.stdout.write(`${HASHSETS_HELP}\n`)
    return 0
  }
  const [action, ...rest] = positionals
  let backend: TriageBackend | undefined
  const database = async () => {
    if (!io.backend)
      throw new TriageError("hash sets are stored in Kestrel's database, which is not available")
    backend ??= await io.backend()
    return backend.hashSets
  }
  try {
    switch (action) {
      case 'import': {
        if (rest.length !== 1) return usage('import needs exactly one FILE')
        if (!values.name) return usage('import needs --name NAME')
        if (!isFormat(values.format)) return usage(`import needs --format ${HASH_LIST_FORMATS.join('|')}`)
        checkHashSetName(values.name)
        const file = rest[0] as string
        const categories = categoryMapOption(values.categories)
        const size = await stat(file).catch(() => undefined)
        if (!size?.isFile()) throw new HashListError(`hash list ${file} does not exist or cannot be read`)
        const d = await (await database()).import({
          input: createReadStream(file, { highWaterMark: 256 * 1024 }),
          source: path.basename(file),
          sourceBytes: size.size,
          name: values.name,
          format: values.format,
          importedBy: values.as ?? io.env.USER ?? 'hashsets',
          ...(categories ? { categories } : {}),
          ...(values.category === undefined ? {} : { category: values.category }),
        })
        const byCategory = Object.entries(d.counts.byCategory)
          .map(([c, n]) => `${c}: ${n}`)
          .join(', ')
        io.stdout.write(
          `Imported ${d.counts.records} records into hash set ${d.name} version ${d.version} (MD5 ${d.counts.md5}, SHA-1 ${d.counts.sha1}, PDQ ${d.counts.pdq}; ${byCategory || 'no records'})\n`,
        )
        return 0
      }
      case 'list': {
        if (rest.length > 0) return usage('list takes no arguments')
        const sets = await (await database()).list()
        if (sets.length === 0) {
          io.stdout.write('No hash sets in the database\n')
          return 0
        }
        for (const s of sets) {
          io.stdout.write(
            `${s.name}\t${s.format}\t${s.counts.records} records (MD5 ${s.counts.md5}, SHA-1 ${s.counts.sha1}, PDQ ${s.counts.pdq})\tfrom ${s.source}\timported ${s.importedAt} by ${s.importedBy}\tversion ${s.version}\n`,
          )
        }
        return 0
      }
      case 'export': {
        if (rest.length !== 1) return usage('export needs exactly one NAME')
        if (values.format !== undefined && !isFormat(values.format))
          return usage(`--format must be one of ${HASH_LIST_FORMATS.join('|')}`)
        const store = await database()
        const name = rest[0] as string
        checkHashSetName(name)
        // A missing set fails before the output file is created.
        if (!(await store.describe(name)))
          throw new HashListError(`no hash set named ${JSON.stringify(name)}`)
        const out = values.out ? createWriteStream(values.out) : io.stdout
        const n = await store.export(name, values.format, out)
        if (values.out) {
          ;(out as ReturnType<typeof createWriteStream>).end()
          await once(out, 'finish')
          io.stderr.write(`Exported ${n} records to ${values.out}\n`)
        }
        return 0
      }
      default:
        return usage(action ? `unknown action "${action}"` : 'give an action: import, list or export')
    }
  } catch (e) {
    if (e instanceof HashListError || e instanceof TriageError) {
      io.stderr.write(`kestrel hashsets: ${e.message}\n`)
      return 1
    }
    throw e
  } finally {
    await backend?.close()
  }
}

/** For the CLI's command list (src/cli/commands.ts). */
export const hashsetsCliCommand: Command = {
  name: 'hashsets',
  summary: 'Import, list and export hash sets of known material',
  help: HASHSETS_HELP,
  run: (args, config) => hashsetsCommand(args, { ...defaultIo(), backend: databaseBackend(config) }),
}
