import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import { ConflictError, ValidationError } from '../../../platform/http/errors.ts'
import { detentionKind } from '../access.ts'
import { type CustodyDeps, inTransaction, noSuchDetention, reachFor } from './dependencies.ts'
import { resolvePacLinks } from './pac-links.ts'
import { detentionRow } from './records.ts'

/**
 * Links the Merlin PAC that records this detention (CUS-12): one Kestrel holds, at the time it was made (or
 * the arrest, if it was made before), or another system's reference, kept as such and linked now.
 */
export async function linkPac(
  q: Executor,
  deps: Pick<CustodyDeps, 'clock' | 'afterWrite'>,
  id: string,
  version: number,
  pacRef: string,
  principal: Principal,
): Promise<void> {
  const ref = pacRef.trim()
  if (!ref || ref.length > 200)
    throw new ValidationError([{ field: 'pacRef', reason: 'Enter the PAC reference' }])
  const now = deps.clock.now()
  const reach = await reachFor(q, principal)
  await inTransaction(q, async (trx) => {
    const row = await detentionRow(trx, id, true)
    detentionKind.mustSee(reach, row, noSuchDetention)
    if (row.version !== version) throw new ConflictError()
    const [link] = await resolvePacLinks(
      trx,
      [{ pacRef: ref, personId: row.person_id, arrestedAt: new Date(row.arrested_at) }],
      now,
    )
    if (!link || link.errors.length) throw new ValidationError(link?.errors ?? [])
    await trx
      .updateTable('custody_detention')
      .set({ ...link.values, version: version + 1, updated_at: now })
      .where('id', '=', id)
      .execute()
    await recordMany(trx, [
      {
        table: 'custody_detention',
        id,
        version: version + 1,
        action: 'update',
        changedBy: principal.id,
        changedAt: now,
        changes: {
          pac_ref: [row.pac_ref, link.values.pac_ref],
          pac_id: [row.pac_id, link.values.pac_id],
          pac_linked_at: [row.pac_linked_at, link.values.pac_linked_at],
        },
      },
    ])
    await deps.afterWrite?.(trx, detentionKind.kind, [id])
  })
}
