import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { ChangeAuthor, HistoryService } from '../../../platform/db/history.ts'
import { NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import type { Course } from '../../organisation/organisation.ts'
import type { Requirement } from '../coverage.ts'
import { type RequirementInput, validateEnd, validateRequirement } from '../inputs.ts'

type RequirementRow = {
  id: string
  team_kind: string
  staff_role: string
  course: string
  effective_from: string
  effective_to: string | null
  source: string
  version: number
}

const toRequirement = (r: RequirementRow): Requirement => ({
  id: r.id,
  teamKind: r.team_kind,
  staffRole: r.staff_role,
  course: r.course as Course,
  effectiveFrom: r.effective_from,
  effectiveTo: r.effective_to,
  source: r.source,
  version: r.version,
})

/** Every row of the training matrix, past and present, by team kind, course and start. */
export async function requirementsOf(q: Executor): Promise<Requirement[]> {
  const { rows } = await sql<RequirementRow>`
    select id, team_kind, staff_role, course, effective_from::text as effective_from,
      effective_to::text as effective_to, source, version
    from required_course order by team_kind, course, staff_role, effective_from`.execute(q)
  return rows.map(toRequirement)
}

export async function requirement(q: Executor, id: string): Promise<Requirement | undefined> {
  return isUuid(id) ? (await requirementsOf(q)).find((r) => r.id === id) : undefined
}

/**
 * Adds a row to the matrix, its history kept. The same course for the same team kind and role may not
 * apply twice on one day: the earlier row must be ended first.
 */
export async function addRequirement(
  q: Executor,
  history: HistoryService,
  input: RequirementInput,
  author: ChangeAuthor,
): Promise<Requirement> {
  const errors = validateRequirement(input)
  if (errors.length) throw new ValidationError(errors)
  const role = input.staffRole.trim()
  const overlapping = (await requirementsOf(q)).find(
    (r) =>
      r.teamKind === input.teamKind &&
      r.course === input.course &&
      r.staffRole.toLowerCase() === role.toLowerCase() &&
      (r.effectiveTo === null || r.effectiveTo >= input.effectiveFrom),
  )
  if (overlapping)
    throw new ValidationError([
      {
        field: 'course',
        reason: `This team kind already requires this course from ${overlapping.effectiveFrom}: end that first`,
      },
    ])
  const row = await history.insertRecord(
    q,
    'required_course',
    {
      team_kind: input.teamKind,
      staff_role: role,
      course: input.course,
      effective_from: input.effectiveFrom,
      source: input.source.trim(),
    },
    author,
  )
  return (await requirement(q, row.id)) as Requirement
}

/** Ends a row of the matrix on its last day, if nobody has changed it since `version`. */
export async function endRequirement(
  q: Executor,
  history: HistoryService,
  id: string,
  version: number,
  effectiveTo: string,
  author: ChangeAuthor,
): Promise<void> {
  const found = await requirement(q, id)
  if (!found) throw new NotFoundError('There is no such training requirement')
  const errors = validateEnd(found.effectiveFrom, effectiveTo)
  if (errors.length) throw new ValidationError(errors)
  await history.updateRecord(q, 'required_course', id, version, { effective_to: effectiveTo }, author)
}
