import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type InvestigationsFixture, investigationsFixture, movableClock } from './test-fixtures.ts'

const clock = movableClock('2018-12-01T12:00:00Z')

describe('investigation import kinds (database)', () => {
  let f: InvestigationsFixture
  let childRef: string
  let staffNumber: string
  let teamName: string
  beforeAll(async () => {
    f = await investigationsFixture(clock)
    childRef = (await f.child('Imported')).ref
    const team = await f.team({ capacity: 5 })
    teamName = team.name
    staffNumber = (await f.staff(team.id, 'Imported Officer')).staffNumber
  })
  afterAll(() => f.kestrel.close())

  const run = (lines: Record<string, unknown>[]) =>
    f.kestrel.services.imports.run(lines.map((l) => JSON.stringify(l)).join('\n'), 'test')

  it('writes an investigation with its records, and a re-import updates rather than duplicates', async () => {
    const lines: Record<string, unknown>[] = [
      {
        kind: 'investigation',
        ref: 'INV-IMP-1',
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'high',
        summary: 'Imported case',
        borough: 'Camden',
        openedAt: '2018-08-01T09:00:00Z',
        people: [{ person: childRef, role: 'child', seenAt: '2018-08-02T09:00:00Z' }],
        allocations: [{ team: teamName, officer: staffNumber, at: '2018-08-01T10:00:00Z' }],
      },
      {
        kind: 'supervisory-review',
        ref: 'INV-IMP-1-R1',
        investigation: 'INV-IMP-1',
        reviewedAt: '2018-08-10T09:00:00Z',
        reviewerName: 'DS Import',
        findings: 'Fine',
      },
      {
        kind: 'strategy-discussion',
        ref: 'INV-IMP-1-S1',
        investigation: 'INV-IMP-1',
        heldAt: '2018-08-01T15:00:00Z',
        participants: [
          { agency: 'police', name: 'DS Grey' },
          { agency: 'childrens_social_care', name: 'Sam' },
        ],
        decisions: 'Begin s47',
        beginsSection47: true,
      },
      {
        kind: 'investigation-action',
        ref: 'INV-IMP-1-A1',
        investigation: 'INV-IMP-1',
        actionKind: 'strategy_meeting',
        description: 'Invite health',
        directedByName: 'DS Import',
        directedAt: '2018-08-10T09:00:00Z',
        dueAt: '2018-08-12T17:00:00Z',
      },
      {
        kind: 'child-protection-conference',
        ref: 'INV-IMP-1-C1',
        investigation: 'INV-IMP-1',
        heldAt: '2018-08-20T10:00:00Z',
        policeAttended: true,
      },
      {
        kind: 'police-protection',
        ref: 'INV-IMP-1-P1',
        investigation: 'INV-IMP-1',
        child: childRef,
        startedAt: '2018-08-01T02:00:00Z',
        designatedOfficerName: 'Insp Khan',
      },
    ]
    await expect(run(lines)).rejects.toMatchObject({
      errors: [{ field: 'startedAt', reason: 'must not be before the investigation was opened' }],
    })
    lines[5] = {
      ...(lines[5] as Record<string, unknown>),
      startedAt: '2018-08-01T09:30:00Z',
      endedAt: '2018-08-02T09:00:00Z',
    }
    await run(lines)
    await run(lines)
    const db = f.kestrel.services.db
    const inv = await db
      .selectFrom('investigation')
      .selectAll()
      .where('ref', '=', 'INV-IMP-1')
      .executeTakeFirstOrThrow()
    expect(inv.version).toBe(2)
    // The case takes the BCU its borough was in on the day it opened.
    const camden = await f.kestrel.services.organisation.bcuForBorough(inv.borough_id, inv.opened_at)
    expect(inv.bcu_id).not.toBeNull()
    expect(inv.bcu_id).toBe(camden?.id)
    expect(await db.selectFrom('strategy_participant').select('agency').execute()).toHaveLength(2)
    expect(
      await db
        .selectFrom('investigation_allocation')
        .select('id')
        .where('investigation_id', '=', inv.id)
        .execute(),
    ).toHaveLength(1)
    const sweep = await f.kestrel.services.standards.sweep({ ruleIds: ['INV-02'] })
    expect(sweep.every((r) => r.ok)).toBe(true)
    expect(await f.stateAt('INV-02', inv.id, '2018-08-02T00:00:00Z')).toEqual(['breached'])
  })

  it('judges the investigation again when its records come in a later import than the case', async () => {
    await run([
      {
        kind: 'investigation',
        ref: 'INV-IMP-3',
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'high',
        summary: 'Imported in two parts',
        borough: 'Camden',
        openedAt: '2018-09-01T09:00:00Z',
        people: [{ person: childRef, role: 'child', seenAt: '2018-09-02T09:00:00Z' }],
      },
    ])
    await run([
      {
        kind: 'strategy-discussion',
        ref: 'INV-IMP-3-S1',
        investigation: 'INV-IMP-3',
        heldAt: '2018-09-01T15:00:00Z',
        participants: [{ agency: 'police', name: 'DS Grey' }],
        decisions: 'Begin s47',
      },
    ])
    const { id } = await f.kestrel.services.db
      .selectFrom('investigation')
      .select('id')
      .where('ref', '=', 'INV-IMP-3')
      .executeTakeFirstOrThrow()
    // Stored by the import itself, no sweep: the discussion without health or social care, and its missing plan.
    const stored = await f.kestrel.services.standards.listFindings({ subjectId: id, status: 'open' })
    expect(
      stored
        .map((s) => s.ruleId)
        .filter((r) => r === 'INV-02' || r === 'INV-08')
        .sort(),
    ).toEqual(['INV-02', 'INV-08'])
  })

  it("records each allocation's open caseload: the officer's other cases open and theirs at that instant", async () => {
    const officer = (await f.staff((await f.team({ capacity: 5 })).id, 'Caseload Officer')).staffNumber
    const other = (await f.staff((await f.team({ capacity: 5 })).id, 'Other Officer')).staffNumber
    const teamOf = async (staffNumber: string) =>
      (
        await f.kestrel.services.db
          .selectFrom('staff')
          .innerJoin('team', 'team.id', 'staff.team_id')
          .select('team.name')
          .where('staff.staff_number', '=', staffNumber)
          .executeTakeFirstOrThrow()
      ).name
    const [officerTeam, otherTeam] = [await teamOf(officer), await teamOf(other)]
    const investigation = (
      ref: string,
      openedAt: string,
      allocations: { officer: string; team: string; at: string }[],
      closedAt?: string,
    ) => ({
      kind: 'investigation',
      ref,
      caseType: 'section_47',
      strands: ['child_abuse'],
      riskLevel: 'medium',
      summary: 'Caseload case',
      borough: 'Camden',
      openedAt,
      people: [{ person: childRef, role: 'child' }],
      allocations,
      ...(closedAt ? { closure: { at: closedAt, outcome: '21', rationale: 'Done' } } : {}),
    })
    const day = (d: number) => `2018-09-${String(d).padStart(2, '0')}T10:00:00Z`
    await run([
      // Open and the officer's on the 10th: counts.
      investigation('LOAD-1', day(1), [{ officer, team: officerTeam, at: day(1) }]),
      // The officer's, but closed on the 5th: does not count.
      investigation('LOAD-2', day(1), [{ officer, team: officerTeam, at: day(1) }], day(5)),
      // The officer's until the 3rd, then moved to another officer: does not count.
      investigation('LOAD-3', day(1), [
        { officer, team: officerTeam, at: day(1) },
        { officer: other, team: otherTeam, at: day(3) },
      ]),
      // Another officer's until the 4th, then the officer's: counts.
      investigation('LOAD-4', day(1), [
        { officer: other, team: otherTeam, at: day(1) },
        { officer, team: officerTeam, at: day(4) },
      ]),
    ])
    // In a later batch, as an import's batches come: the case allocated on the 10th.
    await run([investigation('LOAD-5', day(10), [{ officer, team: officerTeam, at: day(10) }])])
    const caseload = await f.kestrel.services.db
      .selectFrom('investigation_allocation')
      .innerJoin('investigation', 'investigation.id', 'investigation_allocation.investigation_id')
      .select(['investigation.ref', 'investigation_allocation.open_cases'])
      .where('investigation.ref', 'in', ['LOAD-4', 'LOAD-5'])
      .orderBy('investigation_allocation.allocated_at')
      .execute()
    expect(caseload.map((r) => [r.ref, r.open_cases])).toEqual([
      ['LOAD-4', 0], // the other officer's on the 1st, while LOAD-4 was theirs alone
      ['LOAD-4', 2], // the officer's on the 4th: LOAD-1 and LOAD-2 (closed later); LOAD-3 moved on the 3rd
      ['LOAD-5', 2], // LOAD-1 and LOAD-4; LOAD-2 closed on the 5th
    ])
  })

  it('refuses a review dated before the investigation, an unknown outcome code and a discussion with no participants', async () => {
    const base = {
      kind: 'investigation',
      ref: 'INV-IMP-2',
      caseType: 'referral_other',
      strands: ['child_abuse'],
      riskLevel: 'medium',
      summary: 'x',
      borough: 'Camden',
      openedAt: '2018-08-01T09:00:00Z',
      people: [{ person: childRef, role: 'child' }],
    }
    await expect(
      run([
        base,
        {
          kind: 'supervisory-review',
          ref: 'INV-IMP-2-R1',
          investigation: 'INV-IMP-2',
          reviewedAt: '2018-07-30T09:00:00Z',
          reviewerName: 'DS',
          findings: 'x',
        },
      ]),
    ).rejects.toMatchObject({ errors: [{ field: 'reviewedAt' }] })
    await expect(
      run([{ ...base, closure: { at: '2018-08-05T09:00:00Z', outcome: '23', rationale: 'x' } }]),
    ).rejects.toMatchObject({
      errors: [{ field: 'closure.outcome' }],
    })
    await expect(
      run([
        base,
        {
          kind: 'strategy-discussion',
          ref: 'INV-IMP-2-S1',
          investigation: 'INV-IMP-2',
          heldAt: '2018-08-02T09:00:00Z',
          participants: [],
          decisions: 'x',
        },
      ]),
    ).rejects.toMatchObject({ errors: [{ field: 'participants' }] })
    expect(
      await f.kestrel.services.db
        .selectFrom('investigation')
        .select('id')
        .where('ref', '=', 'INV-IMP-2')
        .execute(),
    ).toEqual([])
  })

  it('refuses every event dated ahead of the clock, as the pages do, and writes nothing', async () => {
    // 12:00 on 1 December 2018 is the clock; the steady sweep relies on no event being dated ahead.
    const ahead = '2018-12-02T09:00:00Z'
    const base = {
      kind: 'investigation',
      ref: 'INV-IMP-9',
      caseType: 'referral_other',
      strands: ['child_abuse'],
      riskLevel: 'medium',
      summary: 'x',
      borough: 'Camden',
      openedAt: '2018-08-01T09:00:00Z',
      people: [{ person: childRef, role: 'child' }],
    }
    await expect(
      run([
        {
          ...base,
          people: [{ person: childRef, role: 'child', seenAt: ahead }],
          allocations: [{ team: teamName, officer: staffNumber, at: ahead }],
          crimeReference: '01/18',
          crimeRecordedAt: ahead,
          closure: { at: ahead, outcome: '1', rationale: 'x' },
        },
      ]),
    ).rejects.toMatchObject({
      errors: [
        { field: 'allocations.0.at', reason: 'must not be in the future' },
        { field: 'people.0.seenAt', reason: 'must not be in the future' },
        { field: 'crimeRecordedAt', reason: 'must not be in the future' },
        { field: 'closure.at', reason: 'must not be in the future' },
      ],
    })
    const action = {
      kind: 'investigation-action',
      ref: 'INV-IMP-9-A1',
      investigation: 'INV-IMP-9',
      actionKind: 'action',
      description: 'Visit',
      directedAt: '2018-08-02T09:00:00Z',
      doneAt: ahead,
    }
    await expect(run([base, action])).rejects.toMatchObject({ errors: [{ field: 'doneAt' }] })
    const protection = {
      kind: 'police-protection',
      ref: 'INV-IMP-9-P1',
      investigation: 'INV-IMP-9',
      child: childRef,
      startedAt: '2018-08-02T09:00:00Z',
      designatedOfficerName: 'Insp',
      endedAt: ahead,
    }
    await expect(run([base, protection])).rejects.toMatchObject({ errors: [{ field: 'endedAt' }] })
    const written = await f.kestrel.services.db
      .selectFrom('investigation')
      .select('id')
      .where('ref', '=', 'INV-IMP-9')
      .execute()
    expect(written).toEqual([])
  })
})
