import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { auditsFixture, inspectionAudits, jsonl } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof auditsFixture>>
let fx: Fixture
const { get, postJson } = requestsTo(() => fx.kestrel.app)

beforeAll(async () => {
  fx = await auditsFixture()
  // The inspection's 303; the first, in Lambeth, owned by its CAIT and referred back.
  const lines = inspectionAudits()
  lines[0] = {
    ...lines[0],
    borough: 'Lambeth',
    team: 'Lambeth CAIT',
    referredBack: true,
    referredOn: '2018-08-08',
    actionRequired: 'See the child',
  }
  await fx.kestrel.services.imports.run(jsonl(...lines), 'tester')
})
afterAll(() => fx?.kestrel.close())

describe('the audits API', () => {
  it('gives Figure 1 and every audit to auditors and the head of profession', async () => {
    for (const role of ['dit_auditor', 'force_lead'] as const) {
      const caller = await signIn(fx.kestrel, [role])
      const figure = await get(caller, '/api/v1/audits/figure-1')
      expect(figure.statusCode).toBe(200)
      expect(figure.json().total.grades.good).toEqual({ count: 93, percent: 31 })
      expect((await get(caller, '/api/v1/audits')).json().audits).toHaveLength(303)
    }
  })

  it('gives a team the audits of its cases only, and refuses a bad date naming it', async () => {
    const team = await signIn(fx.kestrel, ['officer'], { staffId: fx.officers.lambeth.id })
    expect((await get(team, '/api/v1/audits')).json().audits.map((a: { ref: string }) => a.ref)).toEqual([
      'HMI-2018-001',
    ])
    expect((await get(team, '/api/v1/audits/HMI-2018-002')).statusCode).toBe(404)
    const other = await signIn(fx.kestrel, ['officer'], { staffId: fx.officers.hackney.id })
    expect((await get(other, '/api/v1/audits/HMI-2018-001')).statusCode).toBe(404)
    const bad = await get(team, '/api/v1/audits?from=2018-02-30')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('from')
    expect((await get(await signIn(fx.kestrel, ['partner']), '/api/v1/audits')).statusCode).toBe(403)
  })

  it('takes the owner’s response, a date before the referral a 400 naming respondedOn', async () => {
    const team = await signIn(fx.kestrel, ['supervisor'], { staffId: fx.officers.lambeth.id })
    const early = await postJson(team, '/api/v1/audits/HMI-2018-001/response', {
      response: 'Seen',
      respondedOn: '2018-08-07',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('respondedOn')
    const ok = await postJson(team, '/api/v1/audits/HMI-2018-001/response', {
      response: 'Seen at school',
      respondedOn: '2018-08-09',
    })
    expect(ok.statusCode).toBe(200)
    expect((await get(team, '/api/v1/audits/HMI-2018-001')).json().respondedOn).toBe('2018-08-09')
  })

  it('moderates, records learning and publishes it force-wide, each a 400 naming a bad field, for the DIT only', async () => {
    const dit = await signIn(fx.kestrel, ['dit_auditor'])
    const team = await signIn(fx.kestrel, ['supervisor'], { staffId: fx.officers.lambeth.id })
    const url = '/api/v1/audits/HMI-2018-001'
    const outOfScale = await postJson(dit, `${url}/moderation`, { grade: 'outstanding' })
    expect(outOfScale.statusCode).toBe(400)
    expect(outOfScale.json().errors[0].field).toBe('grade')
    expect((await postJson(team, `${url}/moderation`, { grade: 'good' })).statusCode).toBe(403)
    const moderated = await postJson(dit, `${url}/moderation`, { grade: 'inadequate', note: 'Agree' })
    expect(moderated.statusCode).toBe(201)
    expect(moderated.json()).toEqual({ ref: 'HMI-2018-001', agreed: false })
    const resolved = await postJson(dit, `${url}/moderation/resolution`, {
      grade: 'inadequate',
      resolution: 'Agreed',
    })
    expect(resolved.statusCode).toBe(200)
    expect((await get(dit, url)).json().moderation).toMatchObject({
      auditorGrade: 'good',
      resolvedGrade: 'inadequate',
    })

    expect((await postJson(dit, `${url}/learning`, { theme: 'tea', text: 'x' })).json().errors[0].field).toBe(
      'theme',
    )
    const point = await postJson(dit, `${url}/learning`, { theme: 'supervision', text: 'Review PACs daily' })
    expect(point.statusCode).toBe(201)
    const unshared = (await get(dit, '/api/v1/audits/learning/unshared')).json().learning
    expect(unshared.map((l: { ref: string }) => l.ref)).toContain(point.json().ref)
    expect(
      (await postJson(dit, '/api/v1/audits/bulletins', { title: 'T', learning: [] })).json().errors[0].field,
    ).toBe('learning')
    const published = await postJson(dit, '/api/v1/audits/bulletins', {
      title: 'August',
      learning: [point.json().id],
    })
    expect(published.statusCode).toBe(201)
    const ref = published.json().ref
    // Everyone in the force reads bulletins and leaves a receipt; who read it is the DIT's to see.
    expect((await get(team, '/api/v1/audits/bulletins')).json().bulletins).toContainEqual(
      expect.objectContaining({ ref, read: false }),
    )
    expect((await postJson(team, `/api/v1/audits/bulletins/${ref}/read`, {})).json()).toEqual({
      ref,
      read: true,
    })
    expect((await get(team, `/api/v1/audits/bulletins/${ref}`)).json().receipts).toBeNull()
    expect((await get(dit, `/api/v1/audits/bulletins/${ref}`)).json().receipts).toHaveLength(1)
  })
})
