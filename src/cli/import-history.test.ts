import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../test/app.ts'
import { testDatabaseKind } from '../../test/database.ts'
import { ensureOrganisation } from '../modules/organisation/london-seed.ts'
import type { Clock } from '../platform/clock.ts'
import type { FindingSummary } from '../standards/service.ts'

// A force's first day: years of records loaded from other systems, failings included, into a new database
// (set up as `kestrel migrate` sets it up). The import records facts; the findings must be those the facts
// call for, dated by the facts, never by the moment of the import.

const importedAt = new Date('2019-03-01T12:00:00Z')
const clock: Clock = { now: () => importedAt }

const person = (ref: string, dateOfBirth: string) => ({
  kind: 'person',
  ref,
  familyName: ref.replace(/-/g, ''),
  dateOfBirth,
  address: { address: `1 ${ref} Road`, borough: 'Lambeth', from: '2010-01-01' },
})
const episode = (ref: string, child: string, reportedAt: string, extra: Record<string, unknown>) => {
  const at = Date.parse(reportedAt)
  return {
    kind: 'missing-episode',
    ref,
    child,
    borough: 'Lambeth',
    reportedAt,
    reportedByKind: 'carer',
    lastSeenAt: new Date(at - 2 * 3_600_000).toISOString(),
    lastSeenPlace: 'Home',
    circumstances: 'Did not come home',
    gradedBy: 'PC Grader',
    reviewDueAt: new Date(at + 3_600_000).toISOString(),
    ...extra,
  }
}

const history = [
  { kind: 'team', ref: 'Lambeth missing persons unit', teamKind: 'missing_persons_unit', borough: 'Lambeth' },
  {
    kind: 'staff',
    ref: 'MP100001',
    name: 'Pat Grader',
    rank: 'constable',
    team: 'Lambeth missing persons unit',
    startDate: '2015-01-01',
  },
  person('ADULT', '1980-03-01'),
  person('CHILD-A', '2006-05-01'),
  person('CHILD-B', '2008-06-01'),
  person('CHILD-C', '2005-07-01'),
  // The adult is CHILD-A's parent and CHILD-B's carer: each has access to the same adult (REF-06).
  { kind: 'relationship', ref: 'REL-1', person: 'ADULT', relatedPerson: 'CHILD-A', relationship: 'parent' },
  {
    kind: 'relationship',
    ref: 'REL-2',
    person: 'ADULT',
    relatedPerson: 'CHILD-B',
    relationship: 'carer',
    from: '2017-01-01',
  },
  // CHILD-A's PAC, raised three hours after the report of the missing episode it records.
  {
    kind: 'pac',
    ref: 'MERLIN-18-000001',
    child: 'CHILD-A',
    aboutKind: 'missing_episode',
    aboutRef: 'MIS-18-1',
    aboutSummary: 'Missing from home overnight',
    concerns: ['missing_people'],
    riskLevel: 'medium',
    riskAssessment: 'Second episode',
    childSpokenTo: false,
    voiceOfChild: 'Not found yet',
    policeFirstKnewAt: '2018-08-01T20:00:00Z',
    createdAt: '2018-08-01T23:00:00Z',
    borough: 'Lambeth',
    raisedBy: 'MP100001',
  },
  episode('MIS-18-1', 'CHILD-A', '2018-08-01T20:00:00Z', { grade: 'high', pac: 'MERLIN-18-000001' }),
  // Graded absent with two risk factors and no supervisor (the form would have asked for one), its Merlin
  // report held in Merlin alone.
  episode('MIS-18-2', 'CHILD-C', '2018-09-10T20:00:00Z', {
    grade: 'absent',
    riskFactors: ['looked_after', 'drugs_alcohol'],
    pac: 'MERLIN-18-009999',
  }),
]

let kestrel: TestKestrel
let findings: FindingSummary[]
const refOf = new Map<string, string>()

beforeAll(async () => {
  kestrel = await testKestrel({ clock })
  await ensureOrganisation({ db: kestrel.services.db })
  const outcome = await kestrel.services.imports.run(
    history.map((l) => JSON.stringify(l)).join('\n'),
    'first-load',
  )
  expect(outcome.lines).toBe(history.length)
  findings = await kestrel.services.standards.listFindings({})
  const db = kestrel.services.db
  for (const r of await db.selectFrom('missing_episode').select(['id', 'ref']).execute())
    refOf.set(r.id, r.ref)
  for (const r of await db.selectFrom('pac').select(['id', 'ref']).execute()) refOf.set(r.id, r.ref)
}, 120_000)
afterAll(async () => {
  await kestrel?.close()
})

/** The findings of a rule, by the ref of what they are about, with the times that matter. */
function of(ruleId: string) {
  return findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => ({
      about: refOf.get(f.subjectId),
      status: f.status,
      openedAt: f.openedAt.toISOString(),
      breachedAt: f.breachedAt?.toISOString() ?? null,
      closedAt: f.closedAt?.toISOString() ?? null,
    }))
    .sort((a, b) => String(a.about).localeCompare(String(b.about)))
}

describe(`an imported history is judged by its facts (${testDatabaseKind()})`, () => {
  it('MIS-01: the absent grading below the suggestion, with no supervisor, is breached from the report', () => {
    expect(of('MIS-01')).toEqual([
      {
        about: 'MIS-18-2',
        status: 'breached',
        openedAt: '2018-09-10T20:00:00.000Z',
        breachedAt: '2018-09-10T20:00:00.000Z',
        closedAt: null,
      },
    ])
  })

  it('MIS-09: the PAC in Kestrel was linked late, when it was raised; the one held in Merlin with the report', () => {
    expect(of('MIS-09')).toEqual([
      {
        about: 'MIS-18-1',
        status: 'met_late',
        openedAt: '2018-08-01T20:00:00.000Z',
        breachedAt: '2018-08-01T20:00:00.000Z',
        closedAt: '2018-08-01T23:00:00.000Z',
      },
      {
        about: 'MIS-18-2',
        status: 'met',
        openedAt: '2018-09-10T20:00:00.000Z',
        breachedAt: null,
        closedAt: '2018-09-10T20:00:00.000Z',
      },
    ])
  })

  it('REF-06: the child with access to the same adult had no PAC of their own a day after the PAC', () => {
    expect(of('REF-06')).toEqual([
      {
        about: 'MERLIN-18-000001',
        status: 'breached',
        openedAt: '2018-08-01T23:00:00.000Z',
        breachedAt: '2018-08-02T23:00:00.000Z',
        closedAt: null,
      },
    ])
    expect(findings.find((f) => f.ruleId === 'REF-06')?.detail).toContain(
      'has access to the same adult ADULT (ADULT), parent of this child and carer of them',
    )
  })

  it('no finding of the batch is dated by the import', () => {
    expect(findings.length).toBeGreaterThan(3)
    const atImport = findings.filter((f) =>
      [f.openedAt, f.dueAt, f.breachedAt, f.closedAt].some((t) => t?.getTime() === importedAt.getTime()),
    )
    expect(atImport.map((f) => `${f.ruleId} ${refOf.get(f.subjectId) ?? f.subjectId}`)).toEqual([])
  })
})
