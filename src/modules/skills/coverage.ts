import type { Course } from '../organisation/organisation.ts'

/*
 * The skills audit's decisions, pure: which courses a person's team kind and role require on a day, and for
 * each, whether they hold it (trained), have it booked (scheduled) or neither (no plan); then the counts by
 * team, BCU and force. No database and no clock: the service gathers the facts, this decides.
 */

/** One row of the training matrix: a team kind (and, where it differs, a role in it) requires a course. */
export interface Requirement {
  id: string
  teamKind: string
  /** '' for every role in the team kind. */
  staffRole: string
  course: Course
  effectiveFrom: string
  /** The last day it applies; null while it still does. */
  effectiveTo: string | null
  source: string
  version: number
}

export interface AuditedPerson {
  id: string
  name: string
  staffNumber: string
  role: string
  startDate: string
  teamId: string
}

export interface AuditedTeam {
  id: string
  name: string
  kind: string
  /** The BCU the team lies in on the day (its own, or its borough's); null for a force-wide team. */
  bcuId: string | null
}

export interface Completion {
  staffId: string
  course: string
  completedOn: string
}

export interface Booking {
  staffId: string
  course: string
  scheduledOn: string
}

export type CourseState = 'trained' | 'scheduled' | 'no_plan'

export const courseStateLabels: Record<CourseState, string> = {
  trained: 'Trained',
  scheduled: 'Scheduled',
  no_plan: 'No plan',
}

export interface CourseCoverage {
  course: Course
  state: CourseState
  /** The first completion on or before the day, when trained. */
  completedOn: string | null
  /** The next booking on or after the day, when scheduled. */
  scheduledOn: string | null
}

export interface PersonCoverage {
  person: AuditedPerson
  team: AuditedTeam
  courses: CourseCoverage[]
  /** Trained when every required course is held; scheduled when every one not held is booked; else no plan. */
  state: CourseState
}

/** Whether a matrix row applies on a day ('YYYY-MM-DD'). */
export const inForce = (r: Requirement, day: string): boolean =>
  r.effectiveFrom <= day && (r.effectiveTo === null || r.effectiveTo >= day)

/** The courses a person in a team of `teamKind` with `role` requires on a day, in the matrix's order, once each. */
export function requiredCourses(
  requirements: readonly Requirement[],
  teamKind: string,
  role: string,
  day: string,
): Course[] {
  const wanted = role.trim().toLowerCase()
  const courses = requirements
    .filter(
      (r) =>
        r.teamKind === teamKind &&
        (r.staffRole === '' || r.staffRole.trim().toLowerCase() === wanted) &&
        inForce(r, day),
    )
    .map((r) => r.course)
  return [...new Set(courses)]
}

/** Adds a value to its key's list. */
function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function keyed<T extends { staffId: string; course: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>()
  for (const row of rows) push(map, `${row.staffId}|${row.course}`, row)
  return map
}

/** Each person who requires any course on the day, with the state of each course and their own. */
export function coverageOf(facts: {
  day: string
  people: readonly AuditedPerson[]
  teams: readonly AuditedTeam[]
  requirements: readonly Requirement[]
  completions: readonly Completion[]
  bookings: readonly Booking[]
}): PersonCoverage[] {
  const { day } = facts
  const teams = new Map(facts.teams.map((t) => [t.id, t]))
  const done = keyed(facts.completions.filter((c) => c.completedOn <= day))
  const booked = keyed(facts.bookings.filter((b) => b.scheduledOn >= day))
  const result: PersonCoverage[] = []
  for (const person of facts.people) {
    const team = teams.get(person.teamId)
    if (!team) continue
    const required = requiredCourses(facts.requirements, team.kind, person.role, day)
    if (!required.length) continue
    const courses = required.map((course): CourseCoverage => {
      const key = `${person.id}|${course}`
      const completedOn = earliest((done.get(key) ?? []).map((c) => c.completedOn))
      const scheduledOn = completedOn ? null : earliest((booked.get(key) ?? []).map((b) => b.scheduledOn))
      return {
        course,
        state: completedOn ? 'trained' : scheduledOn ? 'scheduled' : 'no_plan',
        completedOn,
        scheduledOn,
      }
    })
    result.push({ person, team, courses, state: overall(courses.map((c) => c.state)) })
  }
  return result
}

const earliest = (days: readonly string[]): string | null => [...days].sort()[0] ?? null

function overall(states: readonly CourseState[]): CourseState {
  if (states.every((s) => s === 'trained')) return 'trained'
  if (states.every((s) => s !== 'no_plan')) return 'scheduled'
  return 'no_plan'
}

/** How many of a group need training, and how many of them are trained, scheduled or have no plan. */
export interface Tally {
  people: number
  trained: number
  scheduled: number
  noPlan: number
  /** trained / people; null when nobody in the group needs a course. */
  trainedShare: number | null
}

export function tally(states: readonly CourseState[]): Tally {
  const count = (s: CourseState) => states.filter((x) => x === s).length
  const people = states.length
  const trained = count('trained')
  return {
    people,
    trained,
    scheduled: count('scheduled'),
    noPlan: count('no_plan'),
    trainedShare: people ? trained / people : null,
  }
}

/** The people's tally grouped by a key (a team's id, a BCU's id), in first-seen order. */
export function tallyBy(
  coverage: readonly PersonCoverage[],
  keyOf: (c: PersonCoverage) => string | null,
): Map<string | null, Tally> {
  const groups = new Map<string | null, CourseState[]>()
  for (const c of coverage) push(groups, keyOf(c), c.state)
  return new Map([...groups].map(([key, states]) => [key, tally(states)]))
}

/** Each course's tally over the people who require it: the report's "scheduled for 1,101 ... 40 percent". */
export function tallyByCourse(coverage: readonly PersonCoverage[]): Map<Course, Tally> {
  const groups = new Map<Course, CourseState[]>()
  for (const c of coverage) for (const course of c.courses) push(groups, course.course, course.state)
  return new Map([...groups].map(([course, states]) => [course, tally(states)]))
}
