import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/database.ts'
import { fixedClock } from '../platform/clock.ts'
import type { DatabaseHandle } from '../platform/db/database.ts'
import { metrics } from '../platform/http/metrics.ts'
import { workingDayCalendar } from './calendar.ts'
import { type ConsistencyReport, checkConsistency, consistencyJob, recordConsistency } from './consistency.ts'
import { createRuleRegistry } from './registry.ts'
import { defineRule, type ObligationQueryRow } from './rule.ts'
import { type StandardsService, standardsService } from './service.ts'
import { addWorkingDaysJoin, workingDaysDue } from './sql-time.ts'

// Two synthetic rules over a table of parcels: one the clock moves (a parcel to be signed for within 4 hours),
// one only a write moves (a parcel with no address). The engine knows no module, so neither does this test.
const signFor = defineRule({
  id: 'TST-11',
  title: 'Parcel not signed for in time',
  citation: 'Test standard 11',
  source: 'local',
  appliesTo: 'test-parcel',
  severity: 'high',
  timeBased: true,
  params: {},
  obligations: async (_db, { upTo, subjectFilter, asOf }) =>
    sql<ObligationQueryRow>`
      select id as subject_id, '' as obligation_key, id as subject_ref, arrived_at as started_at,
        arrived_at + interval '4 hours' as due_at, ${upTo('signed_at')} as met_at, 'Sign for it' as detail,
        null::uuid as borough_id, null::uuid as bcu_id, null::uuid as assignee_team_id,
        null::uuid as assignee_staff_id
      from test_parcel where arrived_at <= ${asOf} and ${subjectFilter('id')}`,
})
// TST-11 again, swept by its due times: the steady sweep reads only its findings that fell due.
const signForByDueTimes = defineRule({ ...signFor, id: 'TST-13', steadyByDueTimes: true })
const addressed = defineRule({
  id: 'TST-12',
  title: 'Parcel with no address',
  citation: 'Test standard 12',
  source: 'local',
  appliesTo: 'test-parcel',
  severity: 'low',
  timeBased: false,
  params: {},
  obligations: async (_db, { subjectFilter, asOf }) =>
    sql<ObligationQueryRow>`
      select id as subject_id, '' as obligation_key, id as subject_ref, arrived_at as started_at,
        null::timestamptz as due_at, null::timestamptz as met_at, 'No address' as detail,
        null::uuid as borough_id, null::uuid as bcu_id, null::uuid as assignee_team_id,
        null::uuid as assignee_staff_id
      from test_parcel where address is null and arrived_at <= ${asOf} and ${subjectFilter('id')}`,
})

let handle: DatabaseHandle
let standards: StandardsService
const clock = fixedClock('2024-03-04T09:00:00Z')

beforeAll(async () => {
  handle = await testDatabase()
  const registry = createRuleRegistry()
  registry.register(signFor)
  registry.register(addressed)
  registry.register(signForByDueTimes)
  standards = standardsService({ db: handle.db, clock, registry, calendar: workingDayCalendar() })
  await sql`create table test_parcel (id text primary key, arrived_at timestamptz not null,
    signed_at timestamptz, address text)`.execute(handle.db)
})
afterAll(() => handle.close())
beforeEach(async () => {
  await sql`truncate test_parcel, finding, finding_event`.execute(handle.db)
  clock.set('2024-03-04T09:00:00Z')
})

/** A parcel arriving through a write path that evaluates what it wrote, as every module's does. */
async function arrives(id: string, address: string | null) {
  await handle.db.transaction().execute(async (trx) => {
    await sql`insert into test_parcel (id, arrived_at, address) values (${id}, ${clock.now()}, ${address})`.execute(
      trx,
    )
    await standards.afterWrite(trx, 'test-parcel', [id])
  })
}

const statusOf = async (ruleId: string, id: string) =>
  (
    await handle.db
      .selectFrom('finding')
      .select('status')
      .where('rule_id', '=', ruleId)
      .where('subject_id', '=', id)
      .executeTakeFirst()
  )?.status

