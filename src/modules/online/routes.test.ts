import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { loggedActions, requestsTo } from '../../../test/requests.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import { sampleReport } from '../triage/test-fixtures.ts'
import { movableClock, onlineFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof onlineFixture>>
let fx: Fixture
const clock = movableClock('2018-09-01T12:00:00Z')
const { get, postForm, postJson, putJson } = requestsTo(() => fx.kestrel.app)

beforeAll(async () => {
  fx = await onlineFixture(clock)
})
afterAll(() => fx?.kestrel.close())

const as = (roles: Role[], staffId: string | null = null): Promise<SignedInUser> =>
  signIn(fx.kestrel, roles, { staffId })
const when = (prefix: string, day: string, month: string, year: string, time: string) => ({
  [`${prefix}-day`]: day,
  [`${prefix}-month`]: month,
  [`${prefix}-year`]: year,
  [`${prefix}-time`]: time,
})
/** The error summary's links, in order. */
const summary = (html: string) =>
  [...html.matchAll(/govuk-error-summary__list[\s\S]*?<\/ul>/g)].flatMap((m) =>
    [...m[0].matchAll(/href="([^"]+)">([^<]+)</g)].map((l) => `${l[1]} ${l[2]}`),
  )

describe('the queue', () => {
  it('lists open cases by stage with the counts at the top, and as they stood on a past day', async () => {
    const a = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.stage(a.ref, { stage: 'awaiting_research', at: '2018-08-02T09:00:00Z' })
    await fx.stage(a.ref, { stage: 'awaiting_communications_data', at: '2018-08-20T09:00:00Z' })
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    const now = await get(specialist, '/online')
    expect(now.statusCode).toBe(200)
    expect(now.body).toMatch(
      /Awaiting communications data<\/th><td class="govuk-table__cell govuk-table__cell--numeric">1</,
    )
    expect(now.body).toContain(a.ref)
    // On 10 August it was awaiting research, eight days in.
    const past = await get(specialist, '/online?asOf-day=10&asOf-month=8&asOf-year=2018')
    expect(past.body).toMatch(
      /Awaiting research<\/th><td class="govuk-table__cell govuk-table__cell--numeric">1</,
    )
    expect(past.body).toMatch(
      /Awaiting communications data<\/th><td class="govuk-table__cell govuk-table__cell--numeric">0</,
    )
    expect(past.body).toMatch(/<td class="govuk-table__cell">(7 days|8 days)<\/td>/)
    const future = await get(specialist, '/online?asOf-day=10&asOf-month=8&asOf-year=2030')
    expect(future.body).toContain('The date must be today or in the past')
    // The queue downloads with the page's filters: on 10 August the case was awaiting research.
    const csv = await get(specialist, '/online.csv?asOf-day=10&asOf-month=8&asOf-year=2018')
    expect(csv.statusCode).toBe(200)
    expect(csv.body.split('\r\n').find((l) => l.startsWith(`${a.ref},`))).toMatch(/^[^,]+,Awaiting research,/)
    expect(
      await loggedActions(fx.kestrel.services.db, 'GET /online.csv?asOf-day=10&asOf-month=8&asOf-year=2018'),
    ).toEqual(['export'])
    expect((await get(specialist, '/online.csv?asOf-day=31&asOf-month=2&asOf-year=2018')).statusCode).toBe(
      400,
    )
    expect((await get(specialist, '/online.xlsx?asOf-day=10&asOf-month=8&asOf-year=2030')).statusCode).toBe(
      400,
    )
  })
})

describe('a case’s page', () => {
  it('shows the timeline and the time in the current stage; a frontline officer cannot see another’s case', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-08-02T09:00:00Z' })
    await fx.stage(c.ref, {
      stage: 'allocated',
      at: '2018-08-03T09:00:00Z',
      team: 'Lambeth response',
      officer: 'R1001',
    })
    const mine = await as(['officer'], fx.officers.lambethResponse.id)
    const page = await get(mine, `/online/cases/${c.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Allocated, since')
    expect(page.body).toContain('29 days')
    expect(page.body).toContain('Read by the specialist online team only')
    const other = await as(['officer'], fx.officers.lambethResponse2.id)
    expect((await get(other, `/online/cases/${c.id}`)).statusCode).toBe(404)
    const hackney = await as(['officer'], fx.officers.hackneyResponse.id)
    expect((await get(hackney, `/online/cases/${c.id}`)).statusCode).toBe(404)
  })
})

describe('allocation and closing forms', () => {
  it('warns on a high case and asks a reason for a non-specialist team, then records it', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.kestrel.services.online.recordKirat(
      {
        case: c.ref,
        assessedAt: new Date('2018-08-02T09:00:00Z'),
        level: 'very_high',
        answers: [{ question: 'Access to children?', answer: 'Yes' }],
        assessor: 'DC O1001',
      },
      fx.specialist,
    )
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    const form = await get(specialist, `/online/cases/${c.id}/allocate`)
    expect(form.body).toContain('force policy sends it to the specialist online team')
    const fields = { team: 'Lambeth CAIT', officer: '', ...when('at', '3', '8', '2018', '10:00'), reason: '' }
    const refused = await postForm(specialist, `/online/cases/${c.id}/allocate`, fields)
    expect(refused.statusCode).toBe(400)
    expect(summary(refused.body)).toEqual([
      '#reason The case’s KIRAT level is very high: give the reason it goes to a child abuse investigation team and not the specialist online team',
    ])
    const saved = await postForm(specialist, `/online/cases/${c.id}/allocate`, {
      ...fields,
      reason: 'Local knowledge',
    })
    expect(saved.statusCode).toBe(303)
    const page = await get(specialist, `/online/cases/${c.id}`)
    expect(page.body).toContain('Local knowledge')
    expect(page.body).toContain('ONL-01')
  })

  it('lists a stage out of order in the summary against the time, not a 400 page', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-08-02T09:00:00Z' })
    await fx.stage(c.ref, { stage: 'devices_seized', at: '2018-08-03T09:00:00Z' })
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    const refused = await postForm(specialist, `/online/cases/${c.id}/allocate`, {
      team: 'Online CSAE team',
      officer: '',
      ...when('at', '4', '8', '2018', '10:00'),
      reason: '',
    })
    expect(refused.statusCode).toBe(400)
    expect(summary(refused.body)).toEqual(['#at-day Allocated cannot come after devices seized'])
  })

  it('refuses to close a case with children and no welfare visit without a supervisor’s reason', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    const child = await fx.person('2012-01-01')
    await fx.kestrel.services.online.identifyChild(
      { case: c.ref, person: child.ref, identifiedAt: new Date('2018-08-02T09:00:00Z') },
      fx.specialist,
    )
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    // The page offers a PAC for the child, through the referrals module's form with the child chosen.
    expect((await get(specialist, `/online/cases/${c.id}`)).body).toContain(
      `href="/pacs/new?child=${child.ref}"`,
    )
    const close = { ...when('at', '20', '8', '2018', '10:00') }
    const form = await get(specialist, `/online/cases/${c.id}/close`)
    expect(form.body).toContain('only a supervisor may close the case without one')
    const noReason = await postForm(specialist, `/online/cases/${c.id}/close`, { ...close, reason: '' })
    expect(noReason.statusCode).toBe(400)
    expect(summary(noReason.body)[0]).toContain('#reason Children were identified in the household')
    const notSupervisor = await postForm(specialist, `/online/cases/${c.id}/close`, {
      ...close,
      reason: 'Moved abroad',
    })
    expect(summary(notSupervisor.body)).toEqual([
      '#reason Only a supervisor may close a case with children and no welfare visit or social care referral',
    ])
    const supervisor = await as(['supervisor', 'online_csae'], fx.officers.specialist.id)
    const closed = await postForm(supervisor, `/online/cases/${c.id}/close`, {
      ...close,
      reason: 'Moved abroad',
    })
    expect(closed.statusCode).toBe(303)
    const page = await get(supervisor, `/online/cases/${c.id}`)
    expect(page.body).toContain('Moved abroad')
  })
})

describe('a case’s devices, from device triage', () => {
  it('are listed on the case for its allocated officer, with the counts, though the devices are the online team’s', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-08-02T09:00:00Z' })
    await fx.stage(c.ref, {
      stage: 'allocated',
      at: '2018-08-03T09:00:00Z',
      team: 'Lambeth response',
      officer: 'R1001',
    })
    const { triage } = fx.kestrel.services
    const device = (ref: string, statusHistory: { status: 'returned' | 'submitted'; at: Date }[]) =>
      triage.saveDevice(
        ref,
        {
          description: `Phone ${ref}`,
          deviceKind: 'phone',
          caseRef: c.ref,
          seizedAt: new Date('2018-08-10T07:00:00Z'),
          team: 'Online CSAE team',
          statusHistory,
        },
        { id: 'tester', username: 'tester' },
        forceWideReach,
      )
    await device(`EX-${c.ref}-1`, [{ status: 'submitted', at: new Date('2018-08-12T09:00:00Z') }])
    await device(`EX-${c.ref}-2`, [{ status: 'returned', at: new Date('2018-08-15T09:00:00Z') }])
    await device(`EX-${c.ref}-3`, [])
    const mine = await as(['officer'], fx.officers.lambethResponse.id)
    const page = await get(mine, `/online/cases/${c.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`EX-${c.ref}-1`)
    expect(page.body).toMatch(/3 seized, 0 triaged, 1 submitted for examination, 1 returned unchecked/)
    // Not a device of another case.
    const other = await fx.onlineCase('2018-08-01T09:00:00Z')
    expect(
      (await get(await as(['online_csae'], fx.officers.specialist.id), `/online/cases/${other.id}`)).body,
    ).toMatch(/0 seized/)
  })
})

describe('the outcomes table and the queue’s history', () => {
  it('shows the period’s outcomes by who investigated, with percentages, and the monthly counts', async () => {
    const c = await fx.onlineCase('2018-04-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-04-02T09:00:00Z' })
    await fx.stage(c.ref, { stage: 'allocated', at: '2018-04-03T09:00:00Z', team: 'Online CSAE team' })
    await fx.stage(c.ref, { stage: 'outcome', at: '2018-05-03T09:00:00Z', outcomeCode: '1' })
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    const page = await get(
      specialist,
      '/online/outcomes?from-day=1&from-month=5&from-year=2018&to-day=31&to-month=5&to-year=2018&bcu=',
    )
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(
      /Specialist online team<\/th><td[^>]*>0% \(0\)<\/td><td[^>]*>0% \(0\)<\/td><td[^>]*>100% \(1\)<\/td><td[^>]*>1</,
    )
    // Outside the period it is not counted.
    const june = await get(
      specialist,
      '/online/outcomes?from-day=1&from-month=6&from-year=2018&to-day=30&to-month=6&to-year=2018',
    )
    expect(june.body).toMatch(/Specialist online team<\/th><td[^>]*>–/)
    const queue = await get(specialist, '/online?asOf-day=1&asOf-month=5&asOf-year=2018')
    // On 1 April the case was not yet received; on 1 May it was allocated.
    expect(queue.body).toMatch(/1 Apr(il)? 2018<\/th>(<td[^>]*>0<\/td>){6}/)
    expect(queue.body).toMatch(/1 May 2018<\/th>(<td[^>]*>\d+<\/td>){5}<td[^>]*>1<\/td>/)
  })
})

