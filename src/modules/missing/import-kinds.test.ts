import { afterEach, describe, expect, it } from 'vitest'
import { requestsTo } from '../../../test/requests.ts'
import { isUuid } from '../../platform/ids.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { checkConsistency } from '../../standards/consistency.ts'
import { missingFixture, movableClock } from './test-fixtures.ts'

const open: Awaited<ReturnType<typeof missingFixture>>[] = []
afterEach(async () => {
  for (const f of open.splice(0)) await f.kestrel.close()
})

async function fixture() {
  const clock = movableClock('2019-03-01T12:00:00Z')
  const f = await missingFixture(clock)
  open.push(f)
  const a = await f.child('2005-05-01')
  const b = await f.child('2006-02-01')
  await f.plan(a.ref, '2018-12-01')
  return { ...f, a, b, clock }
}

type Fixture = Awaited<ReturnType<typeof fixture>>
const hour = 3_600_000
function line(ref: string, child: string, reportedAt: string, extra: Record<string, unknown> = {}) {
  const at = new Date(reportedAt)
  return {
    kind: 'missing-episode',
    ref,
    child,
    borough: 'Lambeth',
    reportedAt: at.toISOString(),
    reportedByKind: 'carer',
    lastSeenAt: new Date(at.getTime() - 2 * hour).toISOString(),
    lastSeenPlace: 'Home',
    circumstances: 'Did not come home',
    grade: 'high',
    riskFactors: ['looked_after'],
    gradedBy: 'PC Grader',
    reviewDueAt: new Date(at.getTime() + 4 * hour).toISOString(),
    planAcknowledgedAt: new Date(at.getTime() + hour).toISOString(),
    planAcknowledgedBy: 'PC Grader',
    ...extra,
  }
}
const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')

/** The stored episodes and their history, without what differs between two databases (ids, refs). */
async function stored(f: Fixture) {
  const db = f.kestrel.services.db
  const rows = await db.selectFrom('missing_episode').selectAll().orderBy('reported_at').execute()
  const history = await db
    .selectFrom('change_history')
    .select(['record_id', 'version', 'action', 'changed_by', 'changes'])
    .where('record_table', '=', 'missing_episode')
    .orderBy('id')
    .execute()
  // Ids differ between the two databases: a person is named by letter, any other id stands as "id".
  const anon = (value: unknown) =>
    value === f.a.id ? 'a' : value === f.b.id ? 'b' : isUuid(value) ? 'id' : value
  const strip = ({ ref, ...rest }: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(rest).map(([k, v]) => [k, Array.isArray(v) && v.length === 2 ? v.map(anon) : anon(v)]),
    )
  return rows.map((r) => ({
    row: strip(r),
    history: history
      .filter((h) => h.record_id === r.id)
      .map((h) => ({
        version: h.version,
        action: h.action,
        by: h.changed_by,
        changes: strip(h.changes as never),
      })),
  }))
}

