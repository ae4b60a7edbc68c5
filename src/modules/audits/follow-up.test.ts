import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import type { fixedClock } from '../../platform/clock.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { myWorkOf } from '../../standards/scope.ts'
import { auditsFixture, jsonl } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof auditsFixture>>
let fx: Fixture

const audit = (ref: string, extra: Record<string, unknown> = {}) => ({
  kind: 'audit',
  ref,
  caseType: 'missing',
  caseReference: `CASE-${ref}`,
  borough: 'Lambeth',
  team: 'Lambeth CAIT',
  auditor: 'DS Auditor',
  auditedOn: '2018-08-01',
  grade: 'inadequate',
  referredBack: true,
  referredOn: '2018-08-01',
  actionRequired: 'See the child',
  ...extra,
})

const idOf = async (ref: string) =>
  (
    await fx.kestrel.services.db
      .selectFrom('audit')
      .select('id')
      .where('ref', '=', ref)
      .executeTakeFirstOrThrow()
  ).id

beforeAll(async () => {
  fx = await auditsFixture()
  await fx.kestrel.services.imports.run(
    jsonl(
      audit('FU-1'),
      audit('FU-2', { response: { text: 'Child seen', on: '2018-08-10' } }),
      audit('FU-3', { grade: 'good', referredBack: false, referredOn: undefined, actionRequired: undefined }),
      audit('FU-4'),
      audit('FU-5', {
        grade: 'requires_improvement',
        referredBack: false,
        referredOn: undefined,
        actionRequired: undefined,
      }),
    ),
    'tester',
  )
})
afterAll(() => fx?.kestrel.close())

describe('AUD-01: a referral back answered within 14 days', () => {
  it('is breached with no response, met with one, and not owed by an audit graded good and not referred', async () => {
    expect(await fx.states('AUD-01', await idOf('FU-1'), '2018-08-14T12:00:00Z')).toEqual(['due'])
    expect(await fx.states('AUD-01', await idOf('FU-1'), '2018-08-20T12:00:00Z')).toEqual(['breached'])
    expect(await fx.states('AUD-01', await idOf('FU-2'), '2018-08-20T12:00:00Z')).toEqual(['met'])
    expect(await fx.states('AUD-01', await idOf('FU-3'), '2018-08-20T12:00:00Z')).toEqual([])
  })

  it('takes the owner’s response, refusing one dated before the referral and writing nothing', async () => {
    const owner = await fx.principal(['supervisor'], fx.officers.lambeth.id)
    const early = await fx.kestrel.services.audits
      .respond('FU-4', { response: 'Done', respondedOn: '2018-07-31' }, owner)
      .catch((e: unknown) => e)
    expect(early).toBeInstanceOf(ValidationError)
    expect((early as ValidationError).errors).toEqual([
      { field: 'respondedOn', reason: 'must not be before the case was referred back (2018-08-01)' },
    ])
    const stranger = await fx.principal(['supervisor'], fx.officers.hackney.id)
    await expect(
      fx.kestrel.services.audits.respond('FU-4', { response: 'Done', respondedOn: '2018-08-05' }, stranger),
    ).rejects.toThrow('There is no such audit')
    await fx.kestrel.services.audits.respond(
      'FU-4',
      { response: 'Child seen at school', respondedOn: '2018-08-05' },
      owner,
    )
    expect(await fx.states('AUD-01', await idOf('FU-4'), '2018-08-20T12:00:00Z')).toEqual(['met'])
  })
})

describe('moderation', () => {
  it('records a second auditor’s disagreement, and its resolution becomes the audit’s grade', async () => {
    const { audits, db } = fx.kestrel.services
    expect(
      await audits.moderate('FU-5', { grade: 'inadequate', note: 'The child was never seen' }, fx.auditor),
    ).toEqual({
      agreed: false,
    })
    const recorded = await db
      .selectFrom('audit_moderation')
      .selectAll()
      .where('audit_id', '=', await idOf('FU-5'))
      .executeTakeFirstOrThrow()
    expect([recorded.auditor_grade, recorded.moderator_grade, recorded.resolved_grade]).toEqual([
      'requires_improvement',
      'inadequate',
      null,
    ])
    await audits.resolveModeration('FU-5', { grade: 'inadequate', resolution: 'Agreed at panel' }, fx.auditor)
    const shown = await audits.audit('FU-5', fx.auditor, { query: 'test' })
    expect(shown.grade).toBe('inadequate')
    expect(shown.moderation?.resolution).toBe('Agreed at panel')
    await expect(audits.moderate('FU-5', { grade: 'good' }, fx.auditor)).rejects.toThrow('moderated already')
  })

  it('is never by the auditor who made the audit', async () => {
    const own = await fx.principal(['dit_auditor'])
    const error = await fx.kestrel.services.audits
      .moderate('FU-3', { grade: 'good' }, { ...own, username: 'tester' })
      .catch((e: unknown) => e)
    expect((error as ValidationError).errors[0]?.field).toBe('grade')
  })
})

