import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Clock } from '../../platform/clock.ts'
import type { HouseholdRole } from '../children/person.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { Course } from '../organisation/organisation.ts'

/** A clock a test can move: the time kernel's. */
export { fixedClock as movableClock } from '../../platform/clock.ts'

export const tester = {
  id: 'tester',
  username: 'tester',
  displayName: 'DS Tester',
  staffId: null as string | null,
}

const d = (v: string | null | undefined) => (v ? new Date(v) : null)

/** The whole application on a fresh database with London, and helpers for teams, staff, children and cases. */
export async function investigationsFixture(clock: Clock) {
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation, children, db } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => {
    const found = boroughs.find((b) => b.name === name)
    if (!found) throw new Error(`no borough ${name}`)
    return found.id
  }
  let counter = 0
  async function team(
    options: { kind?: string; capacity?: number | null; cadence?: number | null; borough?: string } = {},
  ) {
    counter++
    return organisation.createTeam(
      force.id,
      {
        name: `Test team ${counter}`,
        kind: options.kind ?? 'cait',
        boroughId: boroughId(options.borough ?? 'Camden'),
        bcuId: null,
        capacity: options.capacity === undefined ? 3 : options.capacity,
        reviewCadenceDays: options.cadence === undefined ? null : options.cadence,
        active: true,
      },
      'tester',
    )
  }
  async function staff(
    teamId: string,
    name: string,
    options: { courses?: Course[]; active?: boolean; rank?: string } = {},
  ) {
    counter++
    const member = await organisation.createStaff(
      force.id,
      {
        staffNumber: `T${counter}X${Math.floor(Math.random() * 1e6)}`,
        name,
        rank: options.rank ?? 'constable',
        role: 'Investigator',
        teamId,
        startDate: '2010-01-01',
        active: options.active ?? true,
      },
      'tester',
    )
    for (const course of options.courses ?? [])
      await organisation.addTraining(member.id, { course, completedOn: '2015-06-01' }, 'tester')
    return member
  }
  async function child(givenNames = 'Ruby', dateOfBirth = '2008-05-01') {
    counter++
    return children.create(
      {
        familyName: `Testchild${String.fromCharCode(65 + (counter % 26))}${counter}`,
        givenNames,
        dateOfBirth,
        estimatedAgeYears: null,
        gender: 'not known',
        ethnicity: 'NS',
      },
      tester,
      { confirmedNotDuplicate: true },
    )
  }
  async function household(ref: string, members: { id: string; role: HouseholdRole }[]) {
    for (const m of members)
      await children.addMembership(
        m.id,
        { householdRef: ref, role: m.role, fromDate: '2015-01-01', toDate: null },
        tester,
      )
  }
  /** An investigation written straight to the tables, with exactly the times a rule test needs. */
  async function insertInvestigation(values: {
    opened: string
    caseType?: string
    risk?: string
    teamId?: string | null
    staffId?: string | null
    allocatedAt?: string | null
    openCases?: number
    teamCapacity?: number | null
    closedAt?: string | null
    outcome?: string | null
    welfareVisitAt?: string | null
    people?: {
      personId: string
      role?: string
      isChild?: boolean
      seenAt?: string
      spokenTo?: boolean
      reason?: string
      recordedAt?: string
    }[]
  }): Promise<string> {
    const inv = await db
      .insertInto('investigation')
      .values({
        case_type: values.caseType ?? 'section_47',
        strands: ['child_abuse'],
        risk_level: values.risk ?? 'medium',
        summary: 'Test case',
        borough_id: boroughId('Camden'),
        opened_at: new Date(values.opened),
        status: values.closedAt ? 'closed' : 'open',
        team_id: values.teamId ?? null,
        officer_staff_id: values.staffId ?? null,
        allocated_at: d(values.allocatedAt),
        outcome: values.outcome ?? null,
        closed_at: d(values.closedAt),
        closure_rationale: values.closedAt ? 'Test closure' : null,
        welfare_visit_at: d(values.welfareVisitAt),
        created_by: 'tester',
        created_at: new Date(values.opened),
        updated_at: new Date(values.opened),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (values.allocatedAt && values.staffId && values.teamId) {
      await db
        .insertInto('investigation_allocation')
        .values({
          investigation_id: inv.id,
          team_id: values.teamId,
          staff_id: values.staffId,
          allocated_at: new Date(values.allocatedAt),
          allocated_by_name: 'DS Tester',
          open_cases: values.openCases ?? 0,
          team_capacity: values.teamCapacity === undefined ? 3 : values.teamCapacity,
        })
        .execute()
    }
    for (const p of values.people ?? []) {
      const recorded = p.recordedAt ?? p.seenAt ?? (p.reason ? values.opened : undefined)
      await db
        .insertInto('investigation_person')
        .values({
          investigation_id: inv.id,
          person_id: p.personId,
          role: p.role ?? 'child',
          is_child: p.isChild ?? true,
          seen_at: d(p.seenAt),
          spoken_to: p.seenAt ? (p.spokenTo ?? true) : null,
          not_seen_reason: p.reason ?? null,
          seen_recorded_at: d(recorded),
        })
        .execute()
    }
    return inv.id
  }
  async function discussion(
    investigationId: string,
    heldAt: string,
    agencies: string[],
    options: { plan?: string | null; s47?: boolean } = {},
  ) {
    const s = await db
      .insertInto('strategy_discussion')
      .values({
        investigation_id: investigationId,
        held_at: new Date(heldAt),
        decisions: 'Decided',
        joint_safety_plan: options.plan === undefined ? 'Plan' : options.plan,
        begins_section_47: options.s47 ?? false,
        recorded_by_name: 'DS Tester',
        created_at: new Date(heldAt),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const agency of agencies)
      await db
        .insertInto('strategy_participant')
        .values({ strategy_discussion_id: s.id, agency, name: `${agency} person` })
        .execute()
    return s.id
  }
  async function review(investigationId: string, at: string) {
    await db
      .insertInto('supervisory_review')
      .values({
        investigation_id: investigationId,
        reviewed_at: new Date(at),
        reviewer_name: 'DS Tester',
        findings: 'Reviewed',
        created_at: new Date(at),
      })
      .execute()
  }
  async function action(
    investigationId: string,
    values: {
      directedAt: string
      dueAt: string | null
      doneAt?: string | null
      ownerId?: string | null
      directed?: boolean
    },
  ) {
    await db
      .insertInto('investigation_action')
      .values({
        investigation_id: investigationId,
        kind: 'action',
        description: 'Speak to the school',
        owner_staff_id: values.ownerId ?? null,
        due_at: d(values.dueAt),
        directed_by_name: values.directed === false ? null : 'DS Tester',
        directed_at: new Date(values.directedAt),
        done_at: d(values.doneAt),
        created_at: new Date(values.directedAt),
      })
      .execute()
  }
  async function conference(investigationId: string, at: string, policeAttended = true) {
    await db
      .insertInto('child_protection_conference')
      .values({
        investigation_id: investigationId,
        held_at: new Date(at),
        police_attended: policeAttended,
        created_at: new Date(at),
      })
      .execute()
  }
  async function protection(
    investigationId: string,
    personId: string,
    values: { started: string; ended?: string | null; designatedAt?: string | null },
  ) {
    await db
      .insertInto('police_protection')
      .values({
        investigation_id: investigationId,
        person_id: personId,
        started_at: new Date(values.started),
        ended_at: d(values.ended),
        designated_officer_name: values.designatedAt ? 'Insp Designated' : null,
        designated_at: d(values.designatedAt),
        created_at: new Date(values.started),
      })
      .execute()
  }
  /** The rule's findings for one investigation at an instant, computed from the data; a failing rule throws. */
  async function findingsAt(ruleId: string, investigationId: string, asOf: string) {
    const { findings, results } = await kestrel.services.standards.findingsAt(new Date(asOf), {
      ruleId,
      subjectId: investigationId,
    })
    const failed = results.filter((r) => !r.ok)
    if (failed.length) throw new Error(failed.map((r) => `${r.ruleId}: ${r.error}`).join('; '))
    return findings
  }
  async function stateAt(ruleId: string, investigationId: string, asOf: string) {
    return (await findingsAt(ruleId, investigationId, asOf)).map((f) => f.status)
  }
  return {
    kestrel,
    force,
    boroughId,
    team,
    staff,
    child,
    household,
    insertInvestigation,
    discussion,
    review,
    action,
    conference,
    protection,
    findingsAt,
    stateAt,
  }
}

export type InvestigationsFixture = Awaited<ReturnType<typeof investigationsFixture>>