describe('missing-episode import', () => {
  it('writes a batch as the same episodes written one at a time, each seeing the ones before it', async () => {
    const reports = [
      ['a', '2019-02-20T10:00:00Z'],
      ['b', '2019-01-05T10:00:00Z'],
      ['a', '2019-01-10T10:00:00Z'],
      ['a', '2019-02-01T10:00:00Z'],
      ['b', '2019-02-25T10:00:00Z'],
    ] as const
    const batch = await fixture()
    const outcome = await batch.kestrel.services.imports.run(
      jsonl(reports.map(([who, at], i) => line(`MIS-${i}`, batch[who].ref, at))),
      'importer',
    )
    expect(outcome.written['missing-episode']).toBe(5)

    const single = await fixture()
    const inOrder = [...reports].sort((x, y) => x[1].localeCompare(y[1]))
    for (const [who, at] of inOrder)
      await single.kestrel.services.imports.run(jsonl([line(`ONE-${at}`, single[who].ref, at)]), 'importer')

    const batchStored = await stored(batch)
    expect(batchStored).toEqual(await stored(single))
    // The third report for child a in the quarter counts the two before it, and the live plan is linked.
    const last = batchStored.filter((e) => e.row.person_id === 'a').at(-1)
    expect(last?.row.history_factors).toEqual(expect.arrayContaining([expect.any(String)]))
    expect(last?.row.trigger_plan_id).toBe('id')
  }, 60_000)

  it('updates an episode already held (and a ref repeated in the batch) with its version and history', async () => {
    const f = await fixture()
    const { imports, db } = f.kestrel.services
    const first = line('MIS-1', f.a.ref, '2019-02-01T10:00:00Z')
    await imports.run(jsonl([first, line('MIS-2', f.b.ref, '2019-02-02T10:00:00Z')]), 'importer')
    await imports.run(
      jsonl([
        { ...first, foundPlace: 'Croydon', returnedAt: '2019-02-02T09:00:00Z' },
        line('MIS-3', f.a.ref, '2019-02-05T10:00:00Z'),
        line('MIS-3', f.a.ref, '2019-02-05T10:00:00Z', { foundBy: 'PC Finder' }),
      ]),
      'importer',
    )
    const rows = await db
      .selectFrom('missing_episode')
      .select(['ref', 'version', 'found_place', 'found_by'])
      .orderBy('ref')
      .execute()
    expect(rows).toEqual([
      { ref: 'MIS-1', version: 2, found_place: 'Croydon', found_by: null },
      { ref: 'MIS-2', version: 1, found_place: null, found_by: null },
      { ref: 'MIS-3', version: 2, found_place: null, found_by: 'PC Finder' },
    ])
    const refOf = new Map(
      (await db.selectFrom('missing_episode').select(['id', 'ref']).execute()).map((r) => [r.id, r.ref]),
    )
    const history = (
      await db
        .selectFrom('change_history')
        .select(['record_id', 'version', 'action', 'changes'])
        .where('record_table', '=', 'missing_episode')
        .orderBy('id')
        .execute()
    ).map((h) => ({ ...h, ref: refOf.get(h.record_id) }))
    expect(history.map((h) => [h.ref, h.version, h.action])).toEqual([
      ['MIS-1', 1, 'create'],
      ['MIS-2', 1, 'create'],
      ['MIS-1', 2, 'update'],
      ['MIS-3', 1, 'create'],
      ['MIS-3', 2, 'update'],
    ])
    expect(history[2]?.changes).toMatchObject({ found_place: [null, 'Croydon'] })
    expect(history[4]?.changes).toEqual({ found_by: [null, 'PC Finder'] })
  }, 60_000)

  it('refuses a batch naming the line and field of each problem, writing nothing', async () => {
    const f = await fixture()
    const { imports, db } = f.kestrel.services
    const error = await imports
      .run(
        jsonl([
          line('MIS-1', f.a.ref, '2019-02-01T10:00:00Z'),
          line('MIS-2', f.a.ref, '2019-02-02T10:00:00Z', { borough: 'Atlantis' }),
          line('MIS-3', f.b.ref, '2019-02-03T10:00:00Z', { pac: 'PAC-0000001' }),
          line('MIS-4', f.b.ref, '2019-02-04T10:00:00Z', { unit: 'Nowhere unit', grade: 'dire' }),
        ]),
        'importer',
      )
      .catch((e) => e)
    expect(error).toBeInstanceOf(ImportRejected)
    expect((error as ImportRejected).errors).toEqual([
      { line: 2, field: 'borough', reason: 'There is no borough called Atlantis' },
      { line: 3, field: 'pac', reason: 'There is no PAC PAC-0000001' },
      { line: 4, field: 'unit', reason: 'There is no missing persons unit called Nowhere unit' },
      { line: 4, field: 'grade', reason: expect.stringContaining('"dire" is not a grade') },
    ])
    expect(await db.selectFrom('missing_episode').select('id').execute()).toEqual([])
  }, 60_000)
})

