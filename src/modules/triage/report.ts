// The triage report for one device, and the decision it leads to. Pure: built from the hashed
// files, the walk's problems and the known material, so the same inputs give the same report.
// It holds hashes, paths, sizes and timestamps only: never image content or thumbnails.
import type { KnownCategory } from './categories.ts'
import type { JournalEntry } from './journal.ts'
import type { HashSetUsed, KnownMaterial, KnownRecord } from './known-material.ts'
import type { Dihedral } from './pdq.ts'
import type { WalkProblem } from './walk.ts'

/** Below this PDQ quality a hash is too unreliable to match by distance (ThreatExchange guidance). */
export const MIN_PDQ_QUALITY = 50
export const DEFAULT_THRESHOLD = 31
/** Named in every report, so a result in Kestrel says which triage produced it. Bump with the matching logic. */
export const TRIAGE_TOOL = 'kestrel-triage 0.1.0'

export type Decision = 'submit-for-full-examination' | 'no-known-material-found' | 'could-not-complete'

export const DECISION_TEXT: Record<Decision, string> = {
  'submit-for-full-examination': 'Submit for full examination',
  'no-known-material-found': 'No known material found',
  'could-not-complete': 'Could not complete',
}

export interface ExactMatch {
  path: string
  size: number
  modified: string
  md5: string
  sha1: string
  known: (KnownRecord & { on: 'md5' | 'sha1' | 'md5+sha1' })[]
}

export interface NearMatch {
  path: string
  size: number
  modified: string
  pdq: string
  quality: number
  distance: number
  /** Which rotation or flip of the file matched ('original' unless --dihedral found a turned copy). */
  orientation: Dihedral
  known: (KnownRecord & { pdq: string; distance: number })[]
}

export interface UnreadableFile {
  path: string
  size: number
  stage: 'read' | 'decode'
  reason: string
}

export interface TriageReport {
  kind: 'triage-result'
  version: 1
  /** The program and version that made the report (absent in reports made before it was added). */
  tool?: string
  device: string
  root: string
  startedAt: string
  finishedAt: string
  complete: boolean
  /** Why the run stopped early, when it did. */
  interruption?: string
  settings: {
    threshold: number
    dihedral: boolean
    minimumQuality: number
    hashSets: string[]
    /** Each set's source and, for sets from Kestrel's database, the version imported (absent in older reports). */
    hashSetVersions?: HashSetUsed[]
    knownRecords: number
  }
  counts: {
    files: number
    bytes: number
    images: number
    videos: number
    imagesHashed: number
    lowQualityImages: number
    unreadable: number
    problems: number
    exactMatches: number
    nearMatches: number
  }
  exactMatchesByCategory: Record<KnownCategory, number>
  nearMatchesByCategory: Record<KnownCategory, number>
  exactMatches: ExactMatch[]
  nearMatches: NearMatch[]
  unreadable: UnreadableFile[]
  problems: Omit<WalkProblem, 'type'>[]
  recommendation: { decision: Decision; reason: string }
}

export interface ReportInput {
  device: string
  root: string
  startedAt: Date
  finishedAt: Date
  complete: boolean
  interruption?: string
  files: readonly JournalEntry[]
  problems: readonly WalkProblem[]
  known: KnownMaterial
  threshold: number
  dihedral: boolean
}

function emptyCounts(): Record<KnownCategory, number> {
  return { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 }
}

/** The most serious category among a file's matches: A before B before C, ignorable last. */
export function worstCategory(categories: readonly KnownCategory[]): KnownCategory {
  const order: KnownCategory[] = ['A', 'B', 'C', 'ungraded', 'ignorable']
  return order.find((c) => categories.includes(c)) ?? 'ignorable'
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)

/**
 * Counts and matches, file by file, so a device of millions of files is matched as it is hashed
 * and only the matches, not every file's hashes, are kept in memory.
 */
export class ReportTally {
  private readonly exactMatches: ExactMatch[] = []
  private readonly nearMatches: NearMatch[] = []
  private readonly unreadable: UnreadableFile[] = []
  private readonly exactByCategory = emptyCounts()
  private readonly nearByCategory = emptyCounts()
  private readonly counts = {
    files: 0,
    bytes: 0,
    images: 0,
    videos: 0,
    imagesHashed: 0,
    lowQualityImages: 0,
    unreadable: 0,
    problems: 0,
    exactMatches: 0,
    nearMatches: 0,
  }

