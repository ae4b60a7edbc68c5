import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { custodyFixture, movableClock, principal } from './test-fixtures.ts'

// A small history imported a month after it happened (issue 16): the findings must be those of the facts,
// not of the import. The import runs at 2018-09-01T12:00Z; every detention is from 1 August.
const importedAt = '2018-09-01T12:00:00Z'
const clock = movableClock(importedAt)
let fx: Awaited<ReturnType<typeof custodyFixture>>

beforeAll(async () => {
  fx = await custodyFixture(clock)
})
afterAll(async () => {
  await fx?.kestrel.close()
})

const person = (ref: string) =>
  JSON.stringify({ kind: 'person', ref, familyName: 'History', givenNames: 'Kid', dateOfBirth: '2004-01-01' })

const pac = (ref: string, child: string, createdAt: string) =>
  JSON.stringify({
    kind: 'pac',
    ref,
    child,
    aboutKind: 'custody_detention',
    aboutSummary: 'Detained for robbery',
    concerns: ['young_offenders'],
    riskLevel: 'medium',
    riskAssessment: 'Arrested with older associates',
    childSpokenTo: true,
    voiceOfChild: 'Said he was made to carry it',
    policeFirstKnewAt: createdAt,
    createdAt,
    borough: 'Lambeth',
    raisedByName: 'PC History',
  })

const left = { kind: 'left_custody', at: '2018-08-01T16:00:00Z', destination: 'released_under_investigation' }
const detention = (ref: string, child: string, extra: Record<string, unknown> = {}, events: unknown[] = []) =>
  JSON.stringify({
    kind: 'custody-detention',
    ref,
    child,
    custodySuite: 'Brixton custody suite',
    offences: ['Robbery'],
    arrestedAt: '2018-08-01T12:00:00Z',
    events: [
      { kind: 'arrived', at: '2018-08-01T12:30:00Z' },
      { kind: 'detention_authorised', at: '2018-08-01T13:00:00Z' },
      ...events,
      left,
    ],
    ...extra,
  })

async function stored(ref: string) {
  return fx.kestrel.services.db
    .selectFrom('custody_detention')
    .select(['id', 'pac_id', 'pac_ref', 'pac_linked_at'])
    .where('ref', '=', ref)
    .executeTakeFirstOrThrow()
}

async function found(ruleId: string, id: string, asOf: string) {
  const { findings, results } = await fx.kestrel.services.standards.findingsAt(new Date(asOf), {
    ruleId,
    subjectId: id,
  })
  expect(results.filter((r) => !r.ok)).toEqual([])
  return findings.map((f) => `${f.status} ${f.detail}`)
}

