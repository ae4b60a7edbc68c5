import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/database.ts'
import { forceWideReach } from '../platform/access/need-to-know.ts'
import { fixedClock } from '../platform/clock.ts'
import type { DatabaseHandle } from '../platform/db/database.ts'
import { ValidationError } from '../platform/http/errors.ts'
import { workingDayCalendar } from './calendar.ts'
import { createRuleRegistry } from './registry.ts'
import { defineRule, type ObligationQueryRow } from './rule.ts'
import { type StandardsService, standardsService } from './service.ts'

// Synthetic rules over a table this test creates: the engine knows no module, so neither does its test.
// Each rule can answer with rows (run by the rule) or with its query (run set-wise by the engine): every test
// below runs both ways and must see the same findings and history.
let form: 'rows' | 'query' = 'rows'
/** A supervisor acting on a finding; who may see which finding is tested with the routes and scope. */
const actor = (by: string) => ({ reach: forceWideReach, by })
type Widget = {
  id: string
  ref: string
  borough_id: string | null
  arrived_at: Date
  inspected_at: Date | null
}

const inspectWidget = defineRule({
  id: 'TST-01',
  title: 'Widget not inspected in time',
  citation: 'Test standard 1',
  source: 'local',
  appliesTo: 'test-widget',
  severity: 'high',
  timeBased: true,
  params: {
    inspectHours: { default: 4, description: 'Hours to inspect a widget', unit: 'hours', perBorough: true },
  },
  async obligations(db, { params, upTo, subjectFilter, asOf }) {
    if (form === 'query') {
      return sql<ObligationQueryRow>`
        select id as subject_id, '' as obligation_key, ref as subject_ref, arrived_at as started_at,
          arrived_at + interval '1 hour' * ${params.sql('inspectHours', 'borough_id')} as due_at,
          ${upTo('inspected_at')} as met_at, 'Widget ' || ref || ' to be inspected' as detail, borough_id,
          null as bcu_id, null as assignee_team_id,
          '00000000-0000-4000-8000-000000000001' as assignee_staff_id
        from test_widget where arrived_at <= ${asOf} and ${subjectFilter('id')}`
    }
    const { rows } = await sql<Widget & { due_at: Date }>`
      select id, ref, borough_id, arrived_at, ${upTo('inspected_at')} as inspected_at,
        arrived_at + interval '1 hour' * ${params.sql('inspectHours', 'borough_id')} as due_at
      from test_widget where arrived_at <= ${asOf} and ${subjectFilter('id')}`.execute(db)
    return rows.map((r) => ({
      subjectId: r.id,
      subjectRef: r.ref,
      startedAt: r.arrived_at,
      dueAt: r.due_at,
      metAt: r.inspected_at,
      detail: `Widget ${r.ref} to be inspected`,
      boroughId: r.borough_id,
      assigneeStaffId: '00000000-0000-4000-8000-000000000001',
    }))
  },
})

const labelWidget = defineRule({
  id: 'TST-02',
  title: 'Widget has no label',
  citation: 'Test standard 2',
  source: 'statute',
  appliesTo: 'test-widget',
  severity: 'low',
  timeBased: false,
  params: {},
  async obligations(db, { subjectFilter, asOf }) {
    if (form === 'query') {
      return sql<ObligationQueryRow>`
        select id as subject_id, null as obligation_key, ref as subject_ref, arrived_at as started_at,
          null as due_at, null as met_at, 'No label' as detail, null as borough_id, null as bcu_id,
          null as assignee_team_id, null as assignee_staff_id
        from test_widget where label is null and arrived_at <= ${asOf} and ${subjectFilter('id')}`
    }
    const { rows } = await sql<Widget>`
      select id, ref, arrived_at from test_widget
      where label is null and arrived_at <= ${asOf} and ${subjectFilter('id')}`.execute(db)
    return rows.map((r) => ({
      subjectId: r.id,
      subjectRef: r.ref,
      startedAt: r.arrived_at,
      dueAt: null,
      metAt: null,
      detail: 'No label',
    }))
  },
})

