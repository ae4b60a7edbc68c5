import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { onlineCaseKind, onlineReach } from '../access.ts'
import { casesByKey } from './records.ts'

/*
 * A case's devices are the triage module's (the one place devices are kept and recorded), seized under the
 * case's ref as their case reference. The online module answers for its cases: who may know of a device
 * through its case, and who holds a device seized in one.
 */

/**
 * Whoever's need to know reaches an online case reaches the devices seized in it: the case's reach
 * (`onlineReach`) asked of the kernel for the case kind, as a condition on a device's case reference (in
 * upper case, as case refs are kept: a reference typed in lower case on a form names the same case).
 */
export async function casesVisibleWhere(
  q: Executor,
  principal: Principal,
): Promise<(caseRef: Expression<string | null>) => RawBuilder<SqlBool>> {
  const reach = await onlineReach(q, principal)
  return (caseRef) =>
    sql<SqlBool>`exists (select 1 from online_case where online_case.ref = upper(${caseRef}) and ${onlineCaseKind.where(reach)})`
}

/**
 * Who holds a device seized in a case: the team it is allocated to (by name, as the device's input names
 * teams) in the case's borough, so its investigator, frontline or not, sees its triage result (ONL-05 to
 * ONL-07 judge it), and the case's ref as it is kept (the form may have it in lower case). A case not yet
 * allocated cannot take devices; undefined for no such case.
 */
export async function caseDeviceHolder(
  q: Executor,
  caseRef: string,
): Promise<{ caseRef: string; team: string; borough: string | null } | 'unallocated' | undefined> {
  const found = (await casesByKey(q, [caseRef])).get(caseRef)
  if (!found) return undefined
  if (!found.allocated_team_id) return 'unallocated'
  const [team, borough] = await Promise.all([
    q.selectFrom('team').select('name').where('id', '=', found.allocated_team_id).executeTakeFirstOrThrow(),
    found.borough_id
      ? q.selectFrom('borough').select('name').where('id', '=', found.borough_id).executeTakeFirst()
      : undefined,
  ])
  return { caseRef: found.ref, team: team.name, borough: borough?.name ?? null }
}
