import { readSheet } from 'read-excel-file/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { fixedClock } from '../../platform/clock.ts'
import { csvOf } from '../../platform/csv.ts'
import type { Measure } from '../../platform/measures.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { periodOf } from './months.ts'

// The records behind a figure, written by hand in two BCUs' boroughs: the engine's findings, and a module's
// own records (returns from missing, PACs): the list a leader opens has as many records as the figure was
// taken over, and a BCU lead's need to know reaches only their own BCU's.
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
  // A child, returned from missing in September three times (two in my BCU, one interviewed within the hour,
  // one never; one in the other BCU, interviewed) and once in August; a PAC raised for them in each BCU.
  const now = new Date('2018-10-01T00:00:00Z')
  const person = await db
    .insertInto('person')
    .values({ family_name: 'Drill', date_of_birth: '2004-01-01', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [borough, returned, interviewed, ref] of [
    [mine.boroughId, '2018-09-04T10:00:00Z', '2018-09-04T11:00:00Z', 'RET-MINE-1'],
    [mine.boroughId, '2018-09-12T10:00:00Z', null, 'RET-MINE-2'],
    [other.boroughId, '2018-09-14T10:00:00Z', '2018-09-14T12:00:00Z', 'RET-OTHER-1'],
    [mine.boroughId, '2018-08-14T10:00:00Z', null, 'RET-MINE-AUG'],
  ] as const) {
    const at = new Date(new Date(returned).getTime() - 86_400_000)
    await db
      .insertInto('missing_episode')
      .values({
        ref,
        person_id: person.id,
        borough_id: borough,
        reported_at: at,
        reported_by_kind: 'parent',
        last_seen_at: at,
        last_seen_place: 'Home',
        circumstances: 'Did not come home',
        grade: 'medium',
        suggested_grade: 'medium',
        graded_by_name: 'Test',
        returned_at: returned,
        prevention_interview_at: interviewed,
        created_by: 'test',
        created_at: at,
        updated_at: at,
      })
      .execute()
  }
  for (const [borough, created, ref] of [
    [mine.boroughId, '2018-09-06T10:00:00Z', 'PAC-MINE-1'],
    [other.boroughId, '2018-09-07T10:00:00Z', 'PAC-OTHER-1'],
    [other.boroughId, '2018-10-02T10:00:00Z', 'PAC-OTHER-OCT'],
  ] as const)
    await db
      .insertInto('pac')
      .values({
        ref,
        person_id: person.id,
        about_kind: 'incident',
        about_summary: 'A concern',
        concerns: ['child_abuse'],
        risk_level: 'medium',
        risk_assessment: '',
        child_spoken_to: true,
        voice_of_child: '',
        police_first_knew_at: new Date(new Date(created).getTime() - 3 * 3_600_000),
        created_at: created,
        submitted_at: created,
        updated_at: created,
        raised_by_name: 'Test',
        created_by: 'test',
        borough_id: borough,
      })
      .execute()
  // Online cases: one in each BCU waiting for research at the end of September, one closed in it.
  for (const [borough, ref, stages] of [
    [
      mine.boroughId,
      'ONL-MINE-1',
      [
        ['received', '2018-09-01'],
        ['awaiting_research', '2018-09-05'],
      ],
    ],
    [
      other.boroughId,
      'ONL-OTHER-1',
      [
        ['received', '2018-09-02'],
        ['awaiting_research', '2018-09-10'],
      ],
    ],
    [
      other.boroughId,
      'ONL-OTHER-2',
      [
        ['received', '2018-09-03'],
        ['closed', '2018-09-20'],
      ],
    ],
  ] as const) {
    const [, last] = stages
    const c = await db
      .insertInto('online_case')
      .values({
        ref,
        source: 'public_report',
        received_at: `${stages[0][1]}T09:00:00Z`,
        material_category: 'other',
        material_description: 'Material',
        borough_id: borough,
        stage: last[0],
        stage_at: `${last[1]}T09:00:00Z`,
        closed_at: last[0] === 'closed' ? `${last[1]}T09:00:00Z` : null,
        created_at: `${stages[0][1]}T09:00:00Z`,
        created_by: 'test',
        updated_at: `${last[1]}T09:00:00Z`,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const [seq, [stage, day]] of stages.entries())
      await db
        .insertInto('online_case_stage')
        .values({
          case_id: c.id,
          seq: seq + 1,
          stage,
          at: `${day}T09:00:00Z`,
          recorded_by: 'test',
          recorded_at: `${day}T09:00:00Z`,
        })
        .execute()
  }
  // Detentions at a custody suite no reader here works in: two children charged and refused bail who left in
  // September (one to local authority accommodation, in my BCU; one to court, in the other's), one bailed.
  const suite = await organisation.createTeam(
    force.id,
    {
      name: 'A custody suite',
      kind: 'custody_suite',
      boroughId: null,
      bcuId: other.bcuId,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  for (const [borough, ref, refused, destination] of [
    [mine.boroughId, 'CUS-MINE-1', true, 'la_non_secure'],
    [other.boroughId, 'CUS-OTHER-1', true, 'court'],
    [mine.boroughId, 'CUS-MINE-2', false, 'released_on_bail'],
  ] as const) {
    const arrested = new Date('2018-09-08T10:00:00Z')
    const d = await db
      .insertInto('custody_detention')
      .values({
        ref,
        person_id: person.id,
        custody_suite_team_id: suite.id,
        borough_id: borough,
        offences: ['Theft'],
        arrested_at: arrested,
        appears_under_18: true,
        created_at: arrested,
        updated_at: arrested,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const event = (kind: string, hours: number, more: Record<string, unknown> = {}) => ({
      detention_id: d.id,
      kind,
      at: new Date(arrested.getTime() + hours * 3_600_000),
      recorded_by: 'test',
      recorded_at: arrested,
      ...more,
    })
    await db
      .insertInto('custody_event')
      .values([
        event('charged', 2),
        event('bail_decision', 3, { bail_refused: refused }),
        event('left_custody', 12, { destination }),
      ])
      .execute()
  }
  lead = await signIn(kestrel, ['force_lead'])
  bcuLead = await signIn(kestrel, ['bcu_lead'], { staffId: staff.id })
}, 60_000)
afterAll(() => kestrel?.close())

const take = (boroughIds: string[] | null, id = 'standards.findings-opened') =>
  (kestrel.services.measures.get(id) as Measure).take(kestrel.services.db, {
    ...periodOf('2018-09'),
    boroughIds,
  })
const listed = (body: string) =>
  [...body.matchAll(/<td class="govuk-table__cell">((?:MINE|OTHER)-[^<]+)<\/td>/g)].map((m) => m[1])
/** The refs a module's records list links to. */
const linked = (body: string) =>
  [...body.matchAll(/<a class="govuk-link" href="[^"]+">((?:RET|PAC|ONL|CUS)-[^<]+)<\/a>/g)].map((m) => m[1])
const boroughsOf = async (bcuId: string) =>
  (
    await kestrel.services.organisation.areasAt((await kestrel.services.organisation.force()).id, clock.now())
  ).bcus
    .find((b) => b.id === bcuId)
    ?.boroughs.map((b) => b.id) ?? []

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

  it('lists a module’s own records behind its figures, as many as each figure was taken over', async () => {
    for (const [id, refs, otherRefs] of [
      ['missing.prevention-interview-in-time', ['RET-MINE-1', 'RET-MINE-2', 'RET-OTHER-1'], ['RET-OTHER-1']],
      ['referrals.hours-to-pac', ['PAC-MINE-1', 'PAC-OTHER-1'], ['PAC-OTHER-1']],
      ['online.open-cases', ['ONL-MINE-1', 'ONL-OTHER-1'], ['ONL-OTHER-1']],
      ['online.awaiting-research-count', ['ONL-MINE-1', 'ONL-OTHER-1'], ['ONL-OTHER-1']],
      ['custody.transferred-after-charge', ['CUS-MINE-1', 'CUS-OTHER-1'], ['CUS-OTHER-1']],
    ] as const) {
      const figure = await take(null, id)
      expect(figure.over).toBe(refs.length)
      const page = await get(lead, `/dashboard/records?id=${id}&month=2018-09`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain(`: ${refs.length} `)
      expect(page.body).not.toContain('your need to know reaches')
      expect(linked(page.body).sort()).toEqual([...refs].sort())
      const area = await take(await boroughsOf(other.bcuId), id)
      expect(area.over).toBe(otherRefs.length)
      const bcu = await get(lead, `/dashboard/records?id=${id}&month=2018-09&bcu=${other.bcuId}`)
      expect(linked(bcu.body).sort()).toEqual([...otherRefs].sort())
    }
    const measure = await get(lead, '/dashboard/measure?id=referrals.hours-to-pac&month=2018-09')
    expect(measure.body).toContain('Open the PACs raised behind September 2018’s figure')
    // A share says which records its numerator counts: the children transferred, the returns interviewed in time.
    const transferred = await get(
      lead,
      '/dashboard/records?id=custody.transferred-after-charge&month=2018-09',
    )
    expect(transferred.body.match(/<td class="govuk-table__cell">Yes<\/td>/g)?.length).toBe(1)
    expect((await take(null, 'custody.transferred-after-charge')).value).toBe(0.5)
    const figure = await take(null, 'missing.prevention-interview-in-time')
    expect(figure.value).toBeCloseTo(2 / 3)
    const page = await get(lead, '/dashboard/records?id=missing.prevention-interview-in-time&month=2018-09')
    expect(page.body.match(/<td class="govuk-table__cell">Yes<\/td>/g)?.length).toBe(2)
    expect(page.body.match(/<td class="govuk-table__cell">No<\/td>/g)?.length).toBe(1)
  })

  it('shows a BCU lead only their own BCU’s module records, saying how many there are in all, and logs them', async () => {
    const returns = await get(
      bcuLead,
      '/dashboard/records?id=missing.prevention-interview-in-time&month=2018-09',
    )
    expect(returns.statusCode).toBe(200)
    expect(returns.body).toContain(
      '3 returns from missing behind the figure, of which your need to know reaches 2.',
    )
    expect(linked(returns.body).sort()).toEqual(['RET-MINE-1', 'RET-MINE-2'])
    const pacs = await get(
      bcuLead,
      `/dashboard/records?id=referrals.hours-to-pac&month=2018-09&bcu=${other.bcuId}`,
    )
    expect(pacs.body).toContain('1 PAC raised behind the figure, of which your need to know reaches 0.')
    expect(linked(pacs.body)).toEqual([])
    const cases = await get(bcuLead, '/dashboard/records?id=online.open-cases&month=2018-09')
    expect(cases.body).toContain(
      '2 open online cases behind the figure, of which your need to know reaches 1.',
    )
    expect(linked(cases.body)).toEqual(['ONL-MINE-1'])
    const kept = await get(bcuLead, '/dashboard/records?id=custody.transferred-after-charge&month=2018-09')
    expect(kept.body).toContain(
      '2 detentions of children charged and refused bail behind the figure, of which your need to know reaches 1.',
    )
    expect(linked(kept.body)).toEqual(['CUS-MINE-1'])
    const logged = await kestrel.services.db
      .selectFrom('access_log')
      .select(['subject_kind', 'detail'])
      .where('actor_id', '=', bcuLead.userId)
      .where('action', '=', 'list')
      .where('subject_kind', 'in', ['missing-episode', 'pac', 'online-case', 'custody-detention'])
      .orderBy('seq')
      .execute()
    expect(logged.map((l) => l.subject_kind)).toEqual([
      'missing-episode',
      'pac',
      'online-case',
      'custody-detention',
    ])
    expect(logged.map((l) => (l.detail as { count: number }).count)).toEqual([2, 0, 1, 1])
  })

  // The force only: each measure's area condition is the one its figure takes, and the lists above check a BCU's.
  it('lists as many records as every drilling module measure’s figure was taken over', async () => {
    const drilling = kestrel.services.measures.all().filter((m) => m.recordsBehind)
    expect(drilling.length).toBeGreaterThan(20)
    for (const m of drilling) {
      const figure = await take(null, m.id)
      const page = await get(lead, `/dashboard/records?id=${m.id}&month=2018-09`)
      expect(page.statusCode, m.id).toBe(200)
      expect(page.body.match(/id="behind">[^<]*?: (\d+) /)?.[1], m.id).toBe(String(figure.over))
    }
  })

  it('refuses a measure that does not open record by record, naming the field', async () => {
    const res = await get(lead, '/dashboard/records?id=standards.right-first-time&month=2018-09')
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('cannot be opened record by record yet')
    const unknown = await get(lead, '/dashboard/records?id=missing.no-such-measure&month=2018-09')
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('is not a measure Kestrel keeps')
  })
})

describe('the records behind a figure, downloaded', () => {
  /** A download's lines below its header. */
  const csvRows = (body: string) => body.split('\r\n').slice(1, -1)
  /** The XLSX of the same query, read back and written out as the CSV writes it. */
  const xlsxAsCsv = async (who: SignedInUser, url: string) => {
    const res = await get(who, url.replace('.csv?', '.xlsx?'))
    expect(res.statusCode, url).toBe(200)
    const sheet = await readSheet(res.rawPayload)
    return csvOf(sheet[0] ?? [], sheet.slice(1))
  }
  const exports = () =>
    kestrel.services.db
      .selectFrom('access_log')
      .select(['actor_id', 'subject_kind', 'detail'])
      .where('action', '=', 'export')
      .orderBy('seq')
      .execute()

  it('downloads as many records as the page counts behind the figure, as CSV and the same rows as XLSX, logged', async () => {
    for (const [id, count, header] of [
      ['standards.findings-opened', 5, 'finding,rule,record,status,due at,breached at,closed at'],
      ['missing.prevention-interview-in-time', 3, 'record,at,summary,interviewed in time'],
    ] as const) {
      const query = `id=${id}&month=2018-09`
      const page = await get(lead, `/dashboard/records?${query}`)
      expect(page.body.match(/id="behind">[^<]*?: (\d+) /)?.[1]).toBe(String(count))
      expect(page.body).toContain(
        `href="/dashboard/records.csv?${query.replace('&', '&amp;')}" download>CSV</a>`,
      )
      const csv = await get(lead, `/dashboard/records.csv?${query}`)
      expect(csv.statusCode).toBe(200)
      expect(csv.headers['content-disposition']).toBe(
        `attachment; filename="kestrel-records-behind-${id}-2018-09.csv"`,
      )
      expect(csv.body.split('\r\n')[0]).toBe(header)
      expect(csvRows(csv.body)).toHaveLength(count)
      expect(await xlsxAsCsv(lead, `/dashboard/records.csv?${query}`)).toBe(csv.body)
    }
    expect((await exports()).map((e) => [e.subject_kind, (e.detail as { format: string }).format])).toEqual([
      ['finding', 'csv'],
      ['finding', 'xlsx'],
      ['missing-episode', 'csv'],
      ['missing-episode', 'xlsx'],
    ])
  })

  it('gives a BCU lead only what the page shows them, and refuses a download of another BCU’s records', async () => {
    const mineOnly = '/dashboard/records.csv?id=standards.findings-opened&month=2018-09'
    const csv = await get(bcuLead, mineOnly)
    expect(
      csvRows(csv.body)
        .map((r) => r.split(',')[2])
        .sort(),
    ).toEqual(['MINE-1', 'MINE-2', 'MINE-3'])
    expect(await xlsxAsCsv(bcuLead, mineOnly)).toBe(csv.body)
    for (const id of ['standards.findings-opened', 'missing.prevention-interview-in-time']) {
      const query = `id=${id}&month=2018-09&bcu=${other.bcuId}`
      const page = await get(bcuLead, `/dashboard/records?${query}`)
      expect(page.body).toContain('of which your need to know reaches 0.')
      expect(page.body).not.toContain('/dashboard/records.csv')
      // The downloads refuse a figure whose records all lie beyond the lead's need to know.
      for (const path of ['/dashboard/records.csv', '/dashboard/records.xlsx']) {
        const theirs = await get(bcuLead, `${path}?${query}`)
        expect(theirs.statusCode, path).toBe(403)
        expect(theirs.body, path).toContain(
          'None of the records behind this figure are within your need to know',
        )
        expect(theirs.body, path).not.toContain('OTHER-')
      }
    }
    // A query the page refuses is refused alike, before anything is read or logged.
    const before = (await exports()).length
    for (const path of ['/dashboard/records', '/dashboard/records.csv', '/dashboard/records.xlsx']) {
      const res = await get(bcuLead, `${path}?id=standards.findings-opened&bcu=${crypto.randomUUID()}`)
      expect(res.statusCode, path).toBe(400)
      expect(res.body, path).toContain('is not a BCU of this force')
      expect((await get(bcuLead, `${path}?id=standards.right-first-time`)).statusCode, path).toBe(400)
    }
    expect(await exports()).toHaveLength(before)
  })
})