describe('the welfare of staff viewing indecent images', () => {
  it('lists who views or grades them with their last screening and images graded; an officer may not read it', async () => {
    const { online } = fx.kestrel.services
    await online.recordScreening(
      { staff: 'O1001', screenedOn: '2017-06-01', viewsSince: '2016-01-01' },
      fx.specialist,
    )
    await online.recordGrading({ staff: 'R1002', month: '2018-07', images: 420 }, fx.specialist)
    const supervisor = await as(['supervisor', 'online_csae'], fx.officers.specialist.id)
    const page = await get(supervisor, '/online/welfare')
    expect(page.statusCode).toBe(200)
    // Screened in June 2017: overdue by the twelve months configured; the grader never screened.
    expect(page.body).toMatch(
      /DC O1001 \(O1001\)[\s\S]*?1 June 2017 <strong class="govuk-tag govuk-tag--red">Overdue/,
    )
    expect(page.body).toMatch(/DC R1002 \(R1002\)[\s\S]*?Never <strong[\s\S]*?>420</)
    const officer = await as(['officer'], fx.officers.lambethResponse.id)
    expect((await get(officer, '/online/welfare')).statusCode).toBe(403)
  })
})

describe('recording a device seized in a case', () => {
  it('is open to the case’s investigating officer on the triage form, who sees its recommendation but not the matches; no other frontline officer may', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-08-02T09:00:00Z' })
    await fx.stage(c.ref, {
      stage: 'allocated',
      at: '2018-08-03T09:00:00Z',
      team: 'Lambeth response',
      officer: 'R1001',
    })
    const mine = await as(['officer'], fx.officers.lambethResponse.id)
    const form = `/devices/new?case=${encodeURIComponent(c.ref)}`
    expect((await get(mine, `/online/cases/${c.id}`)).body).toContain(`href="${form}"`)
    expect((await get(mine, form)).body).toContain(`value="${c.ref}"`)
    const ref = `EX-DEV-${c.ref}`
    const fields = {
      caseRef: c.ref.toLowerCase(),
      ref,
      description: 'Black smartphone',
      deviceKind: 'phone',
      ...when('at', '20', '8', '2018', '07:10'),
    }
    const saved = await postForm(mine, '/devices/new', fields)
    expect(saved.statusCode).toBe(303)
    const devicePage = saved.headers.location as string
    const device = await fx.kestrel.services.db
      .selectFrom('device')
      .select(['id', 'case_ref', 'team_id'])
      .where('ref', '=', ref)
      .executeTakeFirstOrThrow()
    // Held by the team the case is allocated to, under the case's ref as kept.
    expect(device).toEqual({
      id: devicePage.split('/').pop(),
      case_ref: c.ref,
      team_id: fx.teams.lambethResponse.id,
    })
    const again = await postForm(mine, '/devices/new', fields)
    expect(again.statusCode).toBe(400)
    expect(summary(again.body)).toEqual([`#ref An exhibit ${ref} is already recorded`])
    // The officer uploads the triage report, and reads its counts and recommendation, never the paths.
    const report = sampleReport(ref, {
      startedAt: '2018-08-21T09:00:00.000Z',
      finishedAt: '2018-08-21T09:12:00.000Z',
    })
    const api = `/api/v1/devices/${encodeURIComponent(ref)}`
    expect((await postJson(mine, `${api}/triage-results`, report)).statusCode).toBe(201)
    const shown = await get(mine, devicePage)
    expect(shown.statusCode).toBe(200)
    expect(shown.body).toContain('Submit for full examination')
    expect(shown.body).not.toContain('DCIM/img001.jpg')
    expect(shown.body).not.toContain('/results/')
    const [result] = await fx.kestrel.services.triage.results(device.id)
    expect((await get(mine, `${devicePage}/results/${result?.id}`)).statusCode).toBe(403)
    // The officer records its submission for full examination; the case counts it.
    const { version } = await fx.kestrel.services.triage.device(ref, forceWideReach)
    const submitted = await postForm(mine, `${devicePage}/status`, {
      status: 'submitted',
      ...when('at', '22', '8', '2018', '10:00'),
      note: '',
      version: String(version),
    })
    expect(submitted.statusCode).toBe(303)
    expect((await get(mine, `/online/cases/${c.id}`)).body).toMatch(
      /1 seized, 1 triaged, 1 submitted for examination, 0 returned unchecked/,
    )
    // A frontline officer of the same team, to whom the case is not allocated: refused on the page and the API.
    const teamMate = await as(['officer'], fx.officers.lambethResponse2.id)
    expect((await get(teamMate, devicePage)).statusCode).toBe(404)
    expect((await get(teamMate, api)).statusCode).toBe(404)
    expect((await get(teamMate, '/devices')).body).not.toContain(ref)
    // On the form, the case is as one that does not exist: neither it nor the exhibit is confirmed.
    for (const exhibit of [`${ref}-B`, ref]) {
      const refused = await postForm(teamMate, '/devices/new', { ...fields, ref: exhibit })
      expect(refused.statusCode).toBe(400)
      expect(summary(refused.body)).toEqual([
        `#caseRef There is no online case ${fields.caseRef} whose devices you may record`,
      ])
    }
    const put = await putJson(teamMate, `/api/v1/devices/${ref}-C`, {
      description: 'Laptop',
      deviceKind: 'laptop',
      caseRef: c.ref,
      seizedAt: '2018-08-20T07:00:00Z',
    })
    expect(put.statusCode).toBe(403)
    // The specialist team still reads the match details, each view logged.
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    expect((await get(specialist, devicePage)).body).toContain(`/results/${result?.id}`)
    const matches = await get(specialist, `${devicePage}/results/${result?.id}`)
    expect(matches.body).toContain('DCIM/img001.jpg')
  })
})

