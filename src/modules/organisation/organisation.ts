import type { FieldError } from '../../platform/http/errors.ts'
import { addDays, isIsoDate } from '../../platform/time.ts'

/** The pure decisions and vocabularies of the organisation module: no database, no clock. */

export const teamKinds = [
  'mash',
  'cait',
  'sapphire',
  'missing_persons_unit',
  'custody_suite',
  'jigsaw',
  'online_csae',
  'dit',
  'response_neighbourhood',
  'neighbourhood',
  'command',
] as const
export type TeamKind = (typeof teamKinds)[number]

export const teamKindLabels: Record<TeamKind, string> = {
  mash: 'MASH',
  cait: 'Child abuse investigation team (CAIT)',
  sapphire: 'Sapphire (sexual offences)',
  missing_persons_unit: 'Missing persons unit',
  custody_suite: 'Custody suite',
  jigsaw: 'Jigsaw (offender management)',
  online_csae: 'Online child sexual abuse and exploitation',
  dit: 'Dedicated inspection team (DIT)',
  response_neighbourhood: 'Response and neighbourhood',
  neighbourhood: 'Safer neighbourhood team',
  command: 'Command',
}

export const ranks = [
  'constable',
  'sergeant',
  'inspector',
  'chief_inspector',
  'superintendent',
  'chief_superintendent',
  'commander',
  'police_staff',
] as const
export type Rank = (typeof ranks)[number]

export const rankLabels: Record<Rank, string> = {
  constable: 'Constable',
  sergeant: 'Sergeant',
  inspector: 'Inspector',
  chief_inspector: 'Chief inspector',
  superintendent: 'Superintendent',
  chief_superintendent: 'Chief superintendent',
  commander: 'Commander',
  police_staff: 'Police staff',
}

/** The courses the inspection report names. */
export const courses = [
  'specialist_child_abuse_investigators_development_programme',
  'abe_interviewing',
  'missing_persons_5_day',
  'safeguarding_1_week',
  'iioc_investigation',
] as const
export type Course = (typeof courses)[number]

export const courseLabels: Record<Course, string> = {
  specialist_child_abuse_investigators_development_programme:
    "Specialist child abuse investigators' development programme",
  abe_interviewing: 'ABE interviewing',
  missing_persons_5_day: 'Missing persons 5-day course',
  safeguarding_1_week: 'Safeguarding 1-week course',
  iioc_investigation: 'IIOC investigation',
}

export const isTeamKind = (value: string): value is TeamKind =>
  (teamKinds as readonly string[]).includes(value)
export const isRank = (value: string): value is Rank => (ranks as readonly string[]).includes(value)
export const isCourse = (value: string): value is Course => (courses as readonly string[]).includes(value)

// ---- effective-dated membership of a borough in a BCU ----

export interface MembershipPeriod {
  id: string
  bcuId: string
  effectiveFrom: string
  /** Last day in the BCU, inclusive; null while current. */
  effectiveTo: string | null
}

export function periodCovers(period: Pick<MembershipPeriod, 'effectiveFrom' | 'effectiveTo'>, day: string) {
  return period.effectiveFrom <= day && (period.effectiveTo === null || period.effectiveTo >= day)
}

/** The BCU a borough was in on a day, or null while it was its own borough command. */
export function bcuOn(periods: readonly MembershipPeriod[], day: string): string | null {
  return periods.find((p) => periodCovers(p, day))?.bcuId ?? null
}

export type ReorganisationPlan = {
  /** The membership to end the day before the move, if the borough is in a BCU. */
  close: { id: string; effectiveTo: string } | null
  open: { bcuId: string; effectiveFrom: string }
}

/**
 * Moving a borough to another BCU from a day: the latest membership ends the day before and a new one
 * starts. History is never rewritten: the day must come after the start of every existing period, so a
 * move cannot be backdated over a period already recorded.
 */
