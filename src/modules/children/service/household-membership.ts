import type { Executor } from '../../../platform/db/database.ts'
import { ConflictError, NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isIsoDate } from '../../../platform/time.ts'
import { asDay, type HouseholdRole, householdRoles, type IsoDate, validatePeriod } from '../person.ts'
import { type ChildrenDeps, fail, inTransaction, mustMayEdit, todayOf } from './dependencies.ts'
import { mustGet } from './find-people.ts'
import { type Changer, type Membership, toMembership } from './records.ts'

/** Who lives in which household, from when to when: joining and leaving. */

/** A person's household memberships, latest-starting first. */
export async function memberships(q: Executor, personId: string): Promise<Membership[]> {
  const rows = await q
    .selectFrom('household_membership as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .selectAll('m')
    .select('h.ref as household_ref')
    .where('m.person_id', '=', personId)
    .orderBy('m.from_date', 'desc')
    .execute()
  return rows.map(toMembership)
}

export interface MembershipInput {
  householdRef: string | null
  role: HouseholdRole
  fromDate: IsoDate
  toDate: IsoDate | null
}

/**
 * Adds the person to a household from a day: the household named by ref (created when new), or a new
 * household when no ref is given.
 */
export async function addMembership(
  q: Executor,
  deps: ChildrenDeps,
  personId: string,
  input: MembershipInput,
  actor: Changer,
): Promise<Membership> {
  const today = todayOf(deps.clock)
  const errors = validatePeriod(input, today)
  if (!(householdRoles as readonly string[]).includes(input.role))
    errors.push({ field: 'role', reason: 'Select a role in the household' })
  if (input.householdRef && !/^[\w./-]{1,200}$/.test(input.householdRef))
    errors.push({
      field: 'householdRef',
      reason: 'Household reference must be letters, numbers, dots, dashes or slashes',
    })
  if (errors.length) fail(errors)
  const id = await inTransaction(q, async (trx) => {
    const person = await mustGet(trx, personId)
    await mustMayEdit(trx, actor, personId, today)
    if (person.mergedInto) throw new ConflictError('This record was merged into another')
    let household = input.householdRef
      ? await trx
          .selectFrom('household')
          .select(['id', 'ref'])
          .where('ref', '=', input.householdRef)
          .executeTakeFirst()
      : undefined
    household ??= await deps.history.insertRecord(
      trx,
      'household',
      { ...(input.householdRef ? { ref: input.householdRef } : {}), created_at: deps.clock.now() } as never,
      actor,
    )
    const row = await deps.history.insertRecord(
      trx,
      'household_membership',
      {
        household_id: household.id,
        person_id: personId,
        role: input.role,
        from_date: input.fromDate,
        to_date: input.toDate,
        created_at: deps.clock.now(),
      },
      actor,
    )
    await deps.accessLog.logChange(
      actor,
      {
        action: 'update',
        subjectKind: 'person',
        subjectId: personId,
        detail: { added: 'household', household: household.ref },
      },
      trx,
    )
    await deps.peopleChanged?.(trx, [personId])
    return row.id
  })
  return (await memberships(q, personId)).find((m) => m.id === id) as Membership
}

/** Ends a household membership on a day (inclusive). */
export async function endMembership(
  q: Executor,
  deps: ChildrenDeps,
  membershipId: string,
  version: number,
  toDate: IsoDate,
  actor: Changer,
): Promise<void> {
  const today = todayOf(deps.clock)
  await inTransaction(q, async (trx) => {
    const row = isUuid(membershipId)
      ? await trx
          .selectFrom('household_membership')
          .selectAll()
          .where('id', '=', membershipId)
          .executeTakeFirst()
      : undefined
    if (!row) throw new NotFoundError('There is no such household membership')
    await mustMayEdit(trx, actor, row.person_id, today)
    const errors = validatePeriod({ fromDate: asDay(row.from_date), toDate }, today).filter(
      (e) => e.field === 'toDate',
    )
    if (!isIsoDate(toDate)) errors.push({ field: 'toDate', reason: 'Enter the end date' })
    if (errors.length) fail(errors)
    await deps.history.updateRecord(
      trx,
      'household_membership',
      membershipId,
      version,
      { to_date: toDate },
      actor,
    )
    await deps.accessLog.logChange(
      actor,
      { action: 'update', subjectKind: 'person', subjectId: row.person_id, detail: { ended: 'household' } },
      trx,
    )
    await deps.peopleChanged?.(trx, [row.person_id])
  })
}