  constructor(private readonly matching: Pick<ReportInput, 'known' | 'threshold' | 'dihedral'>) {}

  add(f: JournalEntry): void {
    const counts = this.counts
    counts.files++
    counts.bytes += f.size
    if (f.kind === 'image') counts.images++
    if (f.kind === 'video') counts.videos++
    if (f.unreadable) {
      counts.unreadable++
      this.unreadable.push({
        path: f.path,
        size: f.size,
        stage: f.unreadable.stage,
        reason: f.unreadable.reason,
      })
    }
    if (f.unreadable?.stage === 'read') return
    const exact = this.matching.known.matchExact(f.md5, f.sha1)
    if (exact.length > 0) {
      counts.exactMatches++
      this.exactByCategory[worstCategory(exact.map((k) => k.category))]++
      const modified = new Date(f.mtimeMs).toISOString()
      this.exactMatches.push({ path: f.path, size: f.size, modified, md5: f.md5, sha1: f.sha1, known: exact })
      return // an exact match says more than a near one
    }
    if (f.pdq === undefined || f.quality === undefined) return
    counts.imagesHashed++
    if (f.quality < MIN_PDQ_QUALITY) {
      counts.lowQualityImages++
      return
    }
    const near = nearestMatch(f, this.matching)
    if (near) {
      counts.nearMatches++
      this.nearByCategory[worstCategory(near.known.map((k) => k.category))]++
      this.nearMatches.push(near)
    }
  }

  finish(run: Omit<ReportInput, 'files' | 'known' | 'threshold' | 'dihedral'>): TriageReport {
    const { known, threshold, dihedral } = this.matching
    const report: TriageReport = {
      kind: 'triage-result',
      version: 1,
      tool: TRIAGE_TOOL,
      device: run.device,
      root: run.root,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt.toISOString(),
      complete: run.complete,
      settings: {
        threshold,
        dihedral,
        minimumQuality: MIN_PDQ_QUALITY,
        hashSets: [...known.setNames],
        hashSetVersions: known.sets.map((s) => ({ ...s })),
        knownRecords: known.counts.records,
      },
      counts: { ...this.counts, problems: run.problems.length },
      exactMatchesByCategory: { ...this.exactByCategory },
      nearMatchesByCategory: { ...this.nearByCategory },
      exactMatches: [...this.exactMatches].sort(byPath),
      nearMatches: [...this.nearMatches].sort(byPath),
      unreadable: [...this.unreadable].sort(byPath),
      problems: run.problems.map(({ type: _, ...p }) => p).sort(byPath),
      recommendation: { decision: 'no-known-material-found', reason: '' },
    }
    if (run.interruption !== undefined) report.interruption = run.interruption
    report.recommendation = recommend(report)
    return report
  }
}

export function buildReport(input: ReportInput): TriageReport {
  const tally = new ReportTally(input)
  for (const f of input.files) tally.add(f)
  return tally.finish(input)
}

function nearestMatch(
  f: JournalEntry,
  input: Pick<ReportInput, 'known' | 'threshold' | 'dihedral'>,
): NearMatch | undefined {
  const orientations: [Dihedral, string][] = [['original', f.pdq as string]]
  if (input.dihedral && f.variants) {
    for (const [d, h] of Object.entries(f.variants)) if (h) orientations.push([d as Dihedral, h])
  }
  let best: NearMatch | undefined
  for (const [orientation, hash] of orientations) {
    const found = input.known.matchNear([hash], input.threshold)
    const top = found[0]
    if (!top || (best && best.distance <= top.distance)) continue
    best = {
      path: f.path,
      size: f.size,
      modified: new Date(f.mtimeMs).toISOString(),
      pdq: f.pdq as string,
      quality: f.quality as number,
      distance: top.distance,
      orientation,
      known: found.slice(0, 10).map((m) => ({ ...m.record, pdq: m.pdq, distance: m.distance })),
    }
  }
  return best
}

