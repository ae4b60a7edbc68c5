// `kestrel hashsets import|list|export`: the force's lists of known material.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { parseArgs } from 'node:util'
import {
  exportHashSet,
  HASH_LIST_FORMATS,
  type HashListFormat,
  importHashSet,
  listHashSets,
} from '../../modules/triage/hash-sets.ts'
import { HashListError } from '../../modules/triage/known-hash.ts'
import { TriageError } from '../../modules/triage/run.ts'
import type { Command } from '../command.ts'
import { type CommandIo, categoryMapOption, hashSetStore } from './triage.ts'

export const HASHSETS_HELP = `Usage:
  kestrel hashsets import FILE --name NAME --format vics|plain|pdq [--category C] [--categories MAP]
  kestrel hashsets list
  kestrel hashsets export NAME --format vics|plain|pdq [--out FILE]

import   reads a hash list whole or not at all: a malformed line rejects the list, naming the line.
         Importing an existing NAME replaces that set. VICS JSON may be 1.x (odata.metadata) or 2.0
         (@odata.context); plain lists hold one MD5, SHA-1 or PDQ hex hash a line; PDQ lists hold
         hash[,quality]. --category gives plain and PDQ lists a category (e.g. A); --categories maps
         VICS categories: caid-uk (default), project-vic, or a JSON file.
list     shows the stored sets with their source, import date and counts.
export   writes a set out again (to stdout unless --out).

Options:
  --store DIR   folder of stored hash sets (default $KESTREL_HASHSETS_DIR or ./data/hashsets)
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
        store: { type: 'string' },
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
  const store = hashSetStore(values.store, io.env)
  try {
    switch (action) {
      case 'import': {
        if (rest.length !== 1) return usage('import needs exactly one FILE')
        if (!values.name) return usage('import needs --name NAME')
        if (!isFormat(values.format)) return usage(`import needs --format ${HASH_LIST_FORMATS.join('|')}`)
        const categories = categoryMapOption(values.categories)
        const d = await importHashSet({
          file: rest[0] as string,
          name: values.name,
          format: values.format,
          storeDir: store,
          ...(categories ? { categories } : {}),
          ...(values.category === undefined ? {} : { category: values.category }),
        })
        const byCategory = Object.entries(d.counts.byCategory)
          .map(([c, n]) => `${c}: ${n}`)
          .join(', ')
        io.stdout.write(
          `Imported ${d.counts.records} records into hash set ${d.name} (MD5 ${d.counts.md5}, SHA-1 ${d.counts.sha1}, PDQ ${d.counts.pdq}; ${byCategory || 'no records'})\n`,
        )
        return 0
      }
      case 'list': {
        if (rest.length > 0) return usage('list takes no arguments')
        const sets = await listHashSets(store)
        if (sets.length === 0) {
          io.stdout.write(`No hash sets in ${store}\n`)
          return 0
        }
        for (const s of sets) {
          io.stdout.write(
            `${s.name}\t${s.format}\t${s.counts.records} records (MD5 ${s.counts.md5}, SHA-1 ${s.counts.sha1}, PDQ ${s.counts.pdq})\tfrom ${s.source}\timported ${s.importedAt}\n`,
          )
        }
        return 0
      }
      case 'export': {
        if (rest.length !== 1) return usage('export needs exactly one NAME')
        if (!isFormat(values.format)) return usage(`export needs --format ${HASH_LIST_FORMATS.join('|')}`)
        const out = values.out ? createWriteStream(values.out) : io.stdout
        const n = await exportHashSet(store, rest[0] as string, values.format, out)
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
  }
}

/** For the CLI's command list (src/cli/commands.ts). */
export const hashsetsCliCommand: Command = {
  name: 'hashsets',
  summary: 'Import, list and export hash sets of known material',
  help: HASHSETS_HELP,
  run: (args) => hashsetsCommand(args),
}
