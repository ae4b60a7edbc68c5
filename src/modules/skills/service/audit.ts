import { sql } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { londonMidnightOf } from '../../../standards/sql-time.ts'
import { areasAt, force } from '../../organisation/service/areas.ts'
import { staffList } from '../../organisation/service/staff.ts'
import { teams as teamsOf } from '../../organisation/service/teams.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import { auditedTeamKind, type TeamPlace } from '../access.ts'
import {
  type AuditedTeam,
  type Booking,
  type Completion,
  coverageOf,
  type PersonCoverage,
  type Requirement,
} from '../coverage.ts'
import { requirementsOf } from './requirements.ts'

/** The organisation's SQL of its training records, from its service. */
export type OrganisationReads = Pick<OrganisationService, 'trainingRecordsSql'>

/** A team as the audit shows it: with its BCU on the day and where need to know places it. */
export interface TeamInAudit extends AuditedTeam {
  place: TeamPlace
  /** The boroughs it serves on the day: its own, or every borough of its BCU; none for a force-wide team. */
  boroughIds: string[]
}

/** The force's skills audit on a day: each BCU, each team and each person who requires a course. */
export interface Audit {
  day: string
  bcus: { id: string; name: string }[]
  teams: TeamInAudit[]
  requirements: Requirement[]
  coverage: PersonCoverage[]
}

/**
 * Gathers the facts of a day ('YYYY-MM-DD') and decides coverage, every read on the executor given (the
 * organisation's own use cases called with it, as its service allows). Staff and their teams are as they
 * are now (the organisation keeps no history of who was in which team); the structure, requirements,
 * training and bookings as they stood on the day: a booking counts once it was made, for a course on or
 * after the day.
 */
export async function auditOn(q: Executor, organisation: OrganisationReads, day: string): Promise<Audit> {
  // A database not yet set up (no force) has nobody to audit.
  if (!(await q.selectFrom('force').select('id').executeTakeFirst()))
    return { day, bcus: [], teams: [], requirements: [], coverage: [] }
  const { id: forceId } = await force(q)
  // One after another: a transaction's queries run on its one connection anyway.
  const areas = await areasAt(q, forceId, day)
  const teams = await teamsOf(q, forceId, { activeOnly: true })
  const staff = await staffList(q, forceId, { activeOnly: true })
  const requirements = await requirementsOf(q)
  const completions = await completionsBy(q, organisation, day)
  const bookings = await bookingsMadeBy(q, day)
  const bcuOfBorough = new Map(areas.bcus.flatMap((b) => b.boroughs.map((r) => [r.id, b.id] as const)))
  const boroughsOfBcu = new Map(areas.bcus.map((b) => [b.id, b.boroughs.map((r) => r.id)]))
  const audited: TeamInAudit[] = teams.map((t) => {
    const bcuId = t.bcuId ?? (t.boroughId ? (bcuOfBorough.get(t.boroughId) ?? null) : null)
    const boroughIds = t.boroughId ? [t.boroughId] : bcuId ? (boroughsOfBcu.get(bcuId) ?? []) : []
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      bcuId,
      boroughIds,
      // Need to know asks one borough: a BCU's team lies in each of its BCU's, so the first stands for all.
      place: { teamId: t.id, placeBoroughId: boroughIds[0] ?? null },
    }
  })
  const coverage = coverageOf({
    day,
    people: staff.flatMap((s) =>
      s.teamId
        ? [
            {
              id: s.id,
              name: s.name,
              staffNumber: s.staffNumber,
              role: s.role,
              startDate: s.startDate,
              teamId: s.teamId,
            },
          ]
        : [],
    ),
    teams: audited,
    requirements,
    completions,
    bookings,
  })
  return {
    day,
    bcus: areas.bcus.map((b) => ({ id: b.id, name: b.name })),
    teams: audited,
    requirements,
    coverage,
  }
}

/** Courses completed by the day, read through the organisation's own SQL for its training records. */
async function completionsBy(
  q: Executor,
  organisation: OrganisationReads,
  day: string,
): Promise<Completion[]> {
  const { rows } = await sql<{ staff_id: string; course: string; completed_on: string }>`
    select t.staff_id, t.course, t.completed_on::text as completed_on
    from ${organisation.trainingRecordsSql()} as t where t.completed_on <= ${day}::date`.execute(q)
  return rows.map((r) => ({ staffId: r.staff_id, course: r.course, completedOn: r.completed_on }))
}

/** Bookings made by the end of the day for a course on or after it. */
async function bookingsMadeBy(q: Executor, day: string): Promise<Booking[]> {
  const { rows } = await sql<{ staff_id: string; course: string; scheduled_on: string }>`
    select b.staff_id, b.course, b.scheduled_on::text as scheduled_on from training_booking b
    where b.scheduled_on >= ${day}::date
      and b.created_at < ${londonMidnightOf(sql`(${day}::date + 1)`)}`.execute(q)
  return rows.map((r) => ({ staffId: r.staff_id, course: r.course, scheduledOn: r.scheduled_on }))
}

/** The teams of an audit the reader may see. */
export const visibleTeams = (audit: Audit, reach: Reach): TeamInAudit[] =>
  audit.teams.filter((t) => auditedTeamKind.canSee(reach, t.place))