describe('a custody history imported as it happened', () => {
  it('links a PAC Kestrel holds at its own time, keeps another system’s reference as such, never the import time', async () => {
    const batch = [
      person('HIS-P-1'),
      person('HIS-P-2'),
      person('HIS-P-3'),
      person('HIS-P-4'),
      person('HIS-P-5'),
      // Made at 15:00 London (14:00Z), two hours before the child left.
      pac('MERLIN-18-000101', 'HIS-P-1', '2018-08-01T14:00:00Z'),
      // Made the day before the arrest, about an earlier matter.
      pac('MERLIN-18-000102', 'HIS-P-5', '2018-07-31T09:00:00Z'),
      detention('HIS-D-1', 'HIS-P-1', { pacRef: 'merlin-18-000101' }),
      detention('HIS-D-2', 'HIS-P-2', { pacRef: 'MERLIN-18-000999' }),
      detention('HIS-D-3', 'HIS-P-3', { pacRef: 'MERLIN-18-000998', pacLinkedAt: '2018-08-01T17:00:00Z' }),
      detention('HIS-D-4', 'HIS-P-4'),
      detention('HIS-D-5', 'HIS-P-5', { pacRef: 'MERLIN-18-000102' }),
    ].join('\n')
    const outcome = await fx.kestrel.services.imports.run(batch, 'history')
    expect(outcome.written).toMatchObject({ pac: 2, 'custody-detention': 5 })

    const inKestrel = await stored('HIS-D-1')
    expect(inKestrel.pac_id).not.toBeNull()
    expect(inKestrel.pac_ref).toBe('MERLIN-18-000101')
    expect(new Date(inKestrel.pac_linked_at as Date).toISOString()).toBe('2018-08-01T14:00:00.000Z')
    // Before the import's fix the detention read as having no PAC until the import, then met late.
    expect(await found('CUS-12', inKestrel.id, '2018-08-01T16:00:00Z')).toEqual([
      'met Merlin PAC MERLIN-18-000101 linked',
    ])
    expect(await found('CUS-12', inKestrel.id, importedAt)).toEqual([
      'met Merlin PAC MERLIN-18-000101 linked',
    ])

    const elsewhere = await stored('HIS-D-2')
    expect(elsewhere).toMatchObject({ pac_id: null, pac_ref: 'MERLIN-18-000999', pac_linked_at: null })
    expect(await found('CUS-12', elsewhere.id, '2018-08-01T16:00:00Z')).toEqual([
      'met Merlin PAC MERLIN-18-000999 recorded in another system (time not given)',
    ])

    // The other system says the PAC came an hour after the child left: late, as it was.
    const late = await stored('HIS-D-3')
    expect(late.pac_id).toBeNull()
    expect(await found('CUS-12', late.id, '2018-08-01T16:30:00Z')).toEqual([
      'breached No Merlin PAC recorded for this detention',
    ])
    expect(await found('CUS-12', late.id, importedAt)).toEqual([
      'met_late Merlin PAC MERLIN-18-000998 linked',
    ])

    const none = await stored('HIS-D-4')
    expect(await found('CUS-12', none.id, importedAt)).toEqual([
      'breached No Merlin PAC recorded for this detention',
    ])

    // A PAC made before the arrest is linked from the arrest: a link cannot precede its detention.
    const earlier = await stored('HIS-D-5')
    expect(new Date(earlier.pac_linked_at as Date).toISOString()).toBe('2018-08-01T12:00:00.000Z')

    // No detention carries the import's time.
    const times = await fx.kestrel.services.db
      .selectFrom('custody_detention')
      .select('pac_linked_at')
      .where('ref', 'like', 'HIS-D-%')
      .execute()
    expect(
      times.filter(
        (t) =>
          t.pac_linked_at && new Date(t.pac_linked_at).toISOString() === new Date(importedAt).toISOString(),
      ),
    ).toEqual([])
  })

  it('refuses a reference that is no PAC, a Kestrel number not held, another child’s PAC, and a time without a PAC', async () => {
    const line = (extra: Record<string, unknown>) =>
      [
        person('HIS-P-9'),
        person('HIS-P-8'),
        pac('MERLIN-18-000201', 'HIS-P-8', '2018-08-01T14:00:00Z'),
        detention('HIS-D-9', 'HIS-P-9', extra),
      ].join('\n')
    await expect(
      fx.kestrel.services.imports.run(line({ pacRef: 'NOPE-NOT-A-PAC' }), 'history'),
    ).rejects.toThrow(/line 4 pacRef: "NOPE-NOT-A-PAC" is not a PAC reference/)
    await expect(fx.kestrel.services.imports.run(line({ pacRef: 'PAC-0099999' }), 'history')).rejects.toThrow(
      /line 4 pacRef: There is no PAC PAC-0099999/,
    )
    await expect(
      fx.kestrel.services.imports.run(line({ pacRef: 'MERLIN-18-000201' }), 'history'),
    ).rejects.toThrow(/line 4 pacRef: PAC MERLIN-18-000201 is about another person/)
    await expect(
      fx.kestrel.services.imports.run(line({ pacLinkedAt: '2018-08-01T14:00:00Z' }), 'history'),
    ).rejects.toThrow(/line 4 pacLinkedAt: Name the PAC linked/)
    const written = await fx.kestrel.services.db
      .selectFrom('custody_detention')
      .select('id')
      .where('ref', '=', 'HIS-D-9')
      .execute()
    expect(written).toEqual([])
  })

  it('links a PAC on the detention page the same way: Kestrel’s at its own time, another system’s now', async () => {
    await fx.kestrel.services.imports.run(
      [
        person('HIS-P-7'),
        pac('MERLIN-18-000301', 'HIS-P-7', '2018-08-01T15:00:00Z'),
        detention('HIS-D-7', 'HIS-P-7'),
        detention('HIS-D-8', 'HIS-P-7'),
      ].join('\n'),
      'history',
    )
    const who = principal()
    const ours = await stored('HIS-D-7')
    const view = await fx.kestrel.services.custody.get(ours.id, who)
    await expect(
      fx.kestrel.services.custody.linkPac(ours.id, view.detention.version, 'NOPE-NOT-A-PAC', who),
    ).rejects.toThrow(ValidationError)
    await fx.kestrel.services.custody.linkPac(ours.id, view.detention.version, 'MERLIN-18-000301', who)
    const linked = await stored('HIS-D-7')
    expect(linked.pac_id).not.toBeNull()
    expect(new Date(linked.pac_linked_at as Date).toISOString()).toBe('2018-08-01T15:00:00.000Z')
    const theirs = await stored('HIS-D-8')
    const other = await fx.kestrel.services.custody.get(theirs.id, who)
    await fx.kestrel.services.custody.linkPac(theirs.id, other.detention.version, 'MERLIN-18-000302', who)
    expect(await stored('HIS-D-8')).toMatchObject({ pac_id: null, pac_ref: 'MERLIN-18-000302' })
    expect(new Date((await stored('HIS-D-8')).pac_linked_at as Date).toISOString()).toBe(
      new Date(importedAt).toISOString(),
    )
    // The page says which is which.
    const admin = await signIn(fx.kestrel, ['admin'])
    const page = async (id: string) =>
      (await fx.kestrel.app.inject({ url: `/custody/detentions/${id}`, headers: { cookie: admin.cookie } }))
        .body
    expect(await page(ours.id)).toContain(
      `<a class="govuk-link" href="/pacs/${linked.pac_id}">MERLIN-18-000301</a>, linked 1 Aug 2018, 16:00`,
    )
    expect(await page(theirs.id)).toContain(
      'MERLIN-18-000302, held in another system (linked 1 Sept 2018, 13:00)',
    )
    expect(await page((await stored('HIS-D-2')).id)).toContain(
      'MERLIN-18-000999, held in another system (time not given: counted from the start of the detention)',
    )
  })

  it('judges the adult at the charge and at reviews as recorded', async () => {
    const batch = [
      person('HIS-P-6'),
      detention('HIS-D-6', 'HIS-P-6', {}, [
        { kind: 'aa_contacted', at: '2018-08-01T13:05:00Z', personName: 'Mother', aaRelationship: 'parent' },
        {
          kind: 'review',
          at: '2018-08-01T14:00:00Z',
          officerName: 'Insp R',
          officerRank: 'inspector',
          inPerson: true,
          aaIntervention: 'Mother not answering; AA service asked for a volunteer',
        },
        { kind: 'aa_arrived', at: '2018-08-01T14:30:00Z' },
        // Charged with nothing said of the adult: the report's "not evident".
        { kind: 'charged', at: '2018-08-01T15:00:00Z' },
      ]),
    ].join('\n')
    await fx.kestrel.services.imports.run(batch, 'history')
    const d = await stored('HIS-D-6')
    expect(await found('CUS-15', d.id, importedAt)).toEqual([
      'met Appropriate adult awaited at the review: intervention recorded',
    ])
    expect(await found('CUS-14', d.id, importedAt)).toEqual([
      'breached Charged with no record that the appropriate adult was present',
    ])
  })
})
