import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { signIn, type TestKestrel, testKestrel } from '../../test/app.ts'
import { fixedClock } from '../platform/clock.ts'
import { createViewEnvironment } from '../platform/views/render.ts'
import type { RuleResult } from './evaluate.ts'
import { defineRule } from './rule.ts'
import { startSweepScheduler, sweepIntervalMinutes, sweepJob } from './sweep.ts'
import { findingFormVersion } from './test-fixtures.ts'

const me = '00000000-0000-4000-8000-0000000000aa'
const someoneElse = '00000000-0000-4000-8000-0000000000bb'
const clock = fixedClock('2024-03-04T13:00:00Z')

const checkGadget = defineRule({
  id: 'TST-10',
  title: 'Gadget not checked',
  citation: 'Test citation: gadgets are checked within 4 hours',
  source: 'report',
  appliesTo: 'test-gadget',
  severity: 'high',
  timeBased: true,
  params: { hours: { default: 4, description: 'Hours to check a gadget', unit: 'hours', perBorough: true } },
  async obligations(db, { params, upTo, subjectFilter, asOf }) {
    const { rows } = await sql<{
      id: string
      ref: string
      owner: string
      arrived_at: Date
      checked_at: Date | null
      due_at: Date
    }>`
      select id, ref, owner, arrived_at, ${upTo('checked_at')} as checked_at,
        arrived_at + interval '1 hour' * ${params.sql('hours')} as due_at
      from test_gadget where arrived_at <= ${asOf} and ${subjectFilter('id')}`.execute(db)
    return rows.map((r) => ({
      subjectId: r.id,
      subjectRef: r.ref,
      startedAt: r.arrived_at,
      dueAt: r.due_at,
      metAt: r.checked_at,
      detail: `Check gadget ${r.ref}`,
      assigneeStaffId: r.owner,
    }))
  },
})

let kestrel: TestKestrel
let mine: string
let theirs: string

beforeAll(async () => {
  kestrel = await testKestrel({ clock })
  kestrel.services.standards.register(checkGadget)
  kestrel.services.standards.registerSubjectLink('test-gadget', (id) => `/gadgets/${id}`)
  const db = kestrel.services.db
  await sql`create table test_gadget (id text primary key, ref text, owner uuid, arrived_at timestamptz, checked_at timestamptz)`.execute(
    db,
  )
  await sql`insert into test_gadget values ('g1', 'G-1', ${me}, '2024-03-04T08:00:00Z', null),
    ('g2', 'G-2', ${someoneElse}, '2024-03-04T11:00:00Z', null),
    ('g3', 'G-3', ${me}, '2024-03-04T12:00:00Z', '2024-03-04T14:00:00Z')`.execute(db)
  await kestrel.services.standards.sweep()
  // The gadgets' findings (the recommendations the migrations hold have REC-01's of their own).
  const ids = await db
    .selectFrom('finding')
    .select(['id', 'subject_id'])
    .where('rule_id', '=', checkGadget.id)
    .orderBy('subject_id')
    .execute()
  mine = ids[0]?.id as string
  theirs = ids[1]?.id as string
})
afterAll(() => kestrel.close())

const get = async (url: string, cookie: string) =>
  kestrel.app.inject({ method: 'GET', url, headers: { cookie } })
const post = async (url: string, user: { cookie: string; csrfToken: string }, form: Record<string, string>) =>
  kestrel.app.inject({
    method: 'POST',
    url,
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: user.csrfToken,
      ...(await findingFormVersion(kestrel.services.db, url)),
      ...form,
    }).toString(),
  })

