import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import type { Role } from '../../platform/access/roles.ts'
import { recommendationsFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof recommendationsFixture>>
let fx: Fixture
const { get, postForm } = requestsTo(() => fx.kestrel.app)

beforeAll(async () => {
  fx = await recommendationsFixture('2019-03-01T12:00:00Z')
})
afterAll(() => fx?.kestrel.close())

const as = (roles: Role[]): Promise<SignedInUser> => signIn(fx.kestrel, roles)
const day = (prefix: string, d: string, m: string, y: string) => ({
  [`${prefix}-day`]: d,
  [`${prefix}-month`]: m,
  [`${prefix}-year`]: y,
})
/** The error summary's links, in order. */
const summary = (html: string) =>
  [...html.matchAll(/govuk-error-summary__list[\s\S]*?<\/ul>/g)].flatMap((m) =>
    [...m[0].matchAll(/href="([^"]+)">([^<]+)</g)].map((l) => `${l[1]} ${l[2]}`),
  )
const count = async (table: string) =>
  Number(
    (
      await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
        fx.kestrel.services.db,
      )
    ).rows[0]?.n,
  )

describe('the list', () => {
  it('groups every recommendation by report and time frame, with its colour and the counts of each', async () => {
    const officer = await as(['officer'])
    const page = await get(officer, '/recommendations')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('2016 inspection report')
    expect(page.body).toContain('2018 post-inspection review')
    expect(page.body).toContain('Within three months (2)')
    expect(page.body).toContain('Within six months (3)')
    expect(page.body).toContain('Immediately (4)')
    expect(page.body).toContain('All 11 recommendations')
    for (const ref of ['R2016-01', 'R2016-09', 'R2018-01', 'R2018-02']) expect(page.body).toContain(ref)
    // Nothing is planned yet and every time frame has ended: all eleven red, named as well as coloured.
    expect(page.body).toMatch(
      /id="rag-counts"[\s\S]*?<td class="govuk-table__cell govuk-table__cell--numeric">11<\/td>/,
    )
    expect(page.body).toContain('govuk-tag--red">\n  Red')
  })

  it('is read by every staff role and refused to partner agencies', async () => {
    for (const role of ['custody', 'mash', 'offender_manager', 'dit_auditor'] as Role[])
      expect((await get(await as([role]), '/recommendations')).statusCode).toBe(200)
    expect((await get(await as(['partner']), '/recommendations')).statusCode).toBe(403)
    // The menu names the tracker to its readers.
    const home = await get(await as(['officer']), '/')
    expect(home.body).toMatch(/href="\/recommendations"[^>]*>\s*Recommendations/)
  })
})

