import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import type { Role } from '../../platform/access/roles.ts'
import { auditsFixture, inspectionAudits, jsonl } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof auditsFixture>>
let fx: Fixture
const { get } = requestsTo(() => fx.kestrel.app)

beforeAll(async () => {
  fx = await auditsFixture()
  // The inspection's 303, with the first ten in Lambeth.
  await fx.kestrel.services.imports.run(
    jsonl(...inspectionAudits().map((l, i) => (i < 10 ? { ...l, borough: 'Lambeth' } : l))),
    'tester',
  )
})
afterAll(() => fx?.kestrel.close())

const as = (roles: Role[], staffId: string | null = null): Promise<SignedInUser> =>
  signIn(fx.kestrel, roles, { staffId })

describe('Figure 1 page', () => {
  it('shows the auditor every audit, with counts, percentages and the share referred back', async () => {
    const page = await get(await as(['dit_auditor']), '/audits/figure-1')
    expect(page.statusCode).toBe(200)
    expect(page.body).toMatch(
      /Total<\/th>\s*<td[^>]*>93 \(31%\)<\/td><td[^>]*>127 \(42%\)<\/td><td[^>]*>83 \(27%\)<\/td>/,
    )
    expect(page.body).toMatch(/>303<\/td>\s*<td[^>]*>52 \(17%\)</)
    expect(page.body).toContain('href="/audits/programmes"')
  })

  it('as CSV, the same figures', async () => {
    const csv = await get(await as(['force_lead']), '/audits/figure-1.csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    expect(csv.body).toContain('Total,93,31,127,42,83,27,303,52,17\r\n')
    expect(csv.body).toContain('Children in police custody,0,0,21,70,9,30,30,')
  })

  it('counts for a BCU lead only the audits of its area, and refuses a bad date naming it', async () => {
    const lambeth = await get(await as(['bcu_lead'], fx.officers.lambeth.id), '/audits/figure-1.csv')
    expect(lambeth.body).toContain('Total,10,100,0,0,0,0,10,0,0\r\n')
    const hackney = await get(await as(['bcu_lead'], fx.officers.hackney.id), '/audits/figure-1.csv')
    expect(hackney.body).toContain('Total,0,,0,,0,,0,0,\r\n')
    const bad = await get(await as(['dit_auditor']), '/audits/figure-1?from=2018-13-01')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('from')
  })

  it('is not open to partner agencies', async () => {
    expect((await get(await as(['partner']), '/audits/figure-1')).statusCode).toBe(403)
  })
})