describe('AUD-02: learning shared force-wide within 28 days', () => {
  it('is breached while a learning point stays local, met once a bulletin publishes it; readers leave receipts', async () => {
    const { audits } = fx.kestrel.services
    const kept = await audits.addLearning(
      'FU-1',
      { theme: 'child_seen_and_heard', text: 'See the child alone' },
      fx.auditor,
    )
    const shared = await audits.addLearning(
      'FU-2',
      { theme: 'supervision', text: 'Review within 7 days' },
      fx.auditor,
    )
    expect(await fx.states('AUD-02', kept.id, '2018-09-30T12:00:00Z')).toEqual(['breached'])
    const bulletin = await audits.publishBulletin(
      { title: 'September learning', learning: [shared.id] },
      fx.auditor,
    )
    expect(await fx.states('AUD-02', shared.id, '2018-09-30T12:00:00Z')).toEqual(['met'])
    expect((await audits.unsharedLearning()).map((l) => l.ref)).toEqual([kept.ref])
    // A Hackney officer reads it (force-wide): one receipt, however often they open it.
    const user = await signIn(fx.kestrel, ['officer'], { staffId: fx.officers.hackney.id })
    const reader = { ...(await fx.principal(['officer'], fx.officers.hackney.id)), id: user.userId }
    await audits.readBulletin(bulletin.ref, reader)
    const opened = await audits.readBulletin(bulletin.ref, reader)
    expect(opened.receipts.map((r) => r.reader_name)).toEqual(['Test user'])
    expect((await audits.bulletins(reader)).map((b) => [b.ref, Number(b.reads), b.read])).toEqual([
      [bulletin.ref, 1, true],
    ])
  })
})

describe("AUD-02: the dedicated inspection team's work", () => {
  it("names the force's DIT, so learning waiting for a bulletin is in a DIT auditor's My work", async () => {
    const { organisation, audits, standards } = fx.kestrel.services
    const force = await organisation.force()
    const dit = await organisation.createTeam(
      force.id,
      {
        name: 'Dedicated inspection team',
        kind: 'dit',
        boroughId: null,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'test',
    )
    const member = await organisation.createStaff(
      force.id,
      {
        staffNumber: 'D1001',
        name: 'DC Dit',
        rank: 'constable',
        role: 'Auditor',
        teamId: dit.id,
        startDate: '2010-01-01',
        active: true,
      },
      'test',
    )
    const auditor = await fx.principal(['dit_auditor'], member.id)
    const point = await audits.addLearning('FU-3', { theme: 'supervision', text: 'Challenge drift' }, auditor)
    const mine = myWorkOf(auditor)
    if (!mine) throw new Error('the auditor has no My work')
    const held = await standards.listFindings({ ruleId: 'AUD-02', subjectId: point.id, mine })
    expect(held.map((f) => f.assigneeTeamId)).toEqual([dit.id])
    // Another force-wide reader (a force lead, in no team) does not hold it.
    const lead = myWorkOf(await fx.principal(['force_lead'], fx.officers.hackney.id))
    if (!lead) throw new Error('the lead has no My work')
    expect(await standards.listFindings({ ruleId: 'AUD-02', subjectId: point.id, mine: lead })).toEqual([])
  })
})

describe('the follow-up pages', () => {
  it('take the owner’s response, an early date shown against its field; the DIT moderates and records learning', async () => {
    const { get, postForm } = requestsTo(() => fx.kestrel.app)
    await fx.kestrel.services.imports.run(jsonl(audit('FU-6')), 'tester')
    const owner = await signIn(fx.kestrel, ['supervisor'], { staffId: fx.officers.lambeth.id })
    const page = await get(owner, '/audits/FU-6')
    expect(page.body).toContain('href="/audits/FU-6/response"')
    const early = await postForm(owner, '/audits/FU-6/response', {
      response: 'Seen',
      'respondedOn-day': '31',
      'respondedOn-month': '7',
      'respondedOn-year': '2018',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toMatch(
      /href="#respondedOn-day"[^>]*>[^<]*must not be before the case was referred back/,
    )
    const ok = await postForm(owner, '/audits/FU-6/response', {
      response: 'Seen at school',
      'respondedOn-day': '3',
      'respondedOn-month': '8',
      'respondedOn-year': '2018',
    })
    expect(ok.statusCode).toBe(303)
    const auditor = await signIn(fx.kestrel, ['dit_auditor'])
    expect(
      (await postForm(auditor, '/audits/FU-6/moderation', { grade: 'inadequate', note: '' })).statusCode,
    ).toBe(303)
    expect((await get(auditor, '/audits/FU-6')).body).toContain('(agreed)')
    const learnt = await postForm(auditor, '/audits/FU-6/learning', {
      theme: 'child_seen_and_heard',
      text: 'Speak to the child alone',
    })
    expect(learnt.statusCode).toBe(303)
    expect((await get(auditor, '/audits/bulletins/new')).body).toContain('Speak to the child alone')
    expect(
      (await postForm(owner, '/audits/FU-6/learning', { theme: 'supervision', text: 'x' })).statusCode,
    ).toBe(403)
  })
})

describe('AUD-02 in the steady sweep', () => {
  it('reads the point that fell due, and breaches it', async () => {
    const { audits, standards } = fx.kestrel.services
    const clock = fx.kestrel.services.clock as ReturnType<typeof fixedClock>
    const start = clock.now()
    try {
      const point = await audits.addLearning(
        'FU-4',
        { theme: 'risk_assessment', text: 'Assess again' },
        fx.auditor,
      )
      await standards.sweep({ timeBasedOnly: true })
      const stored = async () =>
        (await standards.listFindings({ ruleId: 'AUD-02', subjectId: point.id })).map((f) => f.status)
      expect(await stored()).toEqual(['due'])
      clock.set(new Date(start.getTime() + 29 * 86_400_000))
      const swept = await standards.sweep({ timeBasedOnly: true })
      expect(swept.find((r) => r.ruleId === 'AUD-02')?.dueRecords).toBeGreaterThanOrEqual(1)
      expect(await stored()).toEqual(['breached'])
    } finally {
      clock.set(start)
    }
  })
})
