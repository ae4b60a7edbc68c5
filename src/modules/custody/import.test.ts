import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { custodyDetentionImport } from './import-kinds.ts'
import { custodyFixture, movableClock } from './test-fixtures.ts'

const clock = movableClock('2018-09-01T12:00:00Z')
let fx: Awaited<ReturnType<typeof custodyFixture>>

beforeAll(async () => {
  fx = await custodyFixture(clock)
})
afterAll(async () => {
  await fx?.kestrel.close()
})

const person = (ref: string, dateOfBirth: string) =>
  JSON.stringify({ kind: 'person', ref, familyName: 'Imported', givenNames: 'Kid', dateOfBirth })

const detention = (ref: string, child: string, events: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    kind: 'custody-detention',
    ref,
    child,
    custodySuite: 'Brixton custody suite',
    offences: ['Robbery'],
    arrestedAt: '2018-08-01T12:00:00Z',
    events,
    ...extra,
  })

const events = [
  { kind: 'arrived', at: '2018-08-01T12:30:00Z' },
  { kind: 'detention_authorised', at: '2018-08-01T13:00:00Z' },
  {
    kind: 'review',
    at: '2018-08-01T18:00:00Z',
    officerName: 'Insp A',
    officerRank: 'inspector',
    inPerson: false,
    absenceReason: 'asleep',
  },
  { kind: 'review_told', at: '2018-08-01T20:00:00Z', relatedEventId: '#2' },
  { kind: 'left_custody', at: '2018-08-01T21:00:00Z', destination: 'released_under_investigation' },
]

describe('custody-detention import', () => {
  it('writes a detention with its nested events, and re-running it replaces the timeline', async () => {
    const batch = [person('IMP-P-1', '2003-01-01'), detention('IMP-D-1', 'IMP-P-1', events)].join('\n')
    const outcome = await fx.kestrel.services.imports.run(batch, 'test')
    expect(outcome.written).toMatchObject({ person: 1, 'custody-detention': 1 })
    await fx.kestrel.services.imports.run(batch, 'test')
    const rows = await fx.kestrel.services.db
      .selectFrom('custody_detention')
      .innerJoin('custody_event', 'custody_event.detention_id', 'custody_detention.id')
      .select(['custody_event.kind', 'custody_event.related_event_id'])
      .where('custody_detention.ref', '=', 'IMP-D-1')
      .execute()
    expect(rows).toHaveLength(5)
    expect(rows.find((r) => r.kind === 'review_told')?.related_event_id).toBeTruthy()
    // Both runs are changes to the detention, in the access log like a change made through a page; the
    // person kind logs its own rows (about the person), so the importer adds none for it.
    const detentionId = (
      await fx.kestrel.services.db
        .selectFrom('custody_detention')
        .select('id')
        .where('ref', '=', 'IMP-D-1')
        .executeTakeFirstOrThrow()
    ).id
    const logged = await fx.kestrel.services.accessLog.forSubject('custody-detention', detentionId)
    expect(logged.map((r) => [r.action, r.actorName, r.detail])).toEqual([
      ['import', 'test', { ref: 'IMP-D-1' }],
      ['import', 'test', { ref: 'IMP-D-1' }],
    ])
    const personId = (await fx.kestrel.services.children.find('IMP-P-1'))?.id as string
    const aboutPerson = await fx.kestrel.services.accessLog.forSubject('person', personId)
    // The second run changed nothing about the person, and the person index logs only changes.
    expect(aboutPerson.map((r) => r.action)).toEqual(['import'])
    expect((await fx.kestrel.services.accessLog.verify()).ok).toBe(true)
  })

  it('rejects the whole batch with the line and field of an event out of order', async () => {
    const batch = [
      person('IMP-P-2', '2003-01-01'),
      detention('IMP-D-2', 'IMP-P-2', events),
      detention('IMP-D-3', 'IMP-P-2', [{ kind: 'charged', at: '2018-08-01T11:00:00Z' }]),
    ].join('\n')
    await expect(fx.kestrel.services.imports.run(batch, 'test')).rejects.toThrow(
      /line 3 events\.0\.at: .*before the arrest/,
    )
    const found = await fx.kestrel.services.db
      .selectFrom('custody_detention')
      .select('id')
      .where('ref', '=', 'IMP-D-2')
      .execute()
    expect(found).toEqual([])
  })

  it('rejects an adult, an unknown suite and a strip search with no authority', async () => {
    const adult = [person('IMP-P-3', '1995-01-01'), detention('IMP-D-4', 'IMP-P-3', [])].join('\n')
    await expect(fx.kestrel.services.imports.run(adult, 'test')).rejects.toThrow(
      /line 2 child: The person was 23/,
    )
    const suite = [
      person('IMP-P-4', '2004-01-01'),
      detention('IMP-D-5', 'IMP-P-4', [], { custodySuite: 'Lambeth CAIT' }),
    ].join('\n')
    await expect(fx.kestrel.services.imports.run(suite, 'test')).rejects.toThrow(
      /custodySuite: Lambeth CAIT is not a custody suite/,
    )
    const strip = [
      person('IMP-P-5', '2004-01-01'),
      detention('IMP-D-6', 'IMP-P-5', [
        { kind: 'search', at: '2018-08-01T13:00:00Z', searchType: 'strip', aaPresent: false },
      ]),
    ].join('\n')
    await expect(fx.kestrel.services.imports.run(strip, 'test')).rejects.toThrow(/events\.0\.officerName/)
  })

  it('documents an example that validates', () => {
    const { kind: _kind, ref: _ref, ...fields } = custodyDetentionImport.describe.example
    expect(custodyDetentionImport.schema.safeParse(fields).success).toBe(true)
  })
})
