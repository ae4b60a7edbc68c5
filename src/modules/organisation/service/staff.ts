import type { Clock } from '../../../platform/clock.ts'
import { type Executor, inTransaction } from '../../../platform/db/database.ts'
import { ConflictError, type FieldError, NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { londonDate } from '../../../platform/time.ts'
import { changedFields, type StaffInput, validateStaff } from '../organisation.ts'
import {
  created,
  fail,
  isUniqueViolation,
  type OrganisationChanged,
  recordChange,
  type StaffMember,
  staffColumns,
  toStaff,
} from './records.ts'

const staffNumberTaken = 'Another member of staff already has this staff number'

/** The force's staff, by name, each with their team's name. */
export async function staffList(
  q: Executor,
  forceId: string,
  filter: { teamId?: string | null; activeOnly?: boolean } = {},
) {
  let query = q
    .selectFrom('staff')
    .leftJoin('team', 'team.id', 'staff.team_id')
    .select(staffColumns.map((c) => `staff.${c}` as const))
    .select('team.name as team_name')
    .where('staff.force_id', '=', forceId)
  if (filter.teamId) query = query.where('staff.team_id', '=', isUuid(filter.teamId) ? filter.teamId : null)
  if (filter.activeOnly) query = query.where('staff.active', '=', true)
  const rows = await query.orderBy('staff.name').orderBy('staff.staff_number').execute()
  return rows.map((r) => ({ ...toStaff(r), teamName: r.team_name }))
}

/** Staff members by id, in one query: for writing many records at once (an import batch). */
export async function staffMembers(
  q: Executor,
  ids: readonly string[],
): Promise<Map<string, StaffMember & { teamName: string | null }>> {
  const wanted = [...new Set(ids.filter(isUuid))]
  if (wanted.length === 0) return new Map()
  const rows = await q
    .selectFrom('staff')
    .leftJoin('team', 'team.id', 'staff.team_id')
    .select(staffColumns.map((c) => `staff.${c}` as const))
    .select('team.name as team_name')
    .where('staff.id', 'in', wanted)
    .execute()
  return new Map(rows.map((r) => [r.id, { ...toStaff(r), teamName: r.team_name }]))
}

export async function staffMember(q: Executor, id: string) {
  if (!isUuid(id)) return undefined
  return (await staffMembers(q, [id])).get(id)
}

async function checkStaffReferences(q: Executor, forceId: string, input: StaffInput, selfId?: string) {
  const errors: FieldError[] = []
  if (input.teamId) {
    const found = isUuid(input.teamId)
      ? await q
          .selectFrom('team')
          .select('id')
          .where('id', '=', input.teamId)
          .where('force_id', '=', forceId)
          .executeTakeFirst()
      : undefined
    if (!found) errors.push({ field: 'teamId', reason: 'Select a team from the list' })
  }
  const clash = await q
    .selectFrom('staff')
    .select('id')
    .where('force_id', '=', forceId)
    .where('staff_number', '=', input.staffNumber.trim())
    .executeTakeFirst()
  if (clash && clash.id !== selfId) errors.push({ field: 'staffNumber', reason: staffNumberTaken })
  return errors
}

const staffValues = (input: StaffInput) => ({
  staff_number: input.staffNumber.trim(),
  name: input.name.trim(),
  rank: input.rank,
  role: input.role.trim(),
  team_id: input.teamId || null,
  start_date: input.startDate,
  active: input.active,
})

export async function createStaff(
  q: Executor,
  clock: Clock,
  forceId: string,
  input: StaffInput,
  changedBy: string,
  changed?: OrganisationChanged,
): Promise<StaffMember> {
  const errors = validateStaff(input, londonDate(clock.now()))
  try {
    return await inTransaction(q, async (trx) => {
      errors.push(...(await checkStaffReferences(trx, forceId, input)))
      if (errors.length) fail(errors)
      const row = await trx
        .insertInto('staff')
        .values({ force_id: forceId, ...staffValues(input) })
        .returning(staffColumns)
        .executeTakeFirstOrThrow()
      const staff = toStaff(row)
      await recordChange(trx, {
        table: 'staff',
        id: staff.id,
        version: staff.version,
        action: 'create',
        changedBy,
        changedAt: clock.now(),
        changes: created(staff),
      })
      await changed?.(trx, 'staff', [staff.id])
      return staff
    })
  } catch (error) {
    // Two admins adding the same staff number at once: the second loses at the unique constraint.
    if (isUniqueViolation(error)) fail([{ field: 'staffNumber', reason: staffNumberTaken }])
    throw error
  }
}

export async function updateStaff(
  q: Executor,
  clock: Clock,
  id: string,
  version: number,
  input: StaffInput,
  changedBy: string,
  changed?: OrganisationChanged,
): Promise<StaffMember> {
  const errors = validateStaff(input, londonDate(clock.now()))
  try {
    return await inTransaction(q, async (trx) => {
      const before = isUuid(id)
        ? await trx.selectFrom('staff').select(staffColumns).where('id', '=', id).executeTakeFirst()
        : undefined
      if (!before) throw new NotFoundError('There is no such member of staff')
      errors.push(...(await checkStaffReferences(trx, before.force_id, input, id)))
      if (errors.length) fail(errors)
      const row = await trx
        .updateTable('staff')
        .set((eb) => ({ ...staffValues(input), version: eb('version', '+', 1) }))
        .where('id', '=', id)
        .where('version', '=', version)
        .returning(staffColumns)
        .executeTakeFirst()
      if (!row) throw new ConflictError()
      const staff = toStaff(row)
      await recordChange(trx, {
        table: 'staff',
        id,
        version: staff.version,
        action: 'update',
        changedBy,
        changedAt: clock.now(),
        changes: changedFields(toStaff(before), { ...staff, version: undefined }),
      })
      await changed?.(trx, 'staff', [id])
      return staff
    })
  } catch (error) {
    if (isUniqueViolation(error)) fail([{ field: 'staffNumber', reason: staffNumberTaken }])
    throw error
  }
}