describe('the KIRAT and household forms', () => {
  it('record an assessment with its answers, and refuse an adult as a child of the household naming the field', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    const kirat = await postForm(specialist, `/online/cases/${c.id}/kirat`, {
      level: 'high',
      answer1: 'Yes, two children',
      answer2: 'Not known',
      answer3: 'No',
      answer4: 'Yes',
      assessor: 'DC Assessor',
      ...when('at', '2', '8', '2018', '10:00'),
    })
    expect(kirat.statusCode).toBe(303)
    const adult = await fx.person('1990-01-01')
    const refused = await postForm(specialist, `/online/cases/${c.id}/children`, {
      person: adult.ref,
      ...when('at', '3', '8', '2018', '10:00'),
    })
    expect(refused.statusCode).toBe(400)
    expect(summary(refused.body)).toEqual([
      `#person ${adult.ref} was an adult (28) on 2018-08-03, not a child`,
    ])
    const early = await postForm(specialist, `/online/cases/${c.id}/children`, {
      person: (await fx.person('2012-01-01')).ref,
      ...when('at', '1', '7', '2018', '10:00'),
    })
    expect(summary(early.body)[0]).toMatch(/^#at-day .* must not be before the case was received$/)
    const page = await get(specialist, `/online/cases/${c.id}`)
    expect(page.body).toContain('Yes, two children')
  })
})

describe('recording a new case', () => {
  it('asks the NCA reference of an NCA referral, then records the case as received', async () => {
    const specialist = await as(['online_csae'], fx.officers.specialist.id)
    expect((await get(specialist, '/online/cases/new')).statusCode).toBe(200)
    const fields = {
      source: 'nca_referral',
      ncaReference: '',
      ...when('at', '30', '8', '2018', '09:00'),
      materialCategory: 'category_b',
      materialDescription: 'Images in a chat group',
      materialLocation: '',
      suspect: '',
      borough: 'Lambeth',
    }
    const refused = await postForm(specialist, '/online/cases/new', fields)
    expect(refused.statusCode).toBe(400)
    expect(summary(refused.body)).toEqual(['#ncaReference Enter the NCA’s reference for a CEOP/NCA referral'])
    const saved = await postForm(specialist, '/online/cases/new', { ...fields, ncaReference: 'NCA-FORM-1' })
    expect(saved.statusCode).toBe(303)
    const page = await get(specialist, saved.headers.location as string)
    expect(page.body).toContain('NCA reference NCA-FORM-1')
    const officer = await as(['officer'], fx.officers.lambethResponse.id)
    expect((await get(officer, '/online/cases/new')).statusCode).toBe(403)
  })
})