describe('the consistency check', () => {
  it('finds nothing when every write was evaluated and the clock moved a finding: the steady sweep follows the clock', async () => {
    await arrives('P1', null)
    await arrives('P2', '1 High Street')
    clock.set('2024-03-04T14:00:00Z')
    const report = await checkConsistency(standards, { asOf: clock.now() })
    expect(report.differences).toEqual([])
    expect(report.failed).toEqual([])
    // The clock's work was done by the steady sweep: both parcels' four hours passed.
    expect(report.steady.find((r) => r.ruleId === 'TST-11')?.changed).toBe(2)
    expect(await statusOf('TST-11', 'P1')).toBe('breached')
  })

  it('reports a write its rules were not evaluated on as a defect, puts it right, and is clean the next time', async () => {
    await arrives('P3', null)
    expect(await statusOf('TST-12', 'P3')).toBe('breached')
    // A write path that forgot to evaluate: the address is recorded, the finding stays open.
    await sql`update test_parcel set address = '2 Low Road' where id = 'P3'`.execute(handle.db)
    // And a finding lost from the store (a restore that missed it): the derivation still owes it.
    await arrives('P4', null)
    await sql`delete from finding where subject_id = 'P4' and rule_id = 'TST-12'`.execute(handle.db)
    const report = await checkConsistency(standards, { asOf: clock.now() })
    expect(report.differences).toEqual([{ ruleId: 'TST-12', missing: 1, outOfDate: 0, noLongerOwed: 1 }])
    expect(await statusOf('TST-12', 'P3')).toBe('resolved_auto')
    expect(await statusOf('TST-12', 'P4')).toBe('breached')
    expect((await checkConsistency(standards, { asOf: clock.now() })).differences).toEqual([])
  })

  it('counts each difference in the metrics by rule, and each check by its result', async () => {
    const { consistencyDifferences, consistencyChecks } = metrics()
    const value = async (
      counter: { get(): Promise<{ values: { labels: object; value: number }[] }> },
      label: string,
    ) => (await counter.get()).values.find((v) => Object.values(v.labels).includes(label))?.value ?? 0
    const before = {
      differences: await value(consistencyDifferences, 'TST-12'),
      found: await value(consistencyChecks, 'differences'),
      clean: await value(consistencyChecks, 'consistent'),
    }
    await arrives('P5', null)
    await sql`update test_parcel set address = '3 Mill Lane' where id = 'P5'`.execute(handle.db)
    recordConsistency(await checkConsistency(standards, { asOf: clock.now() }))
    recordConsistency(await checkConsistency(standards, { asOf: clock.now() }))
    expect(await value(consistencyDifferences, 'TST-12')).toBe(before.differences + 1)
    expect(await value(consistencyChecks, 'differences')).toBe(before.found + 1)
    expect(await value(consistencyChecks, 'consistent')).toBe(before.clean + 1)
  })

  it('moves a rule swept by its due times by reading only the findings that fell due, and agrees with a full derivation', async () => {
    for (const [id, at] of [
      ['Q1', '2024-03-04T09:00:00Z'],
      ['Q2', '2024-03-04T10:00:00Z'],
      ['Q3', '2024-03-04T12:00:00Z'],
    ] as const) {
      clock.set(at)
      await arrives(id, 'Addressed')
    }
    clock.set('2024-03-04T14:30:00Z')
    const steady = async () => {
      const results = await standards.sweep({ timeBasedOnly: true, ruleIds: ['TST-11', 'TST-13'] })
      return Object.fromEntries(results.map((r) => [r.ruleId, [r.dueRecords, r.changed]]))
    }
    // Q1 and Q2 fell due (13:00, 14:00); Q3 is due at 16:00. TST-11 derives everything, so it reads no index.
    expect(await steady()).toEqual({ 'TST-11': [undefined, 2], 'TST-13': [2, 2] })
    expect(await statusOf('TST-13', 'Q2')).toBe('breached')
    expect(await statusOf('TST-13', 'Q3')).toBe('due')
    // Nothing more is due: the next sweep reads nothing.
    expect(await steady()).toEqual({ 'TST-11': [undefined, 0], 'TST-13': [0, 0] })
    clock.set('2024-03-04T16:30:00Z')
    expect(await steady()).toEqual({ 'TST-11': [undefined, 1], 'TST-13': [1, 1] })
    expect((await checkConsistency(standards, { asOf: clock.now() })).differences).toEqual([])
  })

  it('runs nightly as a job at the clock’s instant, reporting what it found', async () => {
    await arrives('P6', null)
    await sql`update test_parcel set address = '4 Quay' where id = 'P6'`.execute(handle.db)
    const reports: ConsistencyReport[] = []
    const job = consistencyJob({ standards, now: () => clock.now(), record: (r) => reports.push(r) })
    expect(job.cron).toBe('30 2 * * *')
    await job.run()
    expect(reports.map((r) => [r.asOf.toISOString(), r.differences])).toEqual([
      ['2024-03-04T09:00:00.000Z', [{ ruleId: 'TST-12', missing: 0, outOfDate: 0, noLongerOwed: 1 }]],
    ])
  })
})

