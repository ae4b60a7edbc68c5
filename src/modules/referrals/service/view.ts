import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { pacKind } from '../access.ts'
import { noSuchPac, type PacActor, type ReferralsDeps, summaries } from './dependencies.ts'
import { type PacSummary, pacRow } from './records.ts'

type ViewDeps = Pick<ReferralsDeps, 'people'>

/** One PAC with its child's and borough's names, unchecked and unlogged (the caller does both). */
export async function pacSummary(q: Executor, deps: ViewDeps, id: string): Promise<PacSummary | undefined> {
  const found = await pacRow(q, id)
  return found ? (await summaries(q, deps, [found]))[0] : undefined
}

/** A PAC the reader may see, its read logged; 404 when it does not exist or lies outside their reach. */
export async function readPac(
  q: Executor,
  deps: ViewDeps & Pick<ReferralsDeps, 'accessLog'>,
  id: string,
  reach: Reach,
  actor: PacActor,
  reason?: string,
): Promise<PacSummary> {
  const pac = await pacSummary(q, deps, id)
  // Outside the reader's need to know a PAC is as good as absent: its existence is not confirmed.
  pacKind.mustSee(reach, pac, noSuchPac)
  await deps.accessLog.record(
    {
      actorId: actor.id,
      actorName: actor.username,
      action: 'read',
      subjectKind: pacKind.kind,
      subjectId: id,
      reason: reason ?? null,
    },
    q,
  )
  return pac
}

/**
 * One row in the access log for a list, queue or export of PACs: the query as asked and every PAC shown.
 * The caller has already checked the role; the ids are those need to know let through.
 */
export async function recordListRead(
  q: Executor,
  deps: Pick<ReferralsDeps, 'accessLog'>,
  actor: PacActor,
  query: string,
  pacs: readonly { id: string }[],
  requestId?: string | null,
) {
  await deps.accessLog.recordList(
    {
      actorId: actor.id,
      actorName: actor.username,
      subjectKind: pacKind.kind,
      query,
      ids: pacs.map((p) => p.id),
      requestId: requestId ?? null,
    },
    q,
  )
}