describe('missing-episode import records history as it happened', () => {
  /** A PAC about `child` created at `createdAt`, as an import line. */
  const pacLine = (ref: string, child: string, createdAt: string) => ({
    kind: 'pac',
    ref,
    child,
    aboutKind: 'missing_episode',
    aboutSummary: 'Missing from home',
    concerns: ['missing_people'],
    riskLevel: 'medium',
    riskAssessment: 'Repeat missing',
    childSpokenTo: false,
    voiceOfChild: 'Not yet found',
    policeFirstKnewAt: createdAt,
    createdAt,
    borough: 'Lambeth',
    raisedByName: 'PC Raiser',
  })
  const episodes = (f: Fixture) =>
    f.kestrel.services.db
      .selectFrom('missing_episode as e')
      .leftJoin('pac', 'pac.id', 'e.pac_id')
      .select([
        'e.ref',
        'e.grade',
        'e.supervisor_name',
        'pac.ref as pac',
        'e.pac_external_ref',
        'e.pac_linked_at',
      ])
      .orderBy('e.ref')
      .execute()

  it('takes a grading below the suggestion with no supervisor as it was made, and MIS-01 finds it', async () => {
    const f = await fixture()
    const { imports, standards } = f.kestrel.services
    // Two risk factors suggest at least medium: a form would ask for a supervisor and their reason.
    await imports.run(
      jsonl([
        line('MIS-1', f.b.ref, '2019-02-01T10:00:00Z', {
          grade: 'absent',
          riskFactors: ['looked_after', 'drugs_alcohol'],
        }),
      ]),
      'importer',
    )
    const [row] = await episodes(f)
    expect(row).toMatchObject({ ref: 'MIS-1', grade: 'absent', supervisor_name: null })
    const at = async (asOf: string) =>
      (await standards.findingsAt(new Date(asOf), { ruleId: 'MIS-01' })).findings.map((x) => x.status)
    expect(await at('2019-02-01T09:59:00Z')).toEqual([])
    expect(await at('2019-02-01T10:00:00Z')).toEqual(['breached'])
  }, 60_000)

  it('links a PAC Kestrel holds at its own time, keeps another system’s reference as such, never the import time', async () => {
    const f = await fixture()
    const { imports } = f.kestrel.services
    await imports.run(
      jsonl([
        // Raised three hours after the report, and (below) one raised the day before it.
        pacLine('MERLIN-19-0001', f.a.ref, '2019-02-01T13:00:00Z'),
        pacLine('MERLIN-19-0002', f.b.ref, '2019-02-01T10:00:00Z'),
        line('MIS-1', f.a.ref, '2019-02-01T10:00:00Z', { pac: 'merlin-19-0001' }),
        line('MIS-2', f.b.ref, '2019-02-02T10:00:00Z', { pac: 'MERLIN-19-0002' }),
        line('MIS-3', f.a.ref, '2019-02-03T10:00:00Z', { pac: 'MERLIN-19-0003' }),
        line('MIS-4', f.b.ref, '2019-02-04T10:00:00Z', {
          pac: 'MERLIN-19-0004',
          pacLinkedAt: '2019-02-05T09:00:00Z',
        }),
        line('MIS-5', f.a.ref, '2019-02-05T10:00:00Z', {
          pac: 'MERLIN-19-0001',
          pacLinkedAt: '2019-02-05T11:00:00Z',
        }),
      ]),
      'importer',
    )
    expect(await episodes(f)).toEqual([
      {
        ref: 'MIS-1',
        grade: 'high',
        supervisor_name: null,
        pac: 'MERLIN-19-0001',
        pac_external_ref: null,
        pac_linked_at: new Date('2019-02-01T13:00:00Z'),
      },
      // A PAC made before the episode is linked from the report.
      {
        ref: 'MIS-2',
        grade: 'high',
        supervisor_name: null,
        pac: 'MERLIN-19-0002',
        pac_external_ref: null,
        pac_linked_at: new Date('2019-02-02T10:00:00Z'),
      },
      // Not in Kestrel: the reference kept, and the report time the rules use.
      {
        ref: 'MIS-3',
        grade: 'high',
        supervisor_name: null,
        pac: null,
        pac_external_ref: 'MERLIN-19-0003',
        pac_linked_at: new Date('2019-02-03T10:00:00Z'),
      },
      {
        ref: 'MIS-4',
        grade: 'high',
        supervisor_name: null,
        pac: null,
        pac_external_ref: 'MERLIN-19-0004',
        pac_linked_at: new Date('2019-02-05T09:00:00Z'),
      },
      {
        ref: 'MIS-5',
        grade: 'high',
        supervisor_name: null,
        pac: 'MERLIN-19-0001',
        pac_external_ref: null,
        pac_linked_at: new Date('2019-02-05T11:00:00Z'),
      },
    ])
    // The import ran at 2019-03-01T12:00Z (the fixture's clock): no link carries that time.
  }, 60_000)

  it('shows an imported reference on the episode page, replaced when a PAC in Kestrel is linked there', async () => {
    const f = await fixture()
    const { imports, db } = f.kestrel.services
    await imports.run(
      jsonl([
        pacLine('MERLIN-19-0001', f.a.ref, '2019-02-01T13:00:00Z'),
        line('MIS-1', f.a.ref, '2019-02-01T10:00:00Z', { pac: 'MERLIN-19-0099' }),
      ]),
      'importer',
    )
    const { id, version } = await db
      .selectFrom('missing_episode')
      .select(['id', 'version'])
      .executeTakeFirstOrThrow()
    const user = await f.userIn('Lambeth', ['missing_persons_unit'], 'P100')
    const { get, postForm } = requestsTo(() => f.kestrel.app)
    const page = await get(user, `/missing/episodes/${id}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('MERLIN-19-0099 (imported; the PAC is not in Kestrel)')
    const linked = await postForm(user, `/missing/episodes/${id}/pac`, {
      pac: 'MERLIN-19-0001',
      version: String(version),
    })
    expect(linked.statusCode).toBe(303)
    expect(await episodes(f)).toMatchObject([
      {
        ref: 'MIS-1',
        pac: 'MERLIN-19-0001',
        pac_external_ref: null,
        pac_linked_at: new Date('2019-03-01T12:00:00Z'),
      },
    ])
    const after = await get(user, `/missing/episodes/${id}`)
    expect(after.body).not.toContain('MERLIN-19-0099')
    expect(after.body).toContain('MERLIN-19-0001</a>')
  }, 60_000)

  it('refuses a reference that is no PAC, a Kestrel PAC it does not hold, and a link time with no PAC', async () => {
    const f = await fixture()
    const error = await f.kestrel.services.imports
      .run(
        jsonl([
          line('MIS-1', f.a.ref, '2019-02-01T10:00:00Z', { pac: 'NOPE-NOT-A-PAC' }),
          line('MIS-2', f.a.ref, '2019-02-02T10:00:00Z', { pac: 'PAC-0000042' }),
          line('MIS-3', f.a.ref, '2019-02-03T10:00:00Z', { pacLinkedAt: '2019-02-03T11:00:00Z' }),
          line('MIS-4', f.a.ref, '2019-02-04T10:00:00Z', { pac: 'MERLIN 19/0004' }),
          line('MIS-5', f.a.ref, '2019-02-05T10:00:00Z', {
            pac: 'MERLIN-19-0005',
            pacLinkedAt: '2019-03-01T12:01:00Z',
          }),
        ]),
        'importer',
      )
      .catch((e) => e)
    expect((error as ImportRejected).errors).toEqual([
      { line: 1, field: 'pac', reason: expect.stringContaining('"NOPE-NOT-A-PAC" is not a PAC reference') },
      { line: 2, field: 'pac', reason: 'There is no PAC PAC-0000042' },
      { line: 3, field: 'pacLinkedAt', reason: 'Name the PAC linked (pac) with the time it was linked' },
      { line: 5, field: 'pacLinkedAt', reason: 'The time the PAC was linked is in the future' },
    ])
    expect(await episodes(f)).toEqual([])
  }, 60_000)
})

describe('trigger-plan and missing-review import', () => {
  const plan = (ref: string, child: string, extra: Record<string, unknown> = {}) => ({
    kind: 'trigger-plan',
    ref,
    child,
    placesToSearch: 'Brixton station',
    peopleToContact: 'Foster carer',
    risks: 'Older males',
    authorName: 'DC Planner',
    agreedWith: ['carers'],
    startDate: '2019-01-01',
    reviewDate: '2019-06-01',
    ...extra,
  })
  const review = (ref: string, episode: string, extra: Record<string, unknown> = {}) => ({
    kind: 'missing-review',
    ref,
    episode,
    reviewedAt: '2019-02-01T13:00:00Z',
    reviewerName: 'Insp Example',
    grade: 'high',
    reason: 'Seen with older males',
    ...extra,
  })

  it('writes plans (borough named or from the address) and reviews, and updates them when re-imported', async () => {
    const f = await fixture()
    const { imports, db } = f.kestrel.services
    const batch = [
      plan('TP-1', f.a.ref),
      plan('TP-2', f.b.ref, { borough: 'Croydon' }),
      line('MIS-1', f.a.ref, '2019-02-01T10:00:00Z'),
      review('MIS-1-R1', 'MIS-1'),
      review('MIS-1-R2', 'MIS-1', { reviewedAt: '2019-02-01T16:00:00Z', grade: 'medium' }),
    ]
    expect((await imports.run(jsonl(batch), 'importer')).written).toMatchObject({
      'trigger-plan': 2,
      'missing-review': 2,
    })
    await imports.run(
      jsonl([
        { ...batch[0], risks: 'Older males; CCE' },
        { ...batch[4], reason: 'Returned' },
      ]),
      'importer',
    )
    const plans = await db
      .selectFrom('trigger_plan')
      .select(['ref', 'borough_id', 'risks', 'version'])
      .where('ref', 'like', 'TP-%')
      .orderBy('ref')
      .execute()
    expect(plans).toEqual([
      { ref: 'TP-1', borough_id: f.boroughId('Lambeth'), risks: 'Older males; CCE', version: 2 },
      { ref: 'TP-2', borough_id: f.boroughId('Croydon'), risks: 'Older males', version: 1 },
    ])
    const reviews = await db
      .selectFrom('missing_review')
      .select(['ref', 'grade', 'reason', 'version'])
      .orderBy('ref')
      .execute()
    expect(reviews).toEqual([
      { ref: 'MIS-1-R1', grade: 'high', reason: 'Seen with older males', version: 1 },
      { ref: 'MIS-1-R2', grade: 'medium', reason: 'Returned', version: 2 },
    ])
    const history = await db
      .selectFrom('change_history')
      .select(['record_table', 'version', 'action'])
      .where('record_table', 'in', ['trigger_plan', 'missing_review'])
      .orderBy('id')
      .execute()
    expect(history.filter((h) => h.action === 'create')).toHaveLength(5)
    expect(history.filter((h) => h.action === 'update').map((h) => [h.record_table, h.version])).toEqual([
      ['trigger_plan', 2],
      ['missing_review', 2],
    ])
  }, 60_000)

  it('refuses plans and reviews naming the line and field of each problem', async () => {
    const f = await fixture()
    const { imports } = f.kestrel.services
    await imports.run(jsonl([line('MIS-1', f.a.ref, '2019-02-01T10:00:00Z')]), 'importer')
    const refused = (lines: object[]) =>
      imports.run(jsonl(lines), 'importer').then(
        () => [],
        (e) => (e as ImportRejected).errors,
      )
    expect(
      await refused([
        plan('TP-1', f.a.ref, { borough: 'Atlantis' }),
        plan('TP-2', f.b.ref, { reviewDate: '2018-01-01' }),
      ]),
    ).toEqual([
      { line: 1, field: 'borough', reason: 'There is no borough called Atlantis' },
      { line: 2, field: 'reviewDate', reason: 'The review date is before the start' },
    ])
    expect(
      await refused([
        review('R-1', 'MIS-1', { reviewedAt: '2019-01-01T10:00:00Z' }),
        review('R-2', 'MIS-1', { grade: 'dire' }),
      ]),
    ).toEqual([
      { line: 1, field: 'reviewedAt', reason: 'The review is before the report: a review before the report' },
      { line: 2, field: 'grade', reason: expect.stringContaining('"dire" is not a grade') },
    ])
  }, 60_000)
})

describe('an import judges the borough and the unit its records bear on (dependencies), with no sweep', () => {
  const openOn = async (f: Fixture, ruleId: string, subjectId: string) =>
    (await f.kestrel.services.standards.listFindings({ ruleId, subjectId, status: 'open' })).length

  it('MIS-10: a repeat-missing child’s episodes open the borough’s finding; a plan imported there closes it', async () => {
    const f = await fixture()
    const c = await f.child('2005-01-01', 'Sutton')
    const sutton = f.boroughId('Sutton')
    await f.kestrel.services.imports.run(
      jsonl(
        ['2019-02-01T20:00:00Z', '2019-02-10T20:00:00Z', '2019-02-20T20:00:00Z'].map((at, i) =>
          line(`SUT-${i}`, c.ref, at, {
            borough: 'Sutton',
            returnedAt: new Date(new Date(at).getTime() + 5 * hour).toISOString(),
          }),
        ),
      ),
      'importer',
    )
    expect(await openOn(f, 'MIS-10', sutton)).toBe(1)
    await f.kestrel.services.imports.run(
      jsonl([
        {
          kind: 'trigger-plan',
          ref: 'TP-SUT',
          child: c.ref,
          borough: 'Sutton',
          placesToSearch: 'Sutton station',
          peopleToContact: 'Carer',
          risks: 'Older males',
          authorName: 'DC Planner',
          agreedWith: ['carers'],
          startDate: '2019-02-25',
          reviewDate: '2019-08-01',
        },
      ]),
      'importer',
    )
    expect(await openOn(f, 'MIS-10', sutton)).toBe(0)
  })

  it('MIS-10: the steady sweep reads only the borough whose episode left its window or whose plan began', async () => {
    const f = await fixture()
    const { imports, standards } = f.kestrel.services
    const { clock } = f
    // Sutton counts repeat missing over 30 days, Brent over the force's 90.
    await standards.parameters.set({
      ruleId: 'MIS-10',
      name: 'repeatDays',
      boroughId: f.boroughId('Sutton'),
      value: 30,
      effectiveFrom: new Date('2019-01-01T00:00:00Z'),
      reason: 'A shorter window in Sutton',
      setBy: 'tester',
    })
    const repeats = async (prefix: string, borough: string) => {
      const c = await f.child('2005-01-01', borough)
      const at = ['2019-02-10T20:00:00Z', '2019-02-15T20:00:00Z', '2019-02-20T20:00:00Z']
      const returned = (t: string) => new Date(new Date(t).getTime() + 5 * hour).toISOString()
      return at.map((t, i) => line(`${prefix}-${i}`, c.ref, t, { borough, returnedAt: returned(t) }))
    }
    const plan = {
      kind: 'trigger-plan',
      ref: 'TP-BRENT',
      child: (await f.child('2005-01-01', 'Brent')).ref,
      borough: 'Brent',
      placesToSearch: 'Wembley Park',
      peopleToContact: 'Carer',
      risks: 'Older males',
      authorName: 'DC Planner',
      agreedWith: ['carers'],
      startDate: '2019-03-05',
      reviewDate: '2019-08-01',
    }
    await imports.run(
      jsonl([...(await repeats('SUT', 'Sutton')), ...(await repeats('BRE', 'Brent')), plan]),
      'importer',
    )
    const open = async () => [
      await openOn(f, 'MIS-10', f.boroughId('Sutton')),
      await openOn(f, 'MIS-10', f.boroughId('Brent')),
    ]
    expect(await open()).toEqual([1, 1])
    await standards.sweep({ timeBasedOnly: true, ruleIds: ['MIS-10'] })
    // Brent's plan begins at its first London midnight; Sutton's first episode leaves 30 days after its report.
    for (const [at, expected] of [
      ['2019-03-05T00:30:00Z', [1, 0]],
      ['2019-03-12T21:00:00Z', [0, 0]],
    ] as const) {
      clock.set(new Date(at))
      const report = await checkConsistency(standards, { asOf: new Date(at), ruleIds: ['MIS-10'] })
      expect(report.steady.map((r) => [r.ruleId, r.dueRecords])).toEqual([['MIS-10', 1]])
      expect(report.differences).toEqual([])
      expect(await open()).toEqual(expected)
    }
  })

  it('MIS-11: an episode imported to a unit with no one on duty opens its finding; a duty imported closes it', async () => {
    const f = await fixture()
    const duty = (ref: string, from: string, staffOnDuty: number) => ({
      kind: 'missing-unit-duty',
      ref,
      unit: 'Lambeth missing persons unit',
      from,
      staffOnDuty,
    })
    const { imports } = f.kestrel.services
    await imports.run(jsonl([duty('DUTY-1', '2019-02-28T07:00:00Z', 0)]), 'importer')
    expect(await openOn(f, 'MIS-11', f.unit.id)).toBe(0)
    await imports.run(jsonl([line('LAM-1', f.b.ref, '2019-03-01T08:00:00Z')]), 'importer')
    expect(await openOn(f, 'MIS-11', f.unit.id)).toBe(1)
    await imports.run(jsonl([duty('DUTY-2', '2019-03-01T09:00:00Z', 2)]), 'importer')
    expect(await openOn(f, 'MIS-11', f.unit.id)).toBe(0)
    // Only writes move it: the steady sweep reads nothing for it, and the full check finds nothing to mend.
    const report = await checkConsistency(f.kestrel.services.standards, {
      asOf: f.kestrel.services.clock.now(),
      ruleIds: ['MIS-11'],
    })
    expect(report.steady.map((r) => [r.ruleId, r.dueRecords])).toEqual([['MIS-11', 0]])
    expect(report.differences).toEqual([])
  })
  it('MIS-11: an episode re-imported under another borough judges again the unit it left', async () => {
    const f = await fixture()
    const { imports, organisation } = f.kestrel.services
    const force = await organisation.force()
    const sutton = await organisation.createTeam(
      force.id,
      { ...f.unit, name: 'Sutton missing persons unit', boroughId: f.boroughId('Sutton') },
      'test',
    )
    const nobodyOnDuty = (ref: string, unit: string) => ({
      kind: 'missing-unit-duty',
      ref,
      unit,
      from: '2019-02-28T07:00:00Z',
      staffOnDuty: 0,
    })
    await imports.run(
      jsonl([nobodyOnDuty('DUTY-L', f.unit.name), nobodyOnDuty('DUTY-S', sutton.name)]),
      'importer',
    )
    await imports.run(jsonl([line('MOVE-1', f.b.ref, '2019-03-01T08:00:00Z')]), 'importer')
    expect([await openOn(f, 'MIS-11', f.unit.id), await openOn(f, 'MIS-11', sutton.id)]).toEqual([1, 0])
    await imports.run(
      jsonl([line('MOVE-1', f.b.ref, '2019-03-01T08:00:00Z', { borough: 'Sutton' })]),
      'importer',
    )
    expect([await openOn(f, 'MIS-11', f.unit.id), await openOn(f, 'MIS-11', sutton.id)]).toEqual([0, 1])
  })
})
