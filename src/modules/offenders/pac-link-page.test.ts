import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

// Children found at a visit: the RSO's page offers to raise a PAC for each and link it to the visit, and
// the link meets RSO-06.
type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')
let manager: SignedInUser
let rso: { id: string; ref: string }
let visitRef: string
const { get, postForm } = requestsTo(() => fx.kestrel.app)

beforeAll(async () => {
  fx = await offendersFixture(clock)
  manager = await signIn(fx.kestrel, ['offender_manager'], { staffId: fx.managers[0]?.id ?? null })
  rso = await fx.rso('2017-01-01')
  const visit = await fx.kestrel.services.offenders.recordVisit(
    {
      rso: rso.ref,
      visitedAt: new Date('2019-06-10T10:00:00Z'),
      announced: false,
      officers: 'DC V',
      childrenPresent: true,
    },
    keeper,
    forceWideReach,
  )
  visitRef = visit.ref
  const child = await fx.kestrel.services.children.create(
    {
      familyName: 'Foundchild',
      givenNames: 'Sam',
      dateOfBirth: '2012-01-01',
      estimatedAgeYears: null,
      gender: 'male',
      ethnicity: 'NS',
      address: null,
    },
    { id: 'tester', username: 'tester' },
    { confirmedNotDuplicate: true },
  )
  await fx.kestrel.services.imports.run(
    JSON.stringify({
      kind: 'pac',
      ref: 'PAC-LINK-1',
      child: child.ref,
      aboutKind: 'incident',
      aboutSummary: 'Child found at an RSO’s home visit',
      concerns: ['child_abuse'],
      riskLevel: 'medium',
      riskAssessment: 'An RSO lives at the address',
      childSpokenTo: false,
      voiceOfChild: '',
      policeFirstKnewAt: '2019-06-10T10:00:00Z',
      createdAt: '2019-06-10T12:00:00Z',
      borough: 'Lambeth',
      raisedByName: 'DC V',
    }),
    'tester',
  )
}, 60_000)
afterAll(() => fx?.kestrel.close())

describe('linking a PAC from the RSO’s page', () => {
  it('offers it where children were found, names a wrong PAC on the form, and links the right one', async () => {
    const page = await get(manager, `/offenders/${rso.id}`)
    expect(page.body).toContain('id="pac-offer"')
    expect(page.body).toContain(visitRef)
    const wrong = await postForm(manager, `/offenders/${rso.id}/pac-links`, {
      record: visitRef,
      pac: 'PAC-NONE',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('There is no PAC PAC-NONE')
    expect(await fx.states('RSO-06', rso.id, '2019-06-15T12:00:00Z')).toEqual(['breached'])
    const linked = await postForm(manager, `/offenders/${rso.id}/pac-links`, {
      record: visitRef,
      pac: 'PAC-LINK-1',
    })
    expect(linked.statusCode).toBe(303)
    expect((await get(manager, `/offenders/${rso.id}`)).body).toContain('PAC-LINK-1')
    expect(await fx.states('RSO-06', rso.id, '2019-06-15T12:00:00Z')).toEqual(['met'])
  })

  it('shows the link on the PAC page, to the RSO for a reader who may see them, unlinked otherwise', async () => {
    const pac = await fx.kestrel.services.db
      .selectFrom('pac')
      .select('id')
      .where('ref', '=', 'PAC-LINK-1')
      .executeTakeFirstOrThrow()
    const page = await get(manager, `/pacs/${pac.id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Linked records')
    expect(page.body).toContain(
      `<a class="govuk-link" href="/offenders/${rso.id}">Visit to registered sex offender ${rso.ref} that found children present</a>`,
    )
    // A reader of the PAC whose area holds neither the RSO nor their manager learns of the RSO, not their record.
    const elsewhere = {
      forceWide: false,
      boroughIds: [fx.boroughId('Camden')],
      staffId: null,
      userId: null,
      teamIds: [],
    }
    expect(await fx.kestrel.services.offenders.linksToPac(pac.id, elsewhere)).toEqual([
      {
        text: `Visit to registered sex offender ${rso.ref} that found children present (their record is held by their offender manager)`,
        at: new Date('2019-06-10T10:00:00Z'),
        href: null,
      },
    ])
  })
})
