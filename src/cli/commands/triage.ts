// `kestrel triage PATH --device REF`: triage a mounted device against the force's hash sets.
import { readFileSync, statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { openMigratedDatabase } from '../../kestrel.ts'
import { CATEGORY_MAPS, type CategoryMap, parseCategoryMap } from '../../modules/triage/categories.ts'
import type { HashSetStore } from '../../modules/triage/hash-set-store.ts'
import { HashListError } from '../../modules/triage/known-hash.ts'
import { DECISION_TEXT } from '../../modules/triage/report.ts'
import { triageReportInput } from '../../modules/triage/result-schema.ts'
import { runTriage, TriageError, type TriageProgress } from '../../modules/triage/run.ts'
import type { TriageService } from '../../modules/triage/service.ts'
import { DevicePathError } from '../../modules/triage/walk.ts'
import { systemClock } from '../../platform/clock.ts'
import type { Config } from '../../platform/config.ts'
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import { createServices } from '../../services.ts'
import type { Command } from '../command.ts'

export const TRIAGE_HELP = `Usage: kestrel triage PATH --device REF [options]

Checks every file under PATH (a mounted device image or folder) against the force's hash sets
and recommends whether the device should go for full examination. Files are read in place and
nothing is copied; the report holds hashes, paths, sizes and times, never images.

Options:
  --device REF        the device's exhibit reference (required)
  --hashes SET|FILE   a hash set stored in Kestrel's database (by name; see kestrel hashsets) or
                      a hash list file (VICS JSON, plain or PDQ list); repeat for more than one
  --hashset SET       the same as --hashes
  --out DIR           where the journal and the report go (default: ./triage-REF); must not be
                      on the device
  --threshold N       PDQ distance that counts as a near match, in bits (default 31)
  --dihedral          also match rotated and mirrored copies of images
  --resume            continue an interrupted run in --out, skipping files already done
  --upload            store the result against the device in Kestrel's database (the device must
                      be recorded there); otherwise upload triage-report.json later
  --as NAME           who the upload is recorded as (default: $USER or "triage")
  --categories NAME|FILE  how list categories map to A/B/C: caid-uk (default), project-vic, or a
                      JSON file {"map": {"1": "A", ...}, "otherwise": "ungraded"}
  --workers N         hashing threads (default: one per core)
  -h, --help          show this help

Writes triage-report.json and triage-report.html to --out. Ctrl-C stops cleanly and writes a
report marked incomplete; run again with --resume to finish.
Exit status: 0 report written, 1 failed, 2 bad options, 130 interrupted (report written).`

/** Kestrel's database as the triage commands use it: the stored hash sets, and devices for --upload. */
export interface TriageBackend {
  hashSets: HashSetStore
  triage: TriageService
  close(): Promise<void>
}

export interface CommandIo {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  env: NodeJS.ProcessEnv
  /** Stops the run as Ctrl-C would; the command also listens for SIGINT itself when not given. */
  signal?: AbortSignal
  /** Opens Kestrel's database (the configured one; a test passes its own). Opened only when needed. */
  backend?: () => Promise<TriageBackend>
}

const defaultIo = (): CommandIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env })

/** The configured database (embedded PGlite by default, or DATABASE_URL), migrated, with the services. */
export function databaseBackend(config: () => Config): () => Promise<TriageBackend> {
  return async () => {
    const settings = config()
    const { handle } = await openMigratedDatabase(settings)
    const services = createServices({
      config: settings,
      db: handle.db,
      dbKind: handle.kind,
      clock: systemClock,
    })
    return { hashSets: services.triage.hashSets, triage: services.triage, close: () => handle.close() }
  }
}

const isFile = (ref: string) => {
  try {
    return statSync(ref).isFile()
  } catch {
    return false
  }
}

export function categoryMapOption(value: string | undefined): CategoryMap | undefined {
  if (value === undefined) return undefined
  const named = CATEGORY_MAPS[value]
  if (named) return named
  try {
    return parseCategoryMap(JSON.parse(readFileSync(value, 'utf8')))
  } catch (e) {
    throw new TriageError(
      `--categories ${value}: not a known mapping (caid-uk, project-vic) or a valid JSON file: ${(e as Error).message}`,
    )
  }
}

function progressBar(io: CommandIo) {
  let last = 0
  return {
    update(p: TriageProgress) {
      const t = Date.now()
      if (t - last < 100) return
      last = t
      const width = Math.max(10, Math.min(40, (io.stderr.columns ?? 80) - 50))
      const total = p.walking ? `${p.filesSeen}+` : String(p.filesSeen)
      const fraction = p.walking || p.filesSeen === 0 ? 0 : p.filesDone / p.filesSeen
      const filled = Math.round(fraction * width)
      const bar = p.walking ? '~'.repeat(width) : `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`
      const mb = (p.bytesDone / 1048576).toFixed(0)
      io.stderr.write(`\r[${bar}] ${p.filesDone}/${total} files, ${mb} MB `)
    },
    done() {
      io.stderr.write('\n')
    },
  }
}