describe('pages', () => {
  it('"My work" shows my open findings, what is still to come before what is breached, and not others\'', async () => {
    const officer = await signIn(kestrel, ['officer'], { staffId: me })
    const page = await get('/my-work', officer.cookie)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('G-1')
    expect(page.body).toContain('href="/gadgets/g1"')
    expect(page.body).toContain('G-3') // due at 16:00, checked later (not yet at 13:00)
    // G-3 can still be done in time, so it comes before G-1, already breached; each counts down.
    expect(page.body.indexOf('G-3')).toBeLessThan(page.body.indexOf('G-1'))
    expect(page.body).toContain('3 h 00 min left')
    expect(page.body).toMatch(/Overdue by \d+ h \d\d min/)
    expect(page.body).not.toContain('G-2')
    expect(page.body).toContain('My work')
  })

  it('"My team" filters by rule and status for a force lead, and refuses an officer', async () => {
    const lead = await signIn(kestrel, ['force_lead'])
    const all = await get('/my-team', lead.cookie)
    expect(all.statusCode).toBe(200)
    expect(all.body).toContain('G-1')
    expect(all.body).toContain('G-2')
    // What needs doing soonest first: G-2, due at 15:00, can still be done in time; G-1 is already late.
    expect(all.body.indexOf('G-2')).toBeLessThan(all.body.indexOf('G-1'))
    expect(all.body).toContain('2 h 00 min left')
    const breached = await get('/my-team?status=breached&rule=TST-10&due=', lead.cookie)
    expect(breached.body).toContain('G-1')
    expect(breached.body).not.toContain('>G-2<')
    const bad = await get('/my-team?status=nonsense', lead.cookie)
    expect(bad.body).toContain('Select a status from the list')
    const officer = await signIn(kestrel, ['officer'], { staffId: me })
    expect((await get('/my-team', officer.cookie)).statusCode).toBe(403)
  })

  it('a finding page shows the rule, citation, record and history; acknowledge and resolve need words', async () => {
    const lead = await signIn(kestrel, ['force_lead'])
    const page = await get(`/findings/${mine}`, lead.cookie)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Test citation: gadgets are checked within 4 hours')
    expect(page.body).toContain('Inspection report')
    expect(page.body).toContain('moj-timeline')
    const reads = await kestrel.services.accessLog.forSubject('finding', mine)
    expect(reads.filter((r) => r.action === 'read' && r.actorId === lead.userId)).toHaveLength(1)
    const empty = await post(`/findings/${mine}/acknowledge`, lead, { note: ' ' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('govuk-error-summary')
    const ok = await post(`/findings/${mine}/acknowledge`, lead, { note: 'On it' })
    expect(ok.statusCode).toBe(303)
    const after = await get(`/findings/${mine}`, lead.cookie)
    expect(after.body).toContain('On it')
    expect(after.body).toContain('Acknowledged')
    const resolved = await post(`/findings/${mine}/resolve`, lead, { reason: 'Gadget scrapped' })
    expect(resolved.statusCode).toBe(303)
    expect((await get(`/findings/${mine}`, lead.cookie)).body).toContain('Gadget scrapped')
    const noCsrf = await kestrel.app.inject({
      method: 'POST',
      url: `/findings/${theirs}/resolve`,
      headers: { cookie: lead.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'reason=x',
    })
    expect(noCsrf.statusCode).toBe(403)
  })

  it("keeps a finding outside a supervisor's need to know from them as if it did not exist", async () => {
    const supervisor = await signIn(kestrel, ['supervisor'], { staffId: me })
    expect((await get(`/findings/${mine}`, supervisor.cookie)).statusCode).toBe(200)
    expect((await get(`/findings/${theirs}`, supervisor.cookie)).statusCode).toBe(404)
    expect((await get('/findings/not-a-uuid', supervisor.cookie)).statusCode).toBe(404)
    const refused = await post(`/findings/${theirs}/acknowledge`, supervisor, { note: 'Not mine' })
    expect(refused.statusCode).toBe(404)
    const after = await kestrel.services.db
      .selectFrom('finding')
      .select(['status', 'version'])
      .where('id', '=', theirs)
      .executeTakeFirstOrThrow()
    expect(after).toEqual({ status: 'due', version: 1 })
  })

  it('lists the rules catalogue', async () => {
    const officer = await signIn(kestrel, ['officer'])
    const page = await get('/rules', officer.cookie)
    expect(page.body).toContain('TST-10 Gadget not checked')
    expect(page.body).toContain('boroughs may set their own')
  })

  it('lets an admin set a parameter from a date with a reason, and refuses bad values', async () => {
    const admin = await signIn(kestrel, ['admin'])
    const list = await get('/admin/rule-parameters', admin.cookie)
    expect(list.body).toContain('4 (default)')
    const bad = await post('/admin/rule-parameters/TST-10/hours', admin, {
      value: 'six',
      effectiveFrom: '2024-02-30',
      reason: '',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Enter a number')
    expect(bad.body).toContain('Enter the date the value applies from')
    expect(bad.body).toContain('Enter the reason for the change')
    expect(bad.body).toContain('value="six"')
    const good = await post('/admin/rule-parameters/TST-10/hours', admin, {
      value: '6',
      effectiveFrom: '2024-03-01',
      reason: 'Force policy 12',
    })
    expect(good.statusCode).toBe(303)
    const form = await get('/admin/rule-parameters/TST-10/hours', admin.cookie)
    expect(form.body).toContain('Force policy 12')
    expect((await get('/admin/rule-parameters', admin.cookie)).body).toMatch(
      /<td class="govuk-table__cell">6<\/td>/,
    )
    const officer = await signIn(kestrel, ['officer'])
    expect((await get('/admin/rule-parameters', officer.cookie)).statusCode).toBe(403)
    await kestrel.services.db.deleteFrom('rule_parameter').execute()
  })

  it('lists every problem with a parameter at once, in the order of the form', async () => {
    const admin = await signIn(kestrel, ['admin'])
    const bad = await post('/admin/rule-parameters/TST-10/hours', admin, {
      value: 'six',
      borough: 'nowhere',
      effectiveFrom: 'next week',
      reason: ' ',
    })
    expect(bad.statusCode).toBe(400)
    const links = [...bad.body.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1])
    expect(links).toEqual(['#value', '#borough', '#effectiveFrom', '#reason'])
    expect(bad.body).toContain('Select a borough from the list')
    expect(bad.body).toContain('value="next week"')
    expect(await kestrel.services.db.selectFrom('rule_parameter').selectAll().execute()).toEqual([])
  })
})

describe('GET /api/v1/findings', () => {
  it('lists stored findings, or computes them at an instant', async () => {
    const lead = await signIn(kestrel, ['force_lead'])
    const stored = await get('/api/v1/findings?rule=TST-10', lead.cookie)
    expect(stored.statusCode).toBe(200)
    expect(
      stored
        .json()
        .findings.map((f: { subjectRef: string }) => f.subjectRef)
        .sort(),
    ).toEqual(['G-1', 'G-2', 'G-3'])
    const at0900 = await get('/api/v1/findings?asOf=2024-03-04T09:00:00Z', lead.cookie)
    expect(
      at0900.json().findings.map((f: { subjectRef: string; status: string }) => [f.subjectRef, f.status]),
    ).toEqual([['G-1', 'due']])
    const at1500 = await get('/api/v1/findings?asOf=2024-03-04T15:00:00%2B00:00&subjectRef=G-3', lead.cookie)
    expect(at1500.json().findings).toMatchObject([
      { subjectRef: 'G-3', status: 'met', dueAt: '2024-03-04T16:00:00.000Z' },
    ])
    const bad = await get('/api/v1/findings?asOf=yesterday&rule=NOPE-1', lead.cookie)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toContain('asOf')
  })
})

describe('findingsForRecord', () => {
  it("renders a record's findings for a module's page", async () => {
    const findings = await kestrel.services.standards.findingsForSubject('test-gadget', 'g2')
    const html = createViewEnvironment().renderString(
      '{% from "views/findings-for-record.njk" import findingsForRecord %}{{ findingsForRecord(findings) }}',
      { findings },
    )
    expect(html).toContain('TST-10 Gadget not checked')
    expect(html).toContain('govuk-tag--blue">Due<')
    const none = createViewEnvironment().renderString(
      '{% from "views/findings-for-record.njk" import findingsForRecord %}{{ findingsForRecord([]) }}',
      {},
    )
    expect(none).toContain('No findings')
  })
})

describe('sweep scheduler', () => {
  it('sweeps every minute on both databases', () => {
    const every = (dbKind: 'postgres' | 'pglite') =>
      sweepJob({ standards: kestrel.services.standards, dbKind }).everyMinutes
    expect([every('postgres'), every('pglite')]).toEqual([1, 1])
  })

  it('starts and stops on the embedded database', async () => {
    // A gadget written behind the engine's back: only a sweep can find it overdue.
    await sql`insert into test_gadget values ('g4', 'G-4', null, '2024-03-04T07:00:00Z', null)`.execute(
      kestrel.services.db,
    )
    const findingOf = (subjectId: string) =>
      kestrel.services.db
        .selectFrom('finding')
        .select(['status', 'rule_id'])
        .where('subject_id', '=', subjectId)
        .execute()
    expect(await findingOf('g4')).toEqual([])
    const reports: RuleResult[][] = []
    // Only the interval is faked: the database's own timers stay real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const stop = await startSweepScheduler({
        config: kestrel.services.config,
        dbKind: 'pglite',
        standards: kestrel.services.standards,
        report: (results) => reports.push(results),
      })
      vi.advanceTimersByTime(sweepIntervalMinutes('pglite') * 60_000 - 1)
      expect(reports).toHaveLength(0)
      vi.advanceTimersByTime(1)
      await vi.waitFor(() => expect(reports).toHaveLength(1), { timeout: 20_000, interval: 50 })
      await stop()
      expect(reports[0]).toContainEqual(expect.objectContaining({ ruleId: 'TST-10', ok: true }))
      expect(await findingOf('g4')).toEqual([{ status: 'breached', rule_id: 'TST-10' }])
      // Stopped: no more sweeps however long the process lives.
      vi.advanceTimersByTime(3 * sweepIntervalMinutes('pglite') * 60_000)
      expect(reports).toHaveLength(1)
    } finally {
      vi.useRealTimers()
    }
  })
})
