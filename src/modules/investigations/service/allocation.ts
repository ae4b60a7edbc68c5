import { sql } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { londonDate } from '../../../platform/time.ts'
import { parameterValuesAt } from '../../../standards/parameters.ts'
import {
  type CaseType,
  type CourseRequirements,
  defaultCourseRequirements,
  type OfficerFit,
  officerFit,
  rankOfficers,
} from '../investigation.ts'
import { fail, type InvestigationActor, type InvestigationDeps, noId } from './dependencies.ts'
import { changeInvestigation, mustGet } from './records.ts'

/** The courses each case type asks of its officer, as INV-06 is configured at an instant. */
async function requiredCourses(q: Executor, at: Date): Promise<CourseRequirements> {
  const values = await parameterValuesAt(q, at, ['INV-06'])
  const own = values.find((v) => v.name === 'requiredCourses' && v.boroughId === null)
  return (own?.value as CourseRequirements | undefined) ?? defaultCourseRequirements
}

/** Open cases held by each officer at an instant (their current allocation then). */
export async function openCaseloads(q: Executor, staffIds: readonly string[], at: Date, exceptId?: string) {
  if (staffIds.length === 0) return new Map<string, number>()
  const { rows } = await sql<{ staff_id: string; n: number }>`
      select ca.staff_id, count(*)::int as n from investigation i
      cross join lateral (select a.staff_id from investigation_allocation a
        where a.investigation_id = i.id and a.allocated_at <= ${at}
        order by a.allocated_at desc, a.id desc limit 1) ca
      where ca.staff_id = any(${[...staffIds]}::uuid[]) and i.opened_at <= ${at}
        and (i.closed_at is null or i.closed_at > ${at}) and i.id <> ${exceptId ?? noId}::uuid
      group by 1`.execute(q)
  return new Map(rows.map((r) => [r.staff_id, r.n]))
}

/**
 * The team's officers for allocating a case: each with their open caseload and whether their training
 * fits the case type, those that fit first.
 */
export async function allocationOptions(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  teamId: string,
  reach: Reach,
): Promise<OfficerFit[]> {
  const organisation = deps.organisationOn(q)
  const found = await mustGet(q, id, reach)
  const now = deps.clock.now()
  const team = await organisation.team(teamId)
  if (!team) throw new NotFoundError('There is no such team')
  const officers = await organisation.staffWithTraining(teamId)
  const loads = await openCaseloads(
    q,
    officers.map((o) => o.id),
    now,
    found.id,
  )
  const required = (await requiredCourses(q, now))[found.case_type as CaseType] ?? []
  return rankOfficers(
    officers.map((o) =>
      officerFit(
        { staffId: o.id, name: o.name, courses: o.training },
        required,
        loads.get(o.id) ?? 0,
        team.capacity,
        londonDate(now),
      ),
    ),
  )
}

/**
 * Allocates the case to an officer of a team. An officer who is not active or not in the team is refused;
 * one whose training or caseload does not fit needs a reason, which is kept with the allocation.
 */
export async function allocate(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  choice: { teamId: string; staffId: string; reason?: string | null; at?: Date },
  actor: InvestigationActor,
  reach: Reach,
) {
  const organisation = deps.organisationOn(q)
  const now = deps.clock.now()
  const at = choice.at ?? now
  const team = isUuid(choice.teamId) ? await organisation.team(choice.teamId) : undefined
  if (!team) fail([{ field: 'teamId', reason: 'Select a team from the list' }])
  const member = await organisation.staffMember(choice.staffId)
  if (!member) fail([{ field: 'staffId', reason: 'Select an officer from the list' }])
  else if (!member.active)
    fail([{ field: 'staffId', reason: `${member.name} is no longer active: select an active officer` }])
  else if (member.teamId !== choice.teamId)
    fail([
      {
        field: 'staffId',
        reason: `${member.name} is not in ${team?.name}: select an officer of the team`,
      },
    ])
  const found = await mustGet(q, id, reach)
  if (found.status === 'closed') fail([{ field: 'staffId', reason: 'This investigation is closed' }])
  if (at < found.opened_at)
    fail([{ field: 'allocatedAt', reason: 'The allocation must not be before the opening' }])
  if (at > now) fail([{ field: 'allocatedAt', reason: 'The allocation must not be in the future' }])
  const options = await allocationOptions(q, deps, id, choice.teamId, reach)
  const fit = options.find((o) => o.staffId === choice.staffId) as OfficerFit
  const reason = choice.reason?.trim() || null
  if (!fit.fits && !reason) {
    const why = [
      fit.trainingFits ? null : `lacks ${fit.missingCourses.map((c) => c.replace(/_/g, ' ')).join(', ')}`,
      fit.hasCapacity ? null : `already has ${fit.openCases} open cases (capacity ${fit.capacity})`,
    ]
      .filter(Boolean)
      .join(' and ')
    fail([{ field: 'reason', reason: `${fit.name} ${why}: give the reason for choosing them` }])
  }
  return changeInvestigation(
    q,
    deps,
    id,
    version,
    actor,
    'allocate',
    async (trx) => {
      await trx
        .insertInto('investigation_allocation')
        .values({
          investigation_id: id,
          team_id: choice.teamId,
          staff_id: choice.staffId,
          allocated_at: at,
          allocated_by_staff_id: actor.staffId,
          allocated_by_name: actor.displayName,
          missing_courses: fit.missingCourses,
          open_cases: fit.openCases,
          team_capacity: team?.capacity ?? null,
          reason,
        })
        .execute()
      return {
        patch: { team_id: choice.teamId, officer_staff_id: choice.staffId, allocated_at: at },
        result: fit,
      }
    },
    reach,
  )
}