export async function triageCommand(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  let args: ReturnType<typeof parse>
  const parse = (a: string[]) =>
    parseArgs({
      args: a,
      allowPositionals: true,
      options: {
        device: { type: 'string' },
        hashes: { type: 'string', multiple: true },
        hashset: { type: 'string', multiple: true },
        upload: { type: 'boolean' },
        as: { type: 'string' },
        out: { type: 'string' },
        threshold: { type: 'string' },
        dihedral: { type: 'boolean' },
        resume: { type: 'boolean' },
        categories: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  const usage = (message: string) => {
    io.stderr.write(`kestrel triage: ${message}\nRun "kestrel triage --help" for the options.\n`)
    return 2
  }
  try {
    args = parse(argv)
  } catch (e) {
    return usage((e as Error).message)
  }
  const { values, positionals } = args
  if (values.help) {
    io.stdout.write(`${TRIAGE_HELP}\n`)
    return 0
  }
  if (positionals.length !== 1) return usage('give exactly one device PATH')
  if (!values.device) return usage('--device REF is required (the exhibit reference)')
  const threshold = values.threshold === undefined ? 31 : Number(values.threshold)
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 128) {
    return usage(`--threshold ${values.threshold} must be a whole number from 0 to 128`)
  }
  const workers = values.workers === undefined ? undefined : Number(values.workers)
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 256)) {
    return usage(`--workers ${values.workers} must be a whole number from 0 to 256`)
  }
  const hashSets = [...(values.hashes ?? []), ...(values.hashset ?? [])]
  if (hashSets.length === 0)
    io.stderr.write('kestrel triage: warning: no --hashes given, nothing can match\n')

  const controller = new AbortController()
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts > 1) process.exit(130)
    io.stderr.write('\nkestrel triage: stopping after the files in hand (Ctrl-C again to quit at once)\n')
    controller.abort()
  }
  if (io.signal?.aborted) controller.abort()
  else if (io.signal) io.signal.addEventListener('abort', () => controller.abort(), { once: true })
  else process.on('SIGINT', onSigint)
  const bar = io.stderr.isTTY ? progressBar(io) : undefined
  // The database is opened only for stored sets (a name that is not a file) or to upload the result, so a
  // laptop with list files only needs none.
  const needsDatabase = values.upload === true || hashSets.some((ref) => !isFile(ref))
  let backend: TriageBackend | undefined
  try {
    if (needsDatabase) {
      if (!io.backend) throw new TriageError("stored hash sets and --upload need Kestrel's database")
      backend = await io.backend()
    }
    const categories = categoryMapOption(values.categories)
    const outcome = await runTriage({
      root: positionals[0] as string,
      device: values.device,
      outDir: values.out ?? `triage-${values.device.replace(/[^\p{L}\p{N}._-]+/gu, '_')}`,
      hashSets,
      ...(backend ? { namedSets: backend.hashSets } : {}),
      threshold,
      dihedral: values.dihedral ?? false,
      resume: values.resume ?? false,
      ...(workers === undefined ? {} : { workers }),
      ...(categories ? { categories } : {}),
      signal: controller.signal,
      ...(bar ? { onProgress: (p: TriageProgress) => bar.update(p) } : {}),
    })
    bar?.done()
    const r = outcome.report
    io.stdout.write(
      [
        `Device ${r.device}: ${DECISION_TEXT[r.recommendation.decision]}`,
        r.recommendation.reason,
        `${r.counts.files} files, ${r.counts.images} images, ${r.counts.videos} videos; ${r.counts.exactMatches} exact and ${r.counts.nearMatches} near matches; ${r.counts.unreadable} unreadable${outcome.resumedFiles ? `; ${outcome.resumedFiles} files taken from the earlier run` : ''}`,
        `Report: ${outcome.reportPath}`,
        `        ${outcome.htmlPath}`,
        '',
      ].join('\n'),
    )
    if (values.upload && backend) {
      const who = values.as ?? io.env.USER ?? 'triage'
      try {
        const stored = await backend.triage.storeResult(
          r.device,
          triageReportInput.parse(JSON.parse(JSON.stringify(r))),
          { id: `cli:${who}`, username: who },
          'cli',
        )
        io.stdout.write(`Stored in Kestrel against device ${r.device} as ${stored.ref}\n`)
      } catch (e) {
        if (!(e instanceof NotFoundError || e instanceof ValidationError)) throw e
        io.stderr.write(
          `kestrel triage: the report was written but not stored in Kestrel: ${e.message}${e instanceof ValidationError ? ` (${e.errors.map((x) => `${x.field}: ${x.reason}`).join('; ')})` : ''}\n`,
        )
        return 1
      }
    }
    return r.complete ? 0 : 130
  } catch (e) {
    bar?.done()
    if (e instanceof DevicePathError || e instanceof TriageError || e instanceof HashListError) {
      io.stderr.write(`kestrel triage: ${e.message}\n`)
      return 1
    }
    throw e
  } finally {
    process.off('SIGINT', onSigint)
    await backend?.close()
  }
}

/** For the CLI's command list (src/cli/commands.ts). */
export const triageCliCommand: Command = {
  name: 'triage',
  summary: 'Check a seized device against the hash sets and recommend whether to examine it',
  help: TRIAGE_HELP,
  run: (args, config) => triageCommand(args, { ...defaultIo(), backend: databaseBackend(config) }),
}
