import type { Selectable } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import type { DB } from '../../../platform/db/schema.ts'
import { isUuid } from '../../../platform/ids.ts'
import { investigationKind } from '../access.ts'
import { type InvestigationActor, type InvestigationDeps, inTransaction } from './dependencies.ts'

export type InvestigationRow = Selectable<DB['investigation']>

export async function investigationRow(q: Executor, id: string): Promise<InvestigationRow | undefined> {
  if (!isUuid(id)) return undefined
  return q.selectFrom('investigation').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The investigation, or 404 when there is none or it is outside the reader's need to know. */
export async function mustGet(q: Executor, id: string, reach: Reach) {
  const found = await investigationRow(q, id)
  // Outside the reader's need to know a case is as good as absent: its existence is not confirmed.
  investigationKind.mustSee(reach, found, 'There is no such investigation')
  return found
}

/**
 * Every change to an investigation's records goes through here: the investigation's version is checked
 * and bumped first (so of two supervisors editing at once one gets a conflict and nothing is lost), the
 * change is written, logged and the rules re-evaluated, all in one transaction (the caller's, when `q` is one).
 */
export function changeInvestigation<T>(
  q: Executor,
  deps: InvestigationDeps,
  id: string,
  version: number,
  actor: InvestigationActor,
  action: string,
  work: (
    trx: Transaction,
    current: InvestigationRow,
  ) => Promise<{ patch?: Record<string, unknown>; result: T }>,
  reach: Reach,
): Promise<T> {
  return inTransaction(q, async (trx) => {
    // Locked first: two writers that both inserted child rows (each holding a key-share lock on the
    // investigation through the foreign key) and then both updated it would deadlock on PostgreSQL.
    // Locked, the second waits, then finds the version moved and gets a conflict.
    if (isUuid(id))
      await trx.selectFrom('investigation').select('id').where('id', '=', id).forUpdate().execute()
    const current = await mustGet(trx, id, reach)
    const { patch, result } = await work(trx, current)
    await deps.history.updateRecord(
      trx,
      'investigation',
      id,
      version,
      { ...(patch ?? {}), updated_at: deps.clock.now() },
      actor,
    )
    await deps.accessLog.logChange(actor, { action, subjectKind: investigationKind.kind, subjectId: id }, trx)
    await judgeCases(trx, deps.standards, [id])
    return result
  })
}

/**
 * Re-evaluates, in the write's transaction, the cases' own rules and the other modules' rules that read
 * cases (`dependsOn.investigation`: RSO-09 reads a charge at a case's closure).
 */
export async function judgeCases(
  trx: Transaction,
  standards: InvestigationDeps['standards'],
  ids: readonly string[],
) {
  await standards.afterWrite(trx, investigationKind.kind, ids)
  await standards.afterChange(trx, new Map([['investigation', ids]]))
}
