import { sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'

/**
 * The allocations whose open caseload the written cases can change: their own, and every stored allocation
 * of an officer one of them was allocated to, made at or after that allocation while the case was open.
 * An import's batches come in no order of time, so a case can arrive after allocations it was open beside;
 * those are recounted with the batch's own, or their caseload (and INV-07) would depend on the order. Each
 * written case's allocations bound a range of its officer's allocations, found by the staff index, so the
 * cost follows the batch and how long its cases were open, not the table.
 */
export async function allocationsAffectedBy(
  executor: Executor,
  caseIds: readonly string[],
): Promise<{ id: string; investigation_id: string }[]> {
  if (!caseIds.length) return []
  const { rows } = await sql<{ id: string; investigation_id: string }>`
    select a.id, a.investigation_id from investigation_allocation a
    where a.investigation_id = any(${caseIds}::uuid[])
    union
    select a.id, a.investigation_id
    from investigation j
      join investigation_allocation h on h.investigation_id = j.id
      join investigation_allocation a on a.staff_id = h.staff_id
        and a.allocated_at >= greatest(h.allocated_at, j.opened_at)
        and a.allocated_at < coalesce(j.closed_at, 'infinity')
    where j.id = any(${caseIds}::uuid[])`.execute(executor)
  return rows
}

/**
 * Sets each allocation's open caseload when it was made: the officer's other open cases at that instant,
 * the cases whose latest allocation by then was to them. Only cases ever allocated to them by then can be,
 * so those are the candidates (found by the staff index): testing every case opened before made each
 * batch's cost grow with the whole table (over 10 s a batch at scale 10).
 */
export async function countOpenCases(executor: Executor, allocations: readonly { id: string }[]) {
  if (!allocations.length) return
  const ids = allocations.map((a) => a.id)
  await sql`
    update investigation_allocation a set open_cases = (
      select count(*) from investigation j
      cross join lateral (select a2.staff_id from investigation_allocation a2 where a2.investigation_id = j.id
        and a2.allocated_at <= a.allocated_at order by a2.allocated_at desc, a2.id desc limit 1) cur
      where j.id in (select h.investigation_id from investigation_allocation h
          where h.staff_id = a.staff_id and h.allocated_at <= a.allocated_at)
        and j.id <> a.investigation_id and cur.staff_id = a.staff_id and j.opened_at <= a.allocated_at
        and (j.closed_at is null or j.closed_at > a.allocated_at))
    where a.id = any(${ids}::uuid[])`.execute(executor)
}