function describeCategories(c: Record<KnownCategory, number>): string {
  const parts = (['A', 'B', 'C'] as const).filter((k) => c[k] > 0).map((k) => `category ${k}: ${c[k]}`)
  if (c.ungraded > 0) parts.push(`ungraded: ${c.ungraded}`)
  return parts.join(', ')
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
const were = (n: number) => (n === 1 ? 'was' : 'were')

/**
 * The decision. Any match to material that is not listed as ignorable means submit, even if the
 * run did not finish (what was found is enough). Otherwise an unfinished run, or files and
 * folders that could not be read, mean the device could not be cleared.
 */
export function recommend(r: TriageReport): { decision: Decision; reason: string } {
  const exactSerious = r.counts.exactMatches - r.exactMatchesByCategory.ignorable
  const nearSerious = r.counts.nearMatches - r.nearMatchesByCategory.ignorable
  if (exactSerious > 0 || nearSerious > 0) {
    const parts: string[] = []
    if (exactSerious > 0) {
      parts.push(
        `${plural(exactSerious, 'file')} identical to known material (${describeCategories(r.exactMatchesByCategory)})`,
      )
    }
    if (nearSerious > 0) {
      const closest = Math.min(
        ...r.nearMatches
          .filter((m) => worstCategory(m.known.map((k) => k.category)) !== 'ignorable')
          .map((m) => m.distance),
      )
      parts.push(
        `${plural(nearSerious, 'image')} visually near known material (${describeCategories(r.nearMatchesByCategory)}; closest distance ${closest} of ${r.settings.threshold})`,
      )
    }
    const unfinished = r.complete ? '' : ' The triage did not finish, so there may be more.'
    return { decision: 'submit-for-full-examination', reason: `${parts.join('; ')}.${unfinished}` }
  }
  const unreadFiles = r.unreadable.filter((u) => u.stage === 'read').length
  const unreadFolders = r.problems.filter(
    (p) => p.problem === 'unreadable-folder' || p.problem === 'unreadable-file',
  ).length
  if (!r.complete) {
    return {
      decision: 'could-not-complete',
      reason: `The triage stopped before every file was checked (${r.interruption ?? 'interrupted'}); ${plural(r.counts.files, 'file')} checked so far with no match. Run it again with --resume.`,
    }
  }
  if (unreadFiles > 0 || unreadFolders > 0) {
    const parts: string[] = []
    if (unreadFiles > 0) parts.push(plural(unreadFiles, 'file'))
    if (unreadFolders > 0) parts.push(plural(unreadFolders, 'folder or entry', 'folders or entries'))
    return {
      decision: 'could-not-complete',
      reason: `${parts.join(' and ')} could not be read, so the device cannot be cleared; no match in the ${plural(r.counts.files - unreadFiles, 'file')} that ${were(r.counts.files - unreadFiles)} read.`,
    }
  }
  if (r.settings.knownRecords === 0) {
    return {
      decision: 'could-not-complete',
      reason: `No hash set with any known hashes was given, so the ${plural(r.counts.files, 'file')} could not be checked. Run it again with --hashes.`,
    }
  }
  const notes: string[] = []
  const undecoded = r.unreadable.filter((u) => u.stage === 'decode').length
  if (undecoded > 0)
    notes.push(
      `${plural(undecoded, 'image')} could not be decoded and ${were(undecoded)} checked by exact hash only`,
    )
  if (r.counts.lowQualityImages > 0) {
    notes.push(
      `${plural(r.counts.lowQualityImages, 'image')} of PDQ quality under ${r.settings.minimumQuality} ${were(r.counts.lowQualityImages)} checked by exact hash only`,
    )
  }
  const ignorable = r.exactMatchesByCategory.ignorable + r.nearMatchesByCategory.ignorable
  if (ignorable > 0) notes.push(`${plural(ignorable, 'file')} matched material listed as non-pertinent`)
  if (r.counts.videos > 0) notes.push(`${plural(r.counts.videos, 'video')} checked by exact hash only`)
  return {
    decision: 'no-known-material-found',
    reason: `No file matched the ${plural(r.settings.knownRecords, 'known hash', 'known hashes')} in ${plural(r.settings.hashSets.length, 'hash set')}: ${plural(r.counts.files, 'file')} (${plural(r.counts.images, 'image')}) checked.${notes.length > 0 ? ` ${notes.join('; ')}.` : ''} This is not proof that the device holds no indecent images: only known material is found.`,
  }
}