describe('a recommendation’s page and its forms', () => {
  it('shows the report’s words, and lets a force lead add an action, a milestone and evidence, and complete it', async () => {
    const lead = await as(['force_lead'])
    const rec = await fx.byRef('R2016-02')
    const page = await get(lead, `/recommendations/${rec.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(
      'providing training in relation to the use of both the ‘absent’ and the ‘missing’ persons’ categories;',
    )
    expect(page.body).toContain('Add an action')

    const added = await postForm(lead, `/recommendations/${rec.id}/actions/new`, {
      title: 'Train the central communications command in absent and missing grading',
      ownerStaffId: fx.owners.ada.id,
    })
    expect(added.statusCode).toBe(303)
    const action = (await fx.byRef('R2016-02')).actions[0]
    expect(action?.owner.name).toBe('Supt Ada Owner')
    const actionPath = `/recommendations/${rec.id}/actions/${action?.id}`

    expect(
      (
        await postForm(lead, `${actionPath}/milestones/new`, {
          title: 'First cohort trained',
          ...day('dueOn', '1', '3', '2019'),
        })
      ).statusCode,
    ).toBe(303)
    const milestone = (await fx.byRef('R2016-02')).actions[0]?.milestones[0]
    expect((await fx.byRef('R2016-02')).rag).toBe('amber')

    const evidence = await postForm(lead, `${actionPath}/evidence/new`, {
      kind: 'measure',
      reference: 'recommendations.complete',
      milestoneId: milestone?.id as string,
      ...day('evidenceOn', '28', '2', '2019'),
      description: 'Training records',
    })
    expect(evidence.statusCode).toBe(303)
    expect((await fx.byRef('R2016-02')).rag).toBe('green')

    const complete = await postForm(lead, `${actionPath}/complete`, {
      ...day('completedOn', '1', '3', '2019'),
      version: String(action?.version),
    })
    expect(complete.statusCode).toBe(303)
    expect((await fx.byRef('R2016-02')).rag).toBe('complete')

    const after = await get(lead, `/recommendations/${rec.id}`)
    expect(after.body).toContain('Train the central communications command')
    expect(after.body).toContain('First cohort trained')
    expect(after.body).toContain('href="/dashboard/measure?id=recommendations.complete"')
    expect(after.body).toMatch(
      /Action changed[\s\S]*Evidence recorded[\s\S]*Milestone recorded[\s\S]*Action recorded[\s\S]*Recommendation recorded/,
    )
  })

  it('refuses a milestone dated before its recommendation, naming the field, and writes nothing', async () => {
    const lead = await as(['admin'])
    const rec = await fx.byRef('R2016-05')
    await postForm(lead, `/recommendations/${rec.id}/actions/new`, {
      title: 'Plan responses earlier',
      ownerStaffId: fx.owners.bo.id,
    })
    const action = (await fx.byRef('R2016-05')).actions[0]
    const before = await count('recommendation_milestone')
    const answer = await postForm(lead, `/recommendations/${rec.id}/actions/${action?.id}/milestones/new`, {
      title: 'Too early',
      ...day('dueOn', '31', '10', '2016'),
    })
    expect(answer.statusCode).toBe(400)
    expect(summary(answer.body)).toEqual([
      '#dueOn-day The milestone’s date must be on or after 1 November 2016, when R2016-05 was made',
    ])
    expect(answer.body).toContain('value="Too early"')
    expect(await count('recommendation_milestone')).toBe(before)
  })

  it('lists the evidence form’s problems in field order, and refuses a measure the registry does not have', async () => {
    const lead = await as(['force_lead'])
    const rec = await fx.byRef('R2016-05')
    const action = (await fx.byRef('R2016-05')).actions[0]
    const path = `/recommendations/${rec.id}/actions/${action?.id}/evidence/new`
    const empty = await postForm(lead, path, {
      kind: '',
      reference: '',
      milestoneId: '',
      ...day('evidenceOn', '', '', ''),
    })
    expect(empty.statusCode).toBe(400)
    expect(summary(empty.body).map((s) => s.split(' ')[0])).toEqual([
      '#kind',
      '#reference',
      '#evidenceOn-day',
    ])
    const before = await count('recommendation_evidence')
    const unknown = await postForm(lead, path, {
      kind: 'measure',
      reference: 'no.such-measure',
      milestoneId: '',
      ...day('evidenceOn', '1', '2', '2030'),
    })
    expect(summary(unknown.body)).toEqual([
      '#reference Enter the id of a measure on the dashboard, like standards.findings-breached',
      '#evidenceOn-day The date of the evidence must be today or in the past',
    ])
    expect(await count('recommendation_evidence')).toBe(before)
  })

  it('will not mark an action complete without evidence of completion', async () => {
    const lead = await as(['force_lead'])
    const rec = await fx.byRef('R2016-05')
    const action = (await fx.byRef('R2016-05')).actions[0]
    const answer = await postForm(lead, `/recommendations/${rec.id}/actions/${action?.id}/complete`, {
      ...day('completedOn', '1', '3', '2019'),
      version: String(action?.version),
    })
    expect(answer.statusCode).toBe(400)
    expect(summary(answer.body)[0]).toMatch(/^#completedOn-day Add evidence of completion/)
    expect((await fx.byRef('R2016-05')).actions[0]?.status).toBe('in_progress')
  })

  it('lets every staff role read a recommendation but only force-wide leads and admins keep it', async () => {
    const rec = await fx.byRef('R2016-05')
    const action = (await fx.byRef('R2016-05')).actions[0]
    for (const roles of [['officer'], ['bcu_lead'], ['supervisor']] as Role[][]) {
      const reader = await as(roles)
      const page = await get(reader, `/recommendations/${rec.id}`)
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain('Add an action')
      expect(page.body).not.toContain('Mark complete')
      // REC-01's finding on the recommendation has no borough and no owner: force-wide roles' only.
      expect(page.body).not.toContain('The report’s time frame for R2016-05 has ended')
      expect((await get(reader, `/recommendations/${rec.id}/actions/new`)).statusCode).toBe(403)
      const before = await count('recommendation_milestone')
      const refused = await postForm(
        reader,
        `/recommendations/${rec.id}/actions/${action?.id}/milestones/new`,
        {
          title: 'Not mine to add',
          ...day('dueOn', '1', '6', '2019'),
        },
      )
      expect(refused.statusCode).toBe(403)
      expect(await count('recommendation_milestone')).toBe(before)
    }
    const lead = await as(['force_lead'])
    const leads = await get(lead, `/recommendations/${rec.id}`)
    expect(leads.body).toContain('Practice standards')
    expect(leads.body).toContain('The report’s time frame for R2016-05 has ended')
    expect((await get(lead, '/recommendations/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
    expect(
      (await get(lead, `/recommendations/${rec.id}/actions/00000000-0000-4000-8000-000000000000/complete`))
        .statusCode,
    ).toBe(404)
  })
})

describe('the API twins', () => {
  it('lists the recommendations with their colours, filtered, and gives one by ref with its actions', async () => {
    const officer = await as(['officer'])
    const list = await get(officer, '/api/v1/recommendations?report=2018')
    expect(list.statusCode).toBe(200)
    expect(list.json().recommendations.map((r: { ref: string }) => r.ref)).toEqual(['R2018-01', 'R2018-02'])
    const one = await get(officer, '/api/v1/recommendations/R2016-02')
    expect(one.statusCode).toBe(200)
    expect(one.json()).toMatchObject({ ref: 'R2016-02', timeFrame: 'immediately', rag: 'complete' })
    expect(one.json().actions[0].evidence[0]).toMatchObject({
      kind: 'measure',
      reference: 'recommendations.complete',
    })
  })

  it('answers bad input with a 400 naming the field, and an unknown recommendation with a 404', async () => {
    const officer = await as(['officer'])
    for (const [url, field] of [
      ['/api/v1/recommendations?report=2017', 'report'],
      ['/api/v1/recommendations?timeFrame=soon', 'timeFrame'],
      ['/api/v1/recommendations?rag=purple', 'rag'],
      ['/api/v1/recommendations?asOf=2019-02-30', 'asOf'],
      ['/api/v1/recommendations?asOf=2030-01-01', 'asOf'],
      ['/api/v1/recommendations/not-a-ref', 'ref'],
    ] as const) {
      const answer = await get(officer, url)
      expect(answer.statusCode, url).toBe(400)
      expect(JSON.stringify(answer.json()), url).toContain(`"${field}"`)
    }
    expect((await get(officer, '/api/v1/recommendations/R2016-99')).statusCode).toBe(404)
    expect((await get(await as(['partner']), '/api/v1/recommendations')).statusCode).toBe(403)
  })
})
