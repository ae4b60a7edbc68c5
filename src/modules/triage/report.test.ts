import { describe, expect, it } from 'vitest'
import type { KnownCategory } from './categories.ts'
import type { JournalEntry } from './journal.ts'
import { KnownMaterialBuilder } from './known-material.ts'
import { buildReport, type ReportInput, worstCategory } from './report.ts'
import type { WalkProblem } from './walk.ts'

const md5 = (n: number) => n.toString(16).padStart(32, '0')
const sha1 = (n: number) => n.toString(16).padStart(40, '0')
const pdq = (ones: number) => 'f'.repeat(ones / 4).padEnd(64, '0')

function known(entries: { n: number; category: KnownCategory; pdqOnes?: number }[]) {
  const b = new KnownMaterialBuilder()
  b.declare('set')
  for (const e of entries) {
    b.add(
      'set',
      e.pdqOnes === undefined
        ? { md5: md5(e.n), category: e.category }
        : { pdq: pdq(e.pdqOnes), category: e.category },
    )
  }
  return b.build()
}

function file(n: number, extra: Partial<JournalEntry> = {}): JournalEntry {
  return {
    path: `f${n}`,
    size: 10,
    mtimeMs: 0,
    md5: md5(n),
    sha1: sha1(n),
    bytes: 10,
    kind: 'other',
    ...extra,
  }
}

function report(files: JournalEntry[], k = known([]), more: Partial<ReportInput> = {}) {
  return buildReport({
    device: 'EXH/1',
    root: '/mnt/d',
    startedAt: new Date(0),
    finishedAt: new Date(1000),
    complete: true,
    files,
    problems: [],
    known: k,
    threshold: 31,
    dihedral: false,
    ...more,
  })
}

const image = (n: number, ones: number, quality = 100): JournalEntry =>
  file(n, { kind: 'image', format: 'jpeg', pdq: pdq(ones), quality })

describe('the recommendation', () => {
  it('submits on an exact match of graded material, naming the categories', () => {
    const r = report(
      [file(1), file(2), file(3)],
      known([
        { n: 2, category: 'A' },
        { n: 3, category: 'C' },
      ]),
    )
    expect(r.recommendation).toEqual({
      decision: 'submit-for-full-examination',
      reason: '2 files identical to known material (category A: 1, category C: 1).',
    })
  })

  it('submits on a near match, giving the closest distance', () => {
    const r = report([image(1, 8), image(2, 200)], known([{ n: 9, category: 'B', pdqOnes: 0 }]))
    expect(r.nearMatches.map((m) => [m.path, m.distance])).toEqual([['f1', 8]])
    expect(r.recommendation.reason).toBe(
      '1 image visually near known material (category B: 1; closest distance 8 of 31).',
    )
  })

  it('does not near-match images of quality under 50', () => {
    const r = report([image(1, 8, 49)], known([{ n: 9, category: 'B', pdqOnes: 0 }]))
    expect(r.counts.lowQualityImages).toBe(1)
    expect(r.counts.nearMatches).toBe(0)
    expect(r.recommendation.decision).toBe('no-known-material-found')
    expect(r.recommendation.reason).toMatch(/1 image of PDQ quality under 50 was checked by exact hash only/)
  })

  it('respects the threshold', () => {
    const k = known([{ n: 9, category: 'B', pdqOnes: 0 }])
    expect(report([image(1, 32)], k).counts.nearMatches).toBe(0)
    expect(report([image(1, 32)], k, { threshold: 32 }).counts.nearMatches).toBe(1)
  })

  it('submits even when interrupted if something was found', () => {
    const r = report([file(1)], known([{ n: 1, category: 'ungraded' }]), {
      complete: false,
      interruption: 'stopped',
    })
    expect(r.recommendation.decision).toBe('submit-for-full-examination')
    expect(r.recommendation.reason).toMatch(
      /ungraded: 1\)\. The triage did not finish, so there may be more\.$/,
    )
  })

  it('cannot clear a device when interrupted, or when files or folders could not be read', () => {
    expect(
      report([file(1)], known([]), { complete: false, interruption: 'stopped' }).recommendation.decision,
    ).toBe('could-not-complete')
    const unreadable = file(2, { unreadable: { stage: 'read', reason: 'EIO' } })
    expect(report([file(1), unreadable], known([{ n: 7, category: 'A' }])).recommendation).toEqual({
      decision: 'could-not-complete',
      reason:
        '1 file could not be read, so the device cannot be cleared; no match in the 1 file that was read.',
    })
    const folder: WalkProblem = { type: 'problem', path: 'x', problem: 'unreadable-folder', detail: 'EACCES' }
    expect(report([file(1)], known([]), { problems: [folder] }).recommendation.decision).toBe(
      'could-not-complete',
    )
  })

  it('finds no known material when only non-pertinent material matches, and says so', () => {
    const r = report(
      [file(1), file(2, { kind: 'video', format: 'mp4' })],
      known([{ n: 1, category: 'ignorable' }]),
    )
    expect(r.recommendation.decision).toBe('no-known-material-found')
    expect(r.recommendation.reason).toMatch(
      /1 file matched material listed as non-pertinent; 1 video checked by exact hash only/,
    )
    expect(r.recommendation.reason).toMatch(/This is not proof that the device holds no indecent images/)
  })

  it('orders categories by seriousness', () => {
    expect(worstCategory(['C', 'ignorable', 'B'])).toBe('B')
    expect(worstCategory(['ungraded', 'C'])).toBe('C')
    expect(worstCategory(['ignorable', 'ungraded'])).toBe('ungraded')
  })
})