const brokenRule = defineRule({
  id: 'TST-03',
  title: 'A rule with a mistake in its SQL',
  citation: 'Test standard 3',
  source: 'guidance',
  appliesTo: 'test-widget',
  severity: 'medium',
  timeBased: true,
  params: {},
  async obligations(db) {
    await sql`select * from no_such_table`.execute(db)
    return []
  },
})

const boroughA = '11111111-1111-4111-8111-111111111111'
const boroughB = '22222222-2222-4222-8222-222222222222'
const t = (hhmm: string, day = '2024-03-04') => new Date(`${day}T${hhmm}:00Z`)

let handle: DatabaseHandle
let standards: StandardsService
const clock = fixedClock('2024-03-04T09:00:00Z')

beforeAll(async () => {
  handle = await testDatabase()
  const registry = createRuleRegistry()
  registry.register(inspectWidget)
  registry.register(labelWidget)
  registry.register(brokenRule)
  registry.registerSubjectLink('test-widget', (id) => `/widgets/${id}`)
  standards = standardsService({ db: handle.db, clock, registry, calendar: workingDayCalendar() })
  await sql`create table test_widget (id text primary key, ref text not null, borough_id uuid,
    arrived_at timestamptz not null, inspected_at timestamptz, label text)`.execute(handle.db)
})
afterAll(() => handle.close())
beforeEach(async () => {
  await sql`truncate test_widget, finding, finding_event, rule_parameter`.execute(handle.db)
  clock.set('2024-03-04T09:00:00Z')
})

async function widget(id: string, values: Partial<Widget & { label: string | null }> = {}) {
  await handle.db
    .insertInto('test_widget' as never)
    .values({ id, ref: `W-${id}`, arrived_at: t('08:00'), label: 'ok', ...values } as never)
    .execute()
}
const update = (id: string, values: Record<string, unknown>) =>
  handle.db
    .updateTable('test_widget' as never)
    .set(values as never)
    .where('id' as never, '=', id as never)
    .execute()
const findingOf = async (ruleId: string, subjectId: string) =>
  handle.db
    .selectFrom('finding')
    .selectAll()
    .where('rule_id', '=', ruleId)
    .where('subject_id', '=', subjectId)
    .executeTakeFirstOrThrow()
const eventsOf = async (findingId: string) =>
  (
    await handle.db
      .selectFrom('finding_event')
      .select(['event', 'at'])
      .where('finding_id', '=', findingId)
      .orderBy('at')
      .orderBy('id')
      .execute()
  ).map((e) => `${e.event}@${e.at.toISOString().slice(11, 16)}`)
const run = (asOf: string | Date, ruleIds = ['TST-01', 'TST-02']) =>
  standards.evaluate({ ruleIds, asOf: new Date(asOf) })