describe('a new working-day calendar', () => {
  // A parcel to be signed for within one working day; twice, one rule knowing it counts working days.
  const workingDayRule = (id: string, readsWorkingDays: boolean) =>
    defineRule({
      id,
      title: 'Parcel not signed for within a working day',
      citation: `Test standard ${id}`,
      source: 'local',
      appliesTo: 'test-parcel',
      severity: 'high',
      timeBased: true,
      steadyByDueTimes: true,
      readsWorkingDays,
      params: {},
      obligations: async (_db, { upTo, subjectFilter, asOf }) =>
        sql<ObligationQueryRow>`
          select id as subject_id, '' as obligation_key, id as subject_ref, arrived_at as started_at,
            ${workingDaysDue('due', 'arrived_at', sql.lit(1))} as due_at, ${upTo('signed_at')} as met_at,
            'Sign for it' as detail, null::uuid as borough_id, null::uuid as bcu_id,
            null::uuid as assignee_team_id, null::uuid as assignee_staff_id
          from test_parcel ${addWorkingDaysJoin('due', 'arrived_at', sql.lit(1))}
          where arrived_at <= ${asOf} and ${subjectFilter('id')}`,
    })
  const serviceWith = (calendar: ReturnType<typeof workingDayCalendar>) => {
    const registry = createRuleRegistry()
    registry.register(workingDayRule('TST-14', true))
    registry.register(workingDayRule('TST-15', false))
    return standardsService({ db: handle.db, clock, registry, calendar })
  }
  const dueOf = async (ruleId: string) =>
    (
      await sql<{
        due_at: Date
      }>`select due_at from finding where rule_id = ${ruleId} and subject_id = 'W1'`.execute(handle.db)
    ).rows[0]?.due_at.toISOString()

  it('moves the due times of the rules that read working days at the next steady sweep, once', async () => {
    const before = serviceWith(workingDayCalendar())
    await handle.db.transaction().execute(async (trx) => {
      await sql`insert into test_parcel (id, arrived_at, address) values ('W1', ${clock.now()}, 'Dock')`.execute(
        trx,
      )
      await before.afterWrite(trx, 'test-parcel', ['W1'])
    })
    // Monday 09:00: due on Tuesday at 09:00.
    expect([await dueOf('TST-14'), await dueOf('TST-15')]).toEqual([
      '2024-03-05T09:00:00.000Z',
      '2024-03-05T09:00:00.000Z',
    ])
    // The force adds Tuesday as a holiday (KESTREL_BANK_HOLIDAYS_FILE): nothing is written, yet the due moves.
    const after = serviceWith(workingDayCalendar(['2024-03-05']))
    clock.set('2024-03-04T10:00:00Z')
    const results = await after.sweep({ timeBasedOnly: true })
    expect(results.find((r) => r.ruleId === 'TST-14')).toMatchObject({ ok: true, changed: 1 })
    expect(await dueOf('TST-14')).toBe('2024-03-06T09:00:00.000Z')
    // A rule that does not say it reads working days is swept by its due times, and goes stale: the check's defect.
    expect(await dueOf('TST-15')).toBe('2024-03-05T09:00:00.000Z')
    // Once derived whole under the new calendar, the steady sweep reads the index again.
    expect((await after.sweep({ timeBasedOnly: true })).find((r) => r.ruleId === 'TST-14')?.dueRecords).toBe(
      0,
    )
    const check = await checkConsistency(after, { asOf: clock.now() })
    expect(check.differences).toEqual([{ ruleId: 'TST-15', missing: 0, outOfDate: 1, noLongerOwed: 0 }])
  })
})
