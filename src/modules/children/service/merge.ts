import type { Executor } from '../../../platform/db/database.ts'
import { ConflictError, NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { type ChildrenDeps, fail, inTransaction, mustMayEdit, todayOf } from './dependencies.ts'
import { type Changer, type MergeHook, type Person, toPerson } from './records.ts'

/**
 * A person has one address from a given day. Where both records have one from the same day, the same
 * address is one fact recorded twice (the merged record's copy goes, kept in history); two different
 * addresses are a question for a person, so the merge is refused and changes nothing.
 */
async function settleSameDayAddresses(
  trx: Executor,
  deps: Pick<ChildrenDeps, 'history'>,
  survivorId: string,
  mergedId: string,
  actor: Changer,
) {
  const rows = await trx
    .selectFrom('person_address')
    .select(['id', 'version', 'person_id', 'address', 'postcode', 'from_date'])
    .where('person_id', 'in', [survivorId, mergedId])
    .execute()
  const same = (a?: string | null, b?: string | null) =>
    (a ?? '').replace(/\s+/g, ' ').trim().toLowerCase() ===
    (b ?? '').replace(/\s+/g, ' ').trim().toLowerCase()
  for (const moving of rows.filter((r) => r.person_id === mergedId)) {
    const kept = rows.find((r) => r.person_id === survivorId && r.from_date === moving.from_date)
    if (!kept) continue
    if (!same(kept.address, moving.address) || !same(kept.postcode, moving.postcode))
      throw new ConflictError(
        `Both records have a different address from ${moving.from_date}. Correct or end one of them, then merge.`,
      )
    await deps.history.deleteRecord(trx, 'person_address', moving.id, moving.version, actor)
  }
}

/**
 * Merges a duplicate into the record that survives. Both histories are kept: the merged record stays,
 * marked merged_into; its addresses, flags, memberships and relationships move to the survivor, each
 * move a change_history row; modules that registered a merge hook move their own records in the same
 * transaction; anything that pointed at the merged record's ref now finds the survivor. Both records
 * change, so a principal must be able to change both (403 otherwise).
 */
export async function merge(
  q: Executor,
  deps: ChildrenDeps & { mergeHooks: readonly MergeHook[] },
  survivorId: string,
  mergedId: string,
  actor: Changer,
  /** The versions the user confirmed: a record changed since then is a conflict, so nobody merges blind. */
  expected?: { survivorVersion: number; mergedVersion: number },
): Promise<Person> {
  const { history, accessLog, clock } = deps
  if (survivorId === mergedId) fail([{ field: 'mergedId', reason: 'Choose two different records to merge' }])
  const today = todayOf(clock)
  return inTransaction(q, async (trx) => {
    const locked = await trx
      .selectFrom('person')
      .selectAll()
      .where('id', 'in', [survivorId, mergedId].filter(isUuid))
      .orderBy('id')
      .forUpdate()
      .execute()
    const survivor = locked.find((r) => r.id === survivorId)
    const merged = locked.find((r) => r.id === mergedId)
    if (!survivor || !merged) throw new NotFoundError('One of the records to merge does not exist')
    await mustMayEdit(trx, actor, survivorId, today)
    await mustMayEdit(trx, actor, mergedId, today)
    if (survivor.merged_into || merged.merged_into)
      throw new ConflictError('One of these records has already been merged')
    if (
      expected &&
      (survivor.version !== expected.survivorVersion || merged.version !== expected.mergedVersion)
    )
      throw new ConflictError()
    await settleSameDayAddresses(trx, deps, survivorId, mergedId, actor)
    for (const table of ['person_address', 'person_flag', 'household_membership'] as const) {
      const rows = await trx
        .selectFrom(table)
        .select(['id', 'version'])
        .where('person_id', '=', mergedId)
        .execute()
      for (const row of rows)
        await history.updateRecord(trx, table, row.id, row.version, { person_id: survivorId }, actor)
    }
    const related = await trx
      .selectFrom('relationship')
      .selectAll()
      .where((eb) => eb.or([eb('person_a', '=', mergedId), eb('person_b', '=', mergedId)]))
      .execute()
    for (const row of related) {
      const a = row.person_a === mergedId ? survivorId : row.person_a
      const b = row.person_b === mergedId ? survivorId : row.person_b
      // A relationship between the two records of one person means nothing once they are one.
      if (a === b) await history.deleteRecord(trx, 'relationship', row.id, row.version, actor)
      else
        await history.updateRecord(
          trx,
          'relationship',
          row.id,
          row.version,
          { person_a: a, person_b: b },
          actor,
        )
    }
    const earlier = await trx
      .selectFrom('person')
      .select(['id', 'version'])
      .where('merged_into', '=', mergedId)
      .execute()
    for (const row of earlier)
      await history.updateRecord(trx, 'person', row.id, row.version, { merged_into: survivorId }, actor)
    const now = clock.now()
    await history.updateRecord(
      trx,
      'person',
      mergedId,
      merged.version,
      { merged_into: survivorId, merged_at: now, updated_at: now },
      actor,
    )
    for (const hook of deps.mergeHooks) await hook(trx, { survivorId, mergedId })
    // After the hooks, so the survivor holds every record moved to it.
    await deps.peopleChanged?.(trx, [survivorId, mergedId])
    await accessLog.logChange(
      actor,
      {
        action: 'merge',
        subjectKind: 'person',
        subjectId: survivorId,
        detail: { mergedId, mergedRef: merged.ref },
      },
      trx,
    )
    await accessLog.logChange(
      actor,
      {
        action: 'merge',
        subjectKind: 'person',
        subjectId: mergedId,
        detail: { survivorId, survivorRef: survivor.ref },
      },
      trx,
    )
    return toPerson(survivor)
  })
}
