// Triage of one device, end to end: check the path, load the hash sets, walk and hash every
// file on all cores (journalled as it goes), match, and write the report as JSON and HTML.
import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { CAID_UK_CATEGORY_MAP, type CategoryMap } from './categories.ts'
import { deviceRefPattern, deviceRefRule } from './device.ts'
import { loadKnownMaterial, type NamedHashSets } from './hash-sets.ts'
import { HashingPool } from './hashing-pool.ts'
import { JOURNAL_FILE, type JournalEntry, JournalWriter, readJournal, stillValid } from './journal.ts'
import { DEFAULT_THRESHOLD, ReportTally, type TriageReport } from './report.ts'
import { renderReportHtml } from './report-html.ts'
import { checkDeviceRoot, type WalkProblem, walkDevice } from './walk.ts'

export const REPORT_JSON = 'triage-report.json'
export const REPORT_HTML = 'triage-report.html'

export class TriageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TriageError'
  }
}

export interface TriageProgress {
  filesSeen: number
  filesDone: number
  bytesSeen: number
  bytesDone: number
  walking: boolean
}

export interface TriageOptions {
  root: string
  device: string
  outDir: string
  /** Stored hash-set names or list files (see loadKnownMaterial). */
  hashSets: readonly string[]
  /** Stored sets by name: Kestrel's database. Without it only list files can be given. */
  namedSets?: NamedHashSets
  threshold?: number
  dihedral?: boolean
  resume?: boolean
  /** Worker threads; defaults to one per core. 0 hashes in this thread. */
  workers?: number
  categories?: CategoryMap
  signal?: AbortSignal
  onProgress?: (p: TriageProgress) => void
  now?: () => Date
}

export interface TriageOutcome {
  report: TriageReport
  reportPath: string
  htmlPath: string
  /** Files taken from the journal of an earlier run instead of being read again. */
  resumedFiles: number
}

function inside(parent: string, child: string): boolean {
  const r = path.relative(parent, child)
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r))
}

export async function runTriage(o: TriageOptions): Promise<TriageOutcome> {
  const now = o.now ?? (() => new Date())
  const threshold = o.threshold ?? DEFAULT_THRESHOLD
  if (!Number.isInteger(threshold) || threshold < 0 || threshold > 128) {
    throw new TriageError(`threshold ${threshold} must be a whole number of bits from 0 to 128`)
  }
  if (!deviceRefPattern.test(o.device)) {
    throw new TriageError(`device reference ${JSON.stringify(o.device)} must be ${deviceRefRule}`)
  }
  const root = await checkDeviceRoot(o.root)
  const outDir = path.resolve(o.outDir)
  // Writing into the device would alter the evidence, and the journal would be triaged too.
  if (inside(root, outDir))
    throw new TriageError(`the output folder ${outDir} must not be inside the device ${root}`)
  await mkdir(outDir, { recursive: true })
  const journalPath = path.join(outDir, JOURNAL_FILE)
  const previous = await readJournal(journalPath)
  if (previous.header && !o.resume) {
    throw new TriageError(
      `${outDir} already holds a triage journal; add --resume to continue it, or choose another --out`,
    )
  }
  if (previous.header && previous.header.device !== o.device) {
    throw new TriageError(`${outDir} holds the journal of device ${previous.header.device}, not ${o.device}`)
  }
  const startedAt = previous.header ? new Date(previous.header.startedAt) : now()
  const known = await loadKnownMaterial(o.hashSets, o.namedSets, o.categories ?? CAID_UK_CATEGORY_MAP)

  const journal = await JournalWriter.open(
    journalPath,
    previous.header
      ? undefined
      : { journal: 'kestrel-triage', version: 1, device: o.device, root, startedAt: startedAt.toISOString() },
  )
  const pool = new HashingPool(o.workers)
  const problems: WalkProblem[] = []
  const progress: TriageProgress = { filesSeen: 0, filesDone: 0, bytesSeen: 0, bytesDone: 0, walking: true }
  const options = { pdq: true, dihedral: o.dihedral ?? false }
  const tally = new ReportTally({ known, threshold, dihedral: options.dihedral })
  let resumedFiles = 0
  let failure: Error | undefined
  const inFlight = new Set<Promise<void>>()
  try {
    for await (const item of walkDevice(root)) {
      if (o.signal?.aborted || failure) break
      if (item.type === 'problem') {
        problems.push(item)
        continue
      }
      progress.filesSeen++
      progress.bytesSeen += item.size
      const earlier = previous.entries.get(item.path)
      if (
        stillValid(earlier, item.size, item.mtimeMs) &&
        (!options.dihedral || earlier.kind !== 'image' || earlier.variants || earlier.unreadable)
      ) {
        tally.add(earlier)
        resumedFiles++
        progress.filesDone++
        progress.bytesDone += item.size
        o.onProgress?.(progress)
        continue
      }
      const job = pool
        .hash(item.absolute, options)
        .then((hashes) => {
          const entry: JournalEntry = { path: item.path, size: item.size, mtimeMs: item.mtimeMs, ...hashes }
          tally.add(entry)
          journal.append(entry)
          progress.filesDone++
          progress.bytesDone += item.size
          o.onProgress?.(progress)
        })
        .catch((e: Error) => {
          failure ??= e
        })
        .finally(() => inFlight.delete(job))
      inFlight.add(job)
      if (inFlight.size >= pool.capacity) await Promise.race(inFlight)
    }
    progress.walking = false
    await Promise.all(inFlight)
  } finally {
    await Promise.all(inFlight)
    await journal.flush()
    await pool.close()
  }
  if (failure) throw new TriageError(`hashing failed: ${failure.message}`)

  const interrupted = o.signal?.aborted === true
  const run = { device: o.device, root, startedAt, finishedAt: now(), complete: !interrupted, problems }
  const report = tally.finish(interrupted ? { ...run, interruption: 'interrupted by the operator' } : run)
  const reportPath = path.join(outDir, REPORT_JSON)
  const htmlPath = path.join(outDir, REPORT_HTML)
  await writeAtomically(reportPath, `${JSON.stringify(report, null, 2)}\n`)
  await writeAtomically(htmlPath, renderReportHtml(report))
  return { report, reportPath, htmlPath, resumedFiles }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await writeFile(`${file}.partial`, text)
  await rename(`${file}.partial`, file)
}
