import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/database.ts'
import { forceWideReach } from '../platform/access/need-to-know.ts'
import { fixedClock } from '../platform/clock.ts'
import type { DatabaseHandle } from '../platform/db/database.ts'
import { workingDayCalendar } from './calendar.ts'
import { checkConsistency } from './consistency.ts'
import type { RuleResult } from './evaluate.ts'
import { createRuleRegistry } from './registry.ts'
import { defineRule, dueTimesOf, type ObligationQueryRow } from './rule.ts'
import { type StandardsService, standardsService } from './service.ts'
import { sweptTo, windowOverlapMs } from './swept-to.ts'

// A delivery booked for a time, to be signed for within 4 hours of it: its obligation is born by the clock at
// the booked time, which may be long after the write that booked it. Three rules over it, all swept by their
// due times: one that declares the booked time as its clock instant, one that does not (and so goes stale),
// and a chaser owed from the first's due time (read from its stored findings).
const signFor = {
  title: 'Delivery not signed for in time',
  citation: 'Test standard',
  source: 'local',
  appliesTo: 'test-delivery',
  severity: 'high',
  timeBased: true,
  steadyByDueTimes: true,
  params: {},
  obligations: async (_db, { upTo, subjectFilter, asOf }) =>
    sql<ObligationQueryRow>`
      select id as subject_id, '' as obligation_key, id as subject_ref, booked_for as started_at,
        booked_for + interval '4 hours' as due_at, ${upTo('signed_at')} as met_at, 'Sign for it' as detail,
        null::uuid as borough_id, null::uuid as bcu_id, null::uuid as assignee_team_id,
        null::uuid as assignee_staff_id
      from test_delivery where booked_for <= ${asOf} and ${subjectFilter('id')}`,
} as const satisfies Omit<Parameters<typeof defineRule>[0], 'id'>
const bookedFor = ({ from, to }: { from: Date; to: Date }) =>
  sql<{ subject_id: string }>`select id as subject_id from test_delivery where booked_for > ${from}
    and booked_for <= ${to}`
const withInstants = defineRule({ ...signFor, id: 'TST-16', clockInstants: bookedFor })
const withoutInstants = defineRule({ ...signFor, id: 'TST-17' })
// Owed once TST-16's obligation falls due, met by a signature: born at another obligation's due time.
const chaser = defineRule({
  ...signFor,
  id: 'TST-18',
  title: 'Late delivery not chased',
  clockInstants: dueTimesOf('TST-16', ''),
  obligations: async (_db, { upTo, subjectFilter, asOf }) =>
    sql<ObligationQueryRow>`
      select id as subject_id, 'chase' as obligation_key, id as subject_ref,
        booked_for + interval '4 hours' as started_at, booked_for + interval '1 day' as due_at,
        ${upTo('signed_at')} as met_at, 'Chase it' as detail, null::uuid as borough_id, null::uuid as bcu_id,
        null::uuid as assignee_team_id, null::uuid as assignee_staff_id
      from test_delivery where booked_for <= ${asOf} and ${subjectFilter('id')}`,
})

let handle: DatabaseHandle
let standards: StandardsService
const clock = fixedClock('2024-03-04T09:00:00Z')
const minutes = (n: number) => new Date(clock.now().getTime() + n * 60_000)
const of = (results: readonly RuleResult[], ruleId: string) => results.find((r) => r.ruleId === ruleId)
const findings = async (ruleId: string) =>
  (
    await sql<{ subject_id: string; status: string }>`select subject_id, status from finding
      where rule_id = ${ruleId} order by subject_id`.execute(handle.db)
  ).rows.map((r) => `${r.subject_id} ${r.status}`)

beforeAll(async () => {
  handle = await testDatabase()
  const registry = createRuleRegistry()
  for (const rule of [withInstants, withoutInstants, chaser]) registry.register(rule)
  standards = standardsService({ db: handle.db, clock, registry, calendar: workingDayCalendar() })
  await sql`create table test_delivery (id text primary key, booked_for timestamptz not null,
    signed_at timestamptz)`.execute(handle.db)
})
afterAll(() => handle.close())
beforeEach(async () => {
  await sql`truncate test_delivery, finding, finding_event, rule_swept_to`.execute(handle.db)
  clock.set('2024-03-04T09:00:00Z')
})

/** Books a delivery through a write path that evaluates what it wrote, as every module's does. */
async function book(id: string, at: Date) {
  await handle.db.transaction().execute(async (trx) => {
    await sql`insert into test_delivery (id, booked_for) values (${id}, ${at})`.execute(trx)
    await standards.afterWrite(trx, 'test-delivery', [id])
  })
}

