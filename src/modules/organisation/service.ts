import type { Role } from '../../platform/access/roles.ts'
import type { Clock } from '../../platform/clock.ts'
import type { ChangeNotices } from '../../platform/db/change-notices.ts'
import type { Executor } from '../../platform/db/database.ts'
import { londonDate } from '../../platform/time.ts'
import type { Course, StaffInput, TeamInput, TrainingInput } from './organisation.ts'
import {
  areasAt,
  bcuForBorough,
  bcuGoLives,
  bcuIdsForBoroughs,
  bcus,
  borough,
  boroughIdsOfBcu,
  boroughs,
  force,
  membershipsOf,
} from './service/areas.ts'
import type { OrganisationChanged } from './service/records.ts'
import { reorganise } from './service/reorganise.ts'
import { resolveArea } from './service/resolve-area.ts'
import { createStaff, staffList, staffMember, staffMembers, updateStaff } from './service/staff.ts'
import { staffPanels } from './service/staff-panels.ts'
import { createTeam, team, teams, teamsSql, updateTeam } from './service/teams.ts'
import {
  addTraining,
  hasCourse,
  staffWithTraining,
  trainingFor,
  trainingRecordsSql,
  updateTraining,
} from './service/training.ts'

export {
  type AreasAt,
  type Bcu,
  type Borough,
  calendarDay,
  type Force,
  type StaffMember,
  type Team,
  type TrainingRecord,
} from './service/records.ts'

/**
 * Force, BCUs, boroughs and their memberships over time; teams, staff and their training. Each use case
 * (in `service/`) bound to an executor: the database, or a caller's transaction for a module that reads
 * the organisation inside its own write (a caller may instead call the use cases with its transaction).
 */
export function organisationService(db: Executor, clock: Clock, changes?: ChangeNotices) {
  const today = () => londonDate(clock.now())
  const panels = staffPanels()
  // Only the application's own instance is told of changes; one bound to a module's transaction is silent.
  const changed: OrganisationChanged = async (trx, table, ids) => {
    await changes?.notify(trx, table, ids)
  }

  return {
    teamsSql,
    trainingRecordsSql,

    /** The force this installation serves (one database per force; see DESIGN.md "National"). */
    force: () => force(db),
    bcus: (forceId: string) => bcus(db, forceId),
    boroughs: (forceId: string) => boroughs(db, forceId),
    borough: (id: string) => borough(db, id),
    /** Every membership a borough has had, oldest first, with the BCU's name. */
    membershipsOf: (boroughId: string) => membershipsOf(db, boroughId),
    /** The BCU a borough was in at an instant (its London calendar day), or null while it was its own command. */
    bcuForBorough: (boroughId: string, at: Date | string) => bcuForBorough(db, boroughId, at),
    /** The BCU of each borough on each day, in one query; keyed `${boroughId}|${day}`. */
    bcuIdsForBoroughs: (asked: readonly { boroughId: string; day: string }[]) => bcuIdsForBoroughs(db, asked),
    /** The structure on a day: each BCU with its boroughs, and the boroughs still commanded on their own. */
    areasAt: (forceId: string, at: Date | string) => areasAt(db, forceId, at),
    boroughIdsOfBcu: (bcuId: string, at: Date | string) => boroughIdsOfBcu(db, bcuId, at),
    /** Each BCU's first day with a borough in it: the day it went live. */
    bcuGoLives: (forceId: string) => bcuGoLives(db, forceId),
    /** Moves a borough into a BCU from a day: its latest membership ends the day before. */
    reorganise: (move: { boroughId: string; toBcuId: string; effectiveFrom: string }, changedBy: string) =>
      reorganise(db, clock, move, changedBy, changed),

    // ---- teams ----
    teams: (forceId: string, filter: { activeOnly?: boolean } = {}) => teams(db, forceId, filter),
    team: (id: string) => team(db, id),
    createTeam: (forceId: string, input: TeamInput, changedBy: string) =>
      createTeam(db, clock, forceId, input, changedBy),
    /** Changes a team if nobody else has since `version`; a stale version is a ConflictError. */
    updateTeam: (id: string, version: number, input: TeamInput, changedBy: string) =>
      updateTeam(db, clock, id, version, input, changedBy, changed),

    // ---- staff ----
    staffList: (forceId: string, filter: { teamId?: string | null; activeOnly?: boolean } = {}) =>
      staffList(db, forceId, filter),
    /** Staff members by id, in one query: for writing many records at once (an import batch). */
    staffMembers: (ids: readonly string[]) => staffMembers(db, ids),
    staffMember: (id: string) => staffMember(db, id),
    /** Panels later modules add to a member of staff's page (the skills audit's gaps), within the reader's reach. */
    staffPanels: panels.for,
    registerStaffPanel: panels.register,
    createStaff: (forceId: string, input: StaffInput, changedBy: string) =>
      createStaff(db, clock, forceId, input, changedBy, changed),
    updateStaff: (id: string, version: number, input: StaffInput, changedBy: string) =>
      updateStaff(db, clock, id, version, input, changedBy, changed),

    // ---- training ----
    trainingFor: (staffId: string) => trainingFor(db, staffId),
    addTraining: (staffId: string, input: TrainingInput, changedBy: string) =>
      addTraining(db, clock, staffId, input, changedBy, changed),
    updateTraining: (id: string, version: number, input: TrainingInput, changedBy: string) =>
      updateTraining(db, clock, id, version, input, changedBy, changed),
    /** A team's active staff, each with the courses they have completed (for allocation by skills). */
    staffWithTraining: (teamId: string) => staffWithTraining(db, teamId),
    /** Whether a person had completed a course by a day (today if not given). */
    hasCourse: (staffId: string, course: Course, at?: Date | string) =>
      hasCourse(db, staffId, course, at ?? today()),

    /** Where a user's work lies: force-wide roles see the force; everyone else their team's BCU today. */
    resolveArea: (staffId: string | null, roles: readonly Role[]) => resolveArea(db, today(), staffId, roles),
  }
}

export type OrganisationService = ReturnType<typeof organisationService>
