import { sql } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { londonMidnightOf } from '../../../standards/sql-time.ts'
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

/** The organisation's reads the audit needs: the force, its structure on a day, teams, staff and training. */
export type OrganisationReads = Pick<
  OrganisationService,
  'force' | 'areasAt' | 'teams' | 'staffList' | 'trainingRecordsSql'
>

/** A team as the audit shows it: with its BCU on the day and where need to know places it. */
export interface TeamInAudit extends AuditedTeam {
  place: TeamPlace
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
 * Gathers the facts of a day ('YYYY-MM-DD') and decides coverage. Staff and their teams are as they are now
 * (the organisation keeps no history of who was in which team); requirements, training and bookings as
 * they stood on the day: a booking counts once it was made, for a course on or after the day.
 */
export async function auditOn(q: Executor, organisation: OrganisationReads, day: string): Promise<Audit> {
  const force = await organisation.force()
  const [areas, teams, staff, requirements, completions, bookings] = await Promise.all([
    organisation.areasAt(force.id, day),
    organisation.teams(force.id, { activeOnly: true }),
    organisation.staffList(force.id, { activeOnly: true }),
    requirementsOf(q),
    completionsBy(q, organisation, day),
    bookingsMadeBy(q, day),
  ])
  const bcuOfBorough = new Map(areas.bcus.flatMap((b) => b.boroughs.map((r) => [r.id, b.id] as const)))
  const firstBorough = new Map(areas.bcus.map((b) => [b.id, b.boroughs[0]?.id ?? null]))
  const audited: TeamInAudit[] = teams.map((t) => {
    const bcuId = t.bcuId ?? (t.boroughId ? (bcuOfBorough.get(t.boroughId) ?? null) : null)
    return {
      id: t.id,
      name: t.name,
      kind: t.kind,
      bcuId,
      place: {
        teamId: t.id,
        placeBoroughId: t.boroughId ?? (bcuId ? (firstBorough.get(bcuId) ?? null) : null),
      },
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
