import type { Executor } from '../../../platform/db/database.ts'
import { type FieldChanges, type HistoryRow, recordMany } from '../../../platform/db/history.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'

export interface Force {
  id: string
  code: string
  name: string
}
export interface Bcu {
  id: string
  code: string
  name: string
}
export interface Borough {
  id: string
  name: string
}
export interface Team {
  id: string
  forceId: string
  name: string
  kind: string
  boroughId: string | null
  bcuId: string | null
  capacity: number | null
  reviewCadenceDays: number | null
  active: boolean
  version: number
}
export interface StaffMember {
  id: string
  forceId: string
  staffNumber: string
  name: string
  rank: string
  role: string
  teamId: string | null
  startDate: string
  active: boolean
  version: number
}
export interface TrainingRecord {
  id: string
  staffId: string
  course: string
  completedOn: string
  version: number
}

export interface AreasAt {
  date: string
  bcus: (Bcu & { boroughs: Borough[] })[]
  /** Boroughs that were their own borough command (in no BCU) on the day. */
  boroughCommands: Borough[]
}

/** The history of a record: one row per version, what changed from what to what. */
export async function recordChange(q: Executor, entry: HistoryRow & { changes: FieldChanges }) {
  // Keyed by column name, as insertRecord and updateRecord record them.
  const changes = Object.fromEntries(
    Object.entries(entry.changes).map(([field, values]) => [
      field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      values,
    ]),
  )
  await recordMany(q, [{ ...entry, changes }])
}

export function created(record: object): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {}
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'id' && key !== 'version') changes[key] = [null, value ?? null]
  }
  return changes
}

export const teamColumns = [
  'id',
  'force_id',
  'name',
  'kind',
  'borough_id',
  'bcu_id',
  'capacity',
  'review_cadence_days',
  'active',
  'version',
] as const
export type TeamRow = {
  id: string
  force_id: string
  name: string
  kind: string
  borough_id: string | null
  bcu_id: string | null
  capacity: number | null
  review_cadence_days: number | null
  active: boolean
  version: number
}
export const toTeam = (r: TeamRow): Team => ({
  id: r.id,
  forceId: r.force_id,
  name: r.name,
  kind: r.kind,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  capacity: r.capacity,
  reviewCadenceDays: r.review_cadence_days,
  active: r.active,
  version: r.version,
})

export const staffColumns = [
  'id',
  'force_id',
  'staff_number',
  'name',
  'rank',
  'role',
  'team_id',
  'start_date',
  'active',
  'version',
] as const
export interface StaffRow {
  id: string
  force_id: string
  staff_number: string
  name: string
  rank: string
  role: string
  team_id: string | null
  start_date: string
  active: boolean
  version: number
}
export const toStaff = (r: StaffRow): StaffMember => ({
  id: r.id,
  forceId: r.force_id,
  staffNumber: r.staff_number,
  name: r.name,
  rank: r.rank,
  role: r.role,
  teamId: r.team_id,
  startDate: calendarDay(r.start_date),
  active: r.active,
  version: r.version,
})

export const toTraining = (r: {
  id: string
  staff_id: string
  course: string
  completed_on: string
  version: number
}): TrainingRecord => ({
  id: r.id,
  staffId: r.staff_id,
  course: r.course,
  completedOn: calendarDay(r.completed_on),
  version: r.version,
})

/**
 * A `date` column as 'YYYY-MM-DD'. PostgreSQL (pg) gives the string; the embedded database currently gives
 * a Date at UTC midnight, so both are read the same way here.
 */
export function calendarDay(value: string | Date): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value
}

export function fail(errors: FieldError[]): never {
  throw new ValidationError(errors)
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505'
}

/**
 * Tells the modules that read the organisation's records (a rule reading a team's review cadence, or a member
 * of staff's team, start and training) which of them a page changed, in the write's transaction: by table,
 * `staff` for a member of staff or their training, `borough` for a borough moved to another BCU.
 */
export type OrganisationChanged = (
  trx: Executor,
  table: 'team' | 'staff' | 'borough',
  ids: readonly string[],
) => Promise<void>
