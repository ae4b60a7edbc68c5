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
})