describe('the steady sweep by a window of clock instants', () => {
  it('derives a rule whole until it has been swept, then reads only the records whose instants passed', async () => {
    const first = await standards.sweep({ timeBasedOnly: true })
    // Never swept: derived whole, and where it got to is recorded.
    expect(of(first, 'TST-16')?.dueRecords).toBeUndefined()
    expect((await sweptTo(handle.db, ['TST-16'])).get('TST-16')?.toISOString()).toBe(
      '2024-03-04T09:00:00.000Z',
    )
    // TST-17 declares no clock instants: swept by its due times from the start, with nothing recorded.
    expect(of(first, 'TST-17')?.dueRecords).toBe(0)
    expect((await sweptTo(handle.db, ['TST-17'])).has('TST-17')).toBe(false)

    await book('D1', minutes(120))
    await book('D2', minutes(24 * 60))
    expect(await findings('TST-16')).toEqual([])

    // An hour on, neither booked time has come: nothing read.
    clock.set(minutes(60))
    expect(of(await standards.sweep({ timeBasedOnly: true }), 'TST-16')).toMatchObject({
      ok: true,
      dueRecords: 0,
    })

    // Two hours on, D1's has: the sweep reads D1 alone and opens its finding; TST-17 never sees it.
    clock.set(minutes(61))
    const born = await standards.sweep({ timeBasedOnly: true })
    expect(of(born, 'TST-16')).toMatchObject({ ok: true, dueRecords: 1, opened: 1 })
    expect(await findings('TST-16')).toEqual(['D1 due'])
    expect(await findings('TST-17')).toEqual([])
    const check = await checkConsistency(standards, { asOf: clock.now(), ruleIds: ['TST-16', 'TST-17'] })
    expect(check.differences).toEqual([{ ruleId: 'TST-17', missing: 1, outOfDate: 0, noLongerOwed: 0 }])
  })

  it('reaches back before the last sweep, for a write that committed after it', async () => {
    await standards.sweep({ timeBasedOnly: true })
    clock.set(minutes(10))
    await standards.sweep({ timeBasedOnly: true })
    // A write evaluated before its booked time and committed only after the sweep passed that time: nothing
    // evaluated it with the time passed. The next sweep's window starts before the last one's instant.
    await sql`insert into test_delivery (id, booked_for) values ('D3', ${minutes(-5)})`.execute(handle.db)
    clock.set(minutes(1))
    expect(of(await standards.sweep({ timeBasedOnly: true }), 'TST-16')).toMatchObject({
      dueRecords: 1,
      opened: 1,
    })
    // Beyond the overlap, such a write waits for the full check.
    await sql`insert into test_delivery (id, booked_for)
      values ('D4', ${new Date(minutes(-1).getTime() - windowOverlapMs)})`.execute(handle.db)
    clock.set(minutes(1))
    await standards.sweep({ timeBasedOnly: true })
    expect(await findings('TST-16')).toEqual(['D3 due'])
  })

  it('owes a chaser from a due time even when a supervisor resolved the first finding early', async () => {
    await standards.sweep({ timeBasedOnly: true })
    await book('D5', minutes(-60))
    const [finding] = await standards.listFindings({ ruleId: 'TST-16', subjectId: 'D5' })
    if (!finding?.id) throw new Error('D5 has no TST-16 finding')
    await standards.resolve(
      finding.id,
      { reach: forceWideReach, by: 'insp.jones' },
      'Signed for by the neighbour',
    )
    // Three hours on, TST-16 falls due: its finding is closed, so the index of open findings no longer has it.
    clock.set(minutes(3 * 60 + 1))
    const swept = await standards.sweep({ timeBasedOnly: true })
    expect(of(swept, 'TST-18')).toMatchObject({ ok: true, dueRecords: 1, opened: 1 })
    expect(await findings('TST-18')).toEqual(['D5 due'])
    const check = await checkConsistency(standards, { asOf: clock.now(), ruleIds: ['TST-18'] })
    expect(check.differences).toEqual([])
  })

  it('changes nothing stored, nor where the sweep got to, when the clock runs backwards', async () => {
    await book('D6', minutes(30))
    clock.set(minutes(60))
    await standards.sweep({ timeBasedOnly: true })
    expect(await findings('TST-16')).toEqual(['D6 due'])
    const reached = (await sweptTo(handle.db, ['TST-16'])).get('TST-16')
    const earlier = await standards.sweep({ timeBasedOnly: true, asOf: minutes(-45) })
    expect(of(earlier, 'TST-16')).toMatchObject({ ok: true, dueRecords: 0 })
    expect(await findings('TST-16')).toEqual(['D6 due'])
    expect((await sweptTo(handle.db, ['TST-16'])).get('TST-16')).toEqual(reached)
  })

  it('reports a rule whose clock instants cannot be read, and sweeps the others', async () => {
    const registry = createRuleRegistry()
    const broken = defineRule({
      ...signFor,
      id: 'TST-19',
      clockInstants: () => sql<{ subject_id: string }>`select id as subject_id from no_such_table`,
    })
    registry.register(broken)
    registry.register(withInstants)
    const service = standardsService({ db: handle.db, clock, registry, calendar: workingDayCalendar() })
    await service.sweep({ timeBasedOnly: true })
    clock.set(minutes(1))
    const results = await service.sweep({ timeBasedOnly: true })
    expect(of(results, 'TST-19')).toMatchObject({ ok: false })
    expect(of(results, 'TST-19')?.error).toMatch(/no_such_table/)
    expect(of(results, 'TST-16')).toMatchObject({ ok: true })
    // Its window is not recorded as swept: the next sweep reads it again.
    expect((await sweptTo(handle.db, ['TST-19'])).get('TST-19')?.toISOString()).toBe(
      '2024-03-04T09:00:00.000Z',
    )
  })
})