describe.each(['rows', 'query'] as const)('rules answering with %s', (answer) => {
  beforeEach(() => {
    form = answer
  })
  describe('finding life', () => {
    it('is due before the due time, breached at it, and met late when done afterwards', async () => {
      await widget('w1')
      await run(t('09:00'))
      let f = await findingOf('TST-01', 'w1')
      expect(f).toMatchObject({
        status: 'due',
        due_at: t('12:00'),
        breached_at: null,
        closed_at: null,
        subject_ref: 'W-w1',
      })
      await run(t('12:00'))
      f = await findingOf('TST-01', 'w1')
      expect(f).toMatchObject({ status: 'breached', breached_at: t('12:00') })
      await update('w1', { inspected_at: t('14:00') })
      await run(t('15:00'))
      f = await findingOf('TST-01', 'w1')
      expect(f).toMatchObject({ status: 'met_late', met_at: t('14:00'), closed_at: t('14:00') })
      expect(await eventsOf(f.id)).toEqual(['opened@08:00', 'breached@12:00', 'met@14:00'])
    })

    it('is met when done in time', async () => {
      await widget('w2', { inspected_at: t('10:00') })
      await run(t('11:00'))
      const f = await findingOf('TST-01', 'w2')
      expect(f).toMatchObject({ status: 'met', breached_at: null, closed_at: t('10:00') })
      expect(await eventsOf(f.id)).toEqual(['opened@08:00', 'met@10:00'])
    })

    it('treats what happened after asOf as not yet happened', async () => {
      await widget('w1', { inspected_at: t('13:00') })
      await widget('w9', { arrived_at: t('13:00') })
      await run(t('12:30'))
      expect(await findingOf('TST-01', 'w1')).toMatchObject({ status: 'breached', met_at: null })
      const none = await handle.db.selectFrom('finding').select('id').where('subject_id', '=', 'w9').execute()
      expect(none).toHaveLength(0)
      // Computed, not stored: what was late at 09:00, at 12:30, and later.
      const at0900 = await standards.findingsAt(t('09:00'), { ruleId: 'TST-01' })
      expect(at0900.findings.map((f) => [f.subjectId, f.status])).toEqual([['w1', 'due']])
      const at1230 = await standards.findingsAt(t('12:30'), { ruleId: 'TST-01' })
      expect(at1230.findings.map((f) => [f.subjectId, f.status])).toEqual([['w1', 'breached']])
      const at1330 = await standards.findingsAt(t('13:30'), { ruleId: 'TST-01', status: 'open' })
      expect(at1330.findings.map((f) => [f.subjectId, f.status])).toEqual([['w9', 'due']])
      const at1400 = await standards.findingsAt(t('14:00'), { ruleId: 'TST-01', subjectRef: 'W-w1' })
      expect(at1400.findings.map((f) => [f.subjectId, f.status, f.subjectLink])).toEqual([
        ['w1', 'met_late', '/widgets/w1'],
      ])
    })

    it('gives the same rows and history when evaluated twice', async () => {
      await widget('w1')
      await widget('w2', { label: null, inspected_at: t('09:00') })
      const first = await run(t('13:00'))
      const rows = await handle.db.selectFrom('finding').selectAll().orderBy('id').execute()
      const events = await handle.db
        .selectFrom('finding_event')
        .select(['finding_id', 'event', 'at'])
        .orderBy('id')
        .execute()
      const second = await run(t('13:00'))
      expect(await handle.db.selectFrom('finding').selectAll().orderBy('id').execute()).toEqual(rows)
      expect(
        await handle.db
          .selectFrom('finding_event')
          .select(['finding_id', 'event', 'at'])
          .orderBy('id')
          .execute(),
      ).toEqual(events)
      expect(first.map((r) => r.opened)).toEqual([2, 1])
      expect(second.map((r) => [r.opened, r.changed])).toEqual([
        [0, 0],
        [0, 0],
      ])
    })

    it('resolves automatically when fixed, and reopens when it breaches again', async () => {
      await widget('w1', { label: null })
      await run(t('09:00'))
      let f = await findingOf('TST-02', 'w1')
      expect(f).toMatchObject({ status: 'breached', breached_at: t('08:00'), due_at: null })
      await update('w1', { label: 'fixed' })
      clock.set(t('10:00'))
      await run(t('10:00'))
      f = await findingOf('TST-02', 'w1')
      expect(f).toMatchObject({ status: 'resolved_auto', closed_at: t('10:00') })
      await update('w1', { label: null })
      await run(t('11:00'))
      f = await findingOf('TST-02', 'w1')
      expect(f).toMatchObject({ status: 'breached', closed_at: null })
      expect(await eventsOf(f.id)).toEqual([
        'opened@08:00',
        'breached@08:00',
        'breached@08:00',
        'resolved_auto@10:00',
        'reopened@11:00',
      ])
    })

    it('keeps an acknowledged finding open, records its breach, and closes it when met', async () => {
      await widget('w1')
      await run(t('09:00'))
      let f = await findingOf('TST-01', 'w1')
      await expect(standards.acknowledge(f.id, actor('sgt.smith'), '  ')).rejects.toThrow(ValidationError)
      await standards.acknowledge(f.id, actor('sgt.smith'), 'Inspector is on the way', f.version)
      await run(t('13:00'))
      f = await findingOf('TST-01', 'w1')
      expect(f).toMatchObject({
        status: 'acknowledged',
        acknowledged_by: 'sgt.smith',
        acknowledged_note: 'Inspector is on the way',
        breached_at: t('12:00'),
        closed_at: null,
      })
      await update('w1', { inspected_at: t('13:30') })
      await run(t('14:00'))
      f = await findingOf('TST-01', 'w1')
      expect(f.status).toBe('met_late')
      const detail = await standards.finding(f.id, forceWideReach)
      expect(detail.events.map((e) => [e.event, e.by, e.note])).toEqual([
        ['opened', null, null],
        ['acknowledged', 'sgt.smith', 'Inspector is on the way'],
        ['breached', null, null],
        ['met', null, null],
      ])
    })

    it('lets a supervisor resolve with a reason, which stands until the obligation changes', async () => {
      await widget('w1')
      await run(t('13:00'))
      let f = await findingOf('TST-01', 'w1')
      await expect(standards.resolve(f.id, actor('insp.jones'), '')).rejects.toThrow('Enter the reason')
      await standards.resolve(f.id, actor('insp.jones'), 'Widget withdrawn from use')
      await expect(standards.resolve(f.id, actor('insp.jones'), 'again')).rejects.toThrow('already closed')
      await run(t('14:00'))
      f = await findingOf('TST-01', 'w1')
      expect(f).toMatchObject({
        status: 'resolved_by_supervisor',
        resolved_reason: 'Widget withdrawn from use',
      })
      // It arrives again later: a new due time is a new obligation, and it breaches again.
      await update('w1', { arrived_at: t('14:00') })
      await run(t('19:00'))
      f = await findingOf('TST-01', 'w1')
      expect(f).toMatchObject({ status: 'breached', due_at: t('18:00') })
      expect((await eventsOf(f.id)).slice(-2)).toEqual(['breached@18:00', 'reopened@19:00'])
    })

    it('refuses a stale version when acting on a finding', async () => {
      await widget('w1')
      await run(t('09:00'))
      const f = await findingOf('TST-01', 'w1')
      await standards.acknowledge(f.id, actor('a'), 'first', f.version)
      await expect(standards.resolve(f.id, actor('b'), 'second', f.version)).rejects.toThrow(
        'Someone else changed',
      )
    })
  })

  describe('evaluation', () => {
    it('carries on past a rule that throws, and reports it', async () => {
      await widget('w1', { label: null })
      const results = await standards.sweep({ asOf: t('13:00') })
      expect(results.map((r) => [r.ruleId, r.ok])).toEqual([
        ['TST-01', true],
        ['TST-02', true],
        ['TST-03', false],
      ])
      expect(results[2]?.error).toMatch(/no_such_table/)
      expect((await findingOf('TST-01', 'w1')).status).toBe('breached')
      const timeBased = await standards.sweep({ asOf: t('13:00'), timeBasedOnly: true })
      expect(timeBased.map((r) => r.ruleId)).toEqual(['TST-01', 'TST-03'])
    })

    it('re-evaluates after a write in the same transaction, and a failing rule leaves the write intact', async () => {
      const failures: string[] = []
      const registry = createRuleRegistry()
      registry.register(inspectWidget)
      registry.register(brokenRule)
      const local = standardsService({
        db: handle.db,
        clock,
        registry,
        calendar: workingDayCalendar(),
        onRuleError: (r) => failures.push(r.ruleId),
      })
      clock.set(t('13:00'))
      await handle.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('test_widget' as never)
          .values({ id: 'w5', ref: 'W-5', arrived_at: t('08:00') } as never)
          .execute()
        const results = await local.afterWrite(trx, 'test-widget', ['w5'])
        expect(results.map((r) => r.ok)).toEqual([true, false])
        // The transaction is still usable after the failure.
        await trx
          .updateTable('test_widget' as never)
          .set({ label: 'x' } as never)
          .execute()
      })
      expect(failures).toEqual(['TST-03'])
      expect((await findingOf('TST-01', 'w5')).status).toBe('breached')
      expect(await local.afterWrite(handle.db, 'another-kind', ['w5'])).toEqual([])
    })

    it('closes only the findings of the subjects it was asked about', async () => {
      await widget('w1', { label: null })
      await widget('w2', { label: null })
      await run(t('09:00'))
      await update('w1', { label: 'a' })
      await update('w2', { label: 'b' })
      await standards.evaluate({ ruleIds: ['TST-02'], subjects: ['w1'], asOf: t('10:00') })
      expect((await findingOf('TST-02', 'w1')).status).toBe('resolved_auto')
      expect((await findingOf('TST-02', 'w2')).status).toBe('breached')
    })

    it('lists findings for a record, and for a person, soonest due first', async () => {
      await widget('w1', { arrived_at: t('08:30') })
      await widget('w2', { label: null })
      await run(t('09:00'))
      expect((await standards.findingsForSubject('test-widget', 'w2')).map((f) => f.ruleId)).toEqual([
        'TST-02',
        'TST-01',
      ])
      const mine = await standards.listFindings({
        assigneeStaffId: '00000000-0000-4000-8000-000000000001',
        status: 'open',
      })
      expect(mine.map((f) => f.subjectId)).toEqual(['w2', 'w1'])
    })
  })
})

