import { afterEach, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { testDatabaseKind } from '../../../test/database.ts'
import type { Clock } from '../../platform/clock.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { ensureOrganisation } from '../organisation/london-seed.ts'

// `relationship` lines feed REF-06's "access to the same adult" from another system: an adult who is the
// parent of one child and an associate of another gives each child's PAC a duty to the other.

const clock: Clock = { now: () => new Date('2018-09-01T12:00:00Z') }
const open: TestKestrel[] = []
afterEach(async () => {
  for (const k of open.splice(0)) await k.close()
})

async function kestrel() {
  const k = await testKestrel({ clock })
  open.push(k)
  await ensureOrganisation({ db: k.services.db })
  return k
}

const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')
const person = (ref: string, dateOfBirth: string) => ({ kind: 'person', ref, familyName: ref, dateOfBirth })
const people = [
  person('ADULT-1', '1980-01-01'),
  person('CHILD-1', '2010-01-01'),
  person('CHILD-2', '2012-01-01'),
]
const relationship = (ref: string, extra: Record<string, unknown>) => ({
  kind: 'relationship',
  ref,
  ...extra,
})
const parentOfChild1 = relationship('REL-1', {
  person: 'ADULT-1',
  relatedPerson: 'CHILD-1',
  relationship: 'parent',
  from: '2010-01-01',
})
const associateOfChild2 = relationship('REL-2', {
  person: 'ADULT-1',
  relatedPerson: 'CHILD-2',
  relationship: 'associate',
  from: '2018-07-01',
})
const pac = {
  kind: 'pac',
  ref: 'MERLIN-18-000001',
  child: 'CHILD-1',
  aboutKind: 'incident',
  aboutSummary: 'Domestic incident; child present',
  concerns: ['domestic_abuse_stalking_harassment'],
  riskLevel: 'medium',
  riskAssessment: 'Third call this month',
  childSpokenTo: true,
  voiceOfChild: 'Dad shouts',
  policeFirstKnewAt: '2018-08-01T09:00:00Z',
  createdAt: '2018-08-01T10:00:00Z',
  borough: 'Camden',
  raisedByName: 'PC Raiser',
}

async function ref06(k: TestKestrel) {
  return (await k.services.standards.listFindings({ ruleId: 'REF-06' })).map((f) => ({
    status: f.status,
    detail: f.detail,
  }))
}

describe(`relationship import (${testDatabaseKind()})`, () => {
  it('writes relationships by ref, and REF-06 finds the child with access to the same adult', async () => {
    const k = await kestrel()
    const { imports, db, standards } = k.services
    await imports.run(jsonl([...people, parentOfChild1, associateOfChild2, pac]), 'importer')
    const rows = await db
      .selectFrom('relationship as r')
      .innerJoin('person as a', 'a.id', 'r.person_a')
      .innerJoin('person as b', 'b.id', 'r.person_b')
      .select(['r.ref', 'a.ref as a', 'b.ref as b', 'r.kind', 'r.from_date', 'r.to_date', 'r.version'])
      .orderBy('r.ref')
      .execute()
    expect(rows).toEqual([
      {
        ref: 'REL-1',
        a: 'ADULT-1',
        b: 'CHILD-1',
        kind: 'parent',
        from_date: '2010-01-01',
        to_date: null,
        version: 1,
      },
      {
        ref: 'REL-2',
        a: 'ADULT-1',
        b: 'CHILD-2',
        kind: 'associate',
        from_date: '2018-07-01',
        to_date: null,
        version: 1,
      },
    ])
    // CHILD-2 has no PAC of their own: breached a day after CHILD-1's PAC, as the facts say.
    expect(await ref06(k)).toEqual([
      {
        status: 'breached',
        detail: expect.stringContaining(
          'has access to the same adult ADULT-1 (ADULT-1), parent of this child',
        ),
      },
    ])
    const at = async (asOf: string) =>
      (await standards.findingsAt(new Date(asOf), { ruleId: 'REF-06' })).findings.map((f) => f.status)
    expect(await at('2018-08-02T09:59:00Z')).toEqual(['due'])
    expect(await at('2018-08-02T10:00:00Z')).toEqual(['breached'])

    // Re-imported with an end before the PAC: the link did not exist that day, and the finding goes.
    await imports.run(jsonl([{ ...associateOfChild2, to: '2018-07-31' }]), 'importer')
    const again = await db
      .selectFrom('relationship')
      .select(['ref', 'to_date', 'version'])
      .orderBy('ref')
      .execute()
    expect(again).toEqual([
      { ref: 'REL-1', to_date: null, version: 1 },
      { ref: 'REL-2', to_date: '2018-07-31', version: 2 },
    ])
    expect((await ref06(k)).filter((f) => f.status === 'breached')).toEqual([])
    const history = await db
      .selectFrom('change_history')
      .select(['version', 'action', 'changed_by'])
      .where('record_table', '=', 'relationship')
      .orderBy('id')
      .execute()
    expect(history).toEqual([
      { version: 1, action: 'create', changed_by: 'importer' },
      { version: 1, action: 'create', changed_by: 'importer' },
      { version: 2, action: 'update', changed_by: 'importer' },
    ])
  }, 60_000)

  it('judges the PACs already held again when a later batch brings the relationship', async () => {
    const k = await kestrel()
    const { imports } = k.services
    await imports.run(jsonl([...people, parentOfChild1, pac]), 'importer')
    expect(await ref06(k)).toEqual([])
    await imports.run(jsonl([associateOfChild2]), 'importer')
    expect((await ref06(k)).map((f) => f.status)).toEqual(['breached'])
  }, 60_000)

  it('judges them again when a later batch puts another child in the same household', async () => {
    const k = await kestrel()
    const { imports } = k.services
    await imports.run(jsonl([...people, pac]), 'importer')
    expect(await ref06(k)).toEqual([])
    const member = (ref: string, who: string) => ({
      kind: 'household-membership',
      ref,
      household: 'H-1',
      person: who,
      role: 'child',
      from: '2015-01-01',
    })
    await imports.run(jsonl([member('HM-1', 'CHILD-1'), member('HM-2', 'CHILD-2')]), 'importer')
    expect(await ref06(k)).toEqual([
      { status: 'breached', detail: expect.stringContaining('lives in the same household') },
    ])
  }, 60_000)

  it('refuses a batch naming the line and field, writing nothing', async () => {
    const k = await kestrel()
    const { imports, db } = k.services
    const error = await imports
      .run(
        jsonl([
          ...people,
          relationship('REL-1', { person: 'ADULT-1', relatedPerson: 'ADULT-1', relationship: 'parent' }),
          relationship('REL-2', { person: 'ADULT-1', relatedPerson: 'CHILD-1', relationship: 'uncle' }),
          relationship('REL-3', { person: 'ADULT-1', relatedPerson: 'NOBODY', relationship: 'carer' }),
          relationship('REL-4', {
            person: 'ADULT-1',
            relatedPerson: 'CHILD-2',
            relationship: 'carer',
            from: '2018-02-01',
            to: '2018-01-01',
          }),
        ]),
        'importer',
      )
      .catch((e) => e)
    expect(error).toBeInstanceOf(ImportRejected)
    expect((error as ImportRejected).errors).toEqual([
      { line: 4, field: 'relatedPerson', reason: 'must be another person than person' },
      { line: 5, field: 'relationship', reason: 'must be one of: parent, carer, sibling, associate' },
      { line: 7, field: 'to', reason: 'must be on or after from' },
    ])
    const unknown = await imports
      .run(
        jsonl([
          ...people,
          relationship('REL-3', { person: 'ADULT-1', relatedPerson: 'NOBODY', relationship: 'carer' }),
        ]),
        'importer',
      )
      .catch((e) => e)
    expect((unknown as ImportRejected).errors).toEqual([
      { line: 4, field: 'relatedPerson', reason: 'no person with ref "NOBODY" in this batch or in Kestrel' },
    ])
    const future = await imports
      .run(jsonl([...people, { ...parentOfChild1, from: '2018-09-02' }]), 'importer')
      .catch((e) => e)
    expect((future as ImportRejected).errors).toEqual([
      { line: 4, field: 'from', reason: 'must not be in the future (today is 2018-09-01)' },
    ])
    expect(await db.selectFrom('relationship').select('id').execute()).toEqual([])
    expect(await db.selectFrom('person').select('id').execute()).toEqual([])
  }, 60_000)
})