export function planReorganisation(
  periods: readonly MembershipPeriod[],
  move: { toBcuId: string; effectiveFrom: string },
): { plan: ReorganisationPlan } | { errors: FieldError[] } {
  const open = { bcuId: move.toBcuId, effectiveFrom: move.effectiveFrom }
  const latest = [...periods].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)).at(-1)
  if (!latest) return { plan: { close: null, open } }
  if (move.effectiveFrom <= latest.effectiveFrom) {
    return {
      errors: [
        {
          field: 'effectiveFrom',
          reason: `The date of the move must be after ${latest.effectiveFrom}, when the borough's current arrangement started`,
        },
      ],
    }
  }
  if (latest.effectiveTo !== null) {
    // The borough left its last BCU; the new membership must not start inside that period.
    if (move.effectiveFrom <= latest.effectiveTo) {
      return {
        errors: [
          { field: 'effectiveFrom', reason: `The date of the move must be after ${latest.effectiveTo}` },
        ],
      }
    }
    return { plan: { close: null, open } }
  }
  if (latest.bcuId === move.toBcuId) {
    return { errors: [{ field: 'toBcuId', reason: 'The borough is already in that BCU' }] }
  }
  return { plan: { close: { id: latest.id, effectiveTo: addDays(move.effectiveFrom, -1) }, open } }
}

// ---- validation of teams, staff and training ----

export interface TeamInput {
  name: string
  kind: string
  boroughId: string | null
  bcuId: string | null
  capacity: number | null
  reviewCadenceDays: number | null
  active: boolean
}

export function validateTeam(input: TeamInput): FieldError[] {
  const errors: FieldError[] = []
  const name = input.name.trim()
  if (!name) errors.push({ field: 'name', reason: 'Enter the team name' })
  else if (name.length > 200)
    errors.push({ field: 'name', reason: 'Team name must be 200 characters or fewer' })
  if (!isTeamKind(input.kind)) errors.push({ field: 'kind', reason: 'Select the kind of team' })
  if (input.boroughId && input.bcuId)
    errors.push({ field: 'boroughId', reason: 'Select a borough or a BCU, not both' })
  if (
    input.capacity !== null &&
    (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 1000)
  )
    errors.push({ field: 'capacity', reason: 'Capacity must be a whole number from 1 to 1000' })
  if (
    input.reviewCadenceDays !== null &&
    (!Number.isInteger(input.reviewCadenceDays) ||
      input.reviewCadenceDays < 1 ||
      input.reviewCadenceDays > 365)
  )
    errors.push({
      field: 'reviewCadenceDays',
      reason: 'Review cadence must be a whole number of days from 1 to 365',
    })
  return errors
}

export interface StaffInput {
  staffNumber: string
  name: string
  rank: string
  role: string
  teamId: string | null
  startDate: string
  active: boolean
}

export function validateStaff(input: StaffInput, today: string): FieldError[] {
  const errors: FieldError[] = []
  const staffNumber = input.staffNumber.trim()
  if (!staffNumber) errors.push({ field: 'staffNumber', reason: 'Enter the staff number' })
  else if (!/^[A-Za-z0-9]{1,20}$/.test(staffNumber))
    errors.push({ field: 'staffNumber', reason: 'Staff number must be up to 20 letters and numbers only' })
  const name = input.name.trim()
  if (!name) errors.push({ field: 'name', reason: 'Enter the name' })
  else if (name.length > 200) errors.push({ field: 'name', reason: 'Name must be 200 characters or fewer' })
  if (!isRank(input.rank)) errors.push({ field: 'rank', reason: 'Select the rank' })
  if (input.role.trim().length > 200)
    errors.push({ field: 'role', reason: 'Role must be 200 characters or fewer' })
  if (!isIsoDate(input.startDate)) errors.push({ field: 'startDate', reason: 'Enter a real start date' })
  else if (input.startDate > addDays(today, 366))
    errors.push({ field: 'startDate', reason: 'Start date must be within a year from today' })
  return errors
}

export interface TrainingInput {
  course: string
  completedOn: string
}

export function validateTraining(input: TrainingInput, today: string): FieldError[] {
  const errors: FieldError[] = []
  if (!isCourse(input.course)) errors.push({ field: 'course', reason: 'Select the course' })
  if (!isIsoDate(input.completedOn))
    errors.push({ field: 'completedOn', reason: 'Enter a real completion date' })
  else if (input.completedOn > today)
    errors.push({ field: 'completedOn', reason: 'Completion date must be today or in the past' })
  return errors
}

/** The fields that differ between two versions of a record, as {field: [old, new]} for the change history. */
export function changedFields<T extends object>(
  before: T,
  after: Partial<T>,
): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {}
  for (const [key, value] of Object.entries(after)) {
    const old = (before as Record<string, unknown>)[key]
    if (value !== undefined && old !== value) changes[key] = [old ?? null, value ?? null]
  }
  return changes
}