describe('parameters', () => {
  it('uses a borough override and effective dates, in one set-wise query', async () => {
    await widget('a1', { borough_id: boroughA })
    await widget('b1', { borough_id: boroughB })
    await widget('n1', { borough_id: null })
    const set = (boroughId: string | null, value: number, from: string) =>
      standards.parameters.set({
        ruleId: 'TST-01',
        name: 'inspectHours',
        boroughId,
        value,
        effectiveFrom: new Date(from),
        reason: 'test',
        setBy: 'admin',
      })
    await set(null, 6, '2024-03-01T00:00:00Z')
    await set(boroughA, 2, '2024-03-01T00:00:00Z')
    await set(boroughA, 3, '2024-03-05T00:00:00Z') // not yet in force on the 4th
    await run(t('09:00'))
    const dueOf = async (id: string) => (await findingOf('TST-01', id)).due_at?.toISOString().slice(11, 16)
    expect([await dueOf('a1'), await dueOf('b1'), await dueOf('n1')]).toEqual(['10:00', '14:00', '14:00'])
    // The value in force is the one in force at asOf: borough A's 3 hours from the 5th.
    const later = await standards.findingsAt(new Date('2024-03-05T09:00:00Z'), {
      ruleId: 'TST-01',
      subjectRef: 'W-a1',
    })
    expect(later.findings.map((f) => f.dueAt?.toISOString().slice(11, 16))).toEqual(['11:00'])
    const history = await handle.db
      .selectFrom('change_history')
      .selectAll()
      .where('record_table', '=', 'rule_parameter')
      .execute()
    expect(history).toHaveLength(3)
  })

  it('refuses a value of the wrong type, a borough value for a force-wide parameter, an unknown rule', async () => {
    const base = {
      ruleId: 'TST-01',
      name: 'inspectHours',
      boroughId: null,
      value: 4,
      effectiveFrom: t('09:00'),
      reason: 'r',
      setBy: 'a',
    }
    await expect(standards.parameters.set({ ...base, value: -1 })).rejects.toThrow(/value/)
    await expect(standards.parameters.set({ ...base, value: 'x' })).rejects.toThrow(/value/)
    await expect(standards.parameters.set({ ...base, ruleId: 'TST-99' })).rejects.toThrow(/no rule TST-99/)
    await expect(standards.parameters.set({ ...base, name: 'nope' })).rejects.toThrow(/no parameter/)
    await expect(standards.parameters.set({ ...base, reason: ' ' })).rejects.toThrow(/reason/)
    const rows = await handle.db.selectFrom('rule_parameter').selectAll().execute()
    expect(rows).toHaveLength(0)
  })
})
