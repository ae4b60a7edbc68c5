import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { fixedClock } from '../../platform/clock.ts'
import type { Measure } from '../../platform/measures.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { periodOf } from './months.ts'

// The findings behind an engine figure, written by hand in two BCUs' boroughs: the list a leader opens has
// as many findings as the figure was taken over, and a BCU lead's need to know reaches only their own.
const clock = fixedClock('2018-10-15T10:00:00Z')
let kestrel: TestKestrel
let lead: SignedInUser
let bcuLead: SignedInUser
let mine: { bcuId: string; boroughId: string }
let other: { bcuId: string; boroughId: string }
const { get } = requestsTo(() => kestrel.app)

beforeAll(async () => {
  kestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation, db } = kestrel.services
  const force = await organisation.force()
  const live = (await organisation.areasAt(force.id, clock.now())).bcus.filter((b) => b.boroughs.length)
  mine = { bcuId: live[0]?.id as string, boroughId: live[0]?.boroughs[0]?.id as string }
  other = { bcuId: live[1]?.id as string, boroughId: live[1]?.boroughs[0]?.id as string }
  const team = await organisation.createTeam(
    force.id,
    {
      name: 'Command team',
      kind: 'command',
      boroughId: null,
      bcuId: mine.bcuId,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  const staff = await organisation.createStaff(
    force.id,
    {
      staffNumber: 'BL1',
      name: 'A BCU lead',
      rank: 'superintendent',
      role: 'BCU lead',
      teamId: team.id,
      startDate: '2010-01-01',
      active: true,
    },
    'test',
  )
  let n = 0
  // Three opened in September in my BCU's borough, two in the other's, one in August.
  for (const [borough, opened, ref] of [
    [mine.boroughId, '2018-09-03T09:00:00Z', 'MINE-1'],
    [mine.boroughId, '2018-09-10T09:00:00Z', 'MINE-2'],
    [mine.boroughId, '2018-09-20T09:00:00Z', 'MINE-3'],
    [other.boroughId, '2018-09-05T09:00:00Z', 'OTHER-1'],
    [other.boroughId, '2018-09-25T09:00:00Z', 'OTHER-2'],
    [mine.boroughId, '2018-08-25T09:00:00Z', 'MINE-AUG'],
  ] as const)
    await db
      .insertInto('finding')
      .values({
        rule_id: 'FIX-01',
        subject_kind: 'fixture',
        subject_id: ref,
        subject_ref: ref,
        obligation_key: String(n++),
        status: 'due',
        opened_at: new Date(opened),
        due_at: new Date('2018-11-01T09:00:00Z'),
        borough_id: borough,
        updated_at: new Date(opened),
      })
      .execute()
  lead = await signIn(kestrel, ['force_lead'])
  bcuLead = await signIn(kestrel, ['bcu_lead'], { staffId: staff.id })
}, 60_000)
afterAll(() => kestrel?.close())

const take = (boroughIds: string[] | null) =>
  (kestrel.services.measures.get('standards.findings-opened') as Measure).take(kestrel.services.db, {
    ...periodOf('2018-09'),
    boroughIds,
  })
const listed = (body: string) =>
  [...body.matchAll(/<td class="govuk-table__cell">((?:MINE|OTHER)-[^<]+)<\/td>/g)].map((m) => m[1])

describe('the findings behind a figure', () => {
  it('lists as many findings as the figure was taken over, for a force-wide reader', async () => {
    const figure = await take(null)
    expect(figure.over).toBe(5)
    const page = await get(lead, '/dashboard/records?id=standards.findings-opened&month=2018-09')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('5 findings behind the figure.')
    expect(listed(page.body).sort()).toEqual(['MINE-1', 'MINE-2', 'MINE-3', 'OTHER-1', 'OTHER-2'])
    const bcu = await get(
      lead,
      `/dashboard/records?id=standards.findings-opened&month=2018-09&bcu=${other.bcuId}`,
    )
    expect(bcu.body).toContain('2 findings behind the figure.')
  })

  it('shows a BCU lead only their own BCU’s findings, saying how many there are in all, and logs the list', async () => {
    const force = await get(bcuLead, '/dashboard/records?id=standards.findings-opened&month=2018-09')
    expect(force.statusCode).toBe(200)
    expect(force.body).toContain('5 findings behind the figure, of which your need to know reaches 3.')
    expect(listed(force.body).sort()).toEqual(['MINE-1', 'MINE-2', 'MINE-3'])
    const theirs = await get(
      bcuLead,
      `/dashboard/records?id=standards.findings-opened&month=2018-09&bcu=${other.bcuId}`,
    )
    expect(theirs.body).toContain('of which your need to know reaches 0.')
    expect(theirs.body).not.toContain('OTHER-')
    const logged = await kestrel.services.db
      .selectFrom('access_log')
      .select(['action', 'subject_kind', 'detail'])
      .where('actor_id', '=', bcuLead.userId)
      .where('action', '=', 'list')
      .execute()
    expect(logged.map((l) => l.subject_kind)).toEqual(['finding', 'finding'])
  })

  it('refuses a measure that does not open record by record, naming the field', async () => {
    const res = await get(lead, '/dashboard/records?id=standards.right-first-time&month=2018-09')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('cannot be opened record by record yet')
  })
})
