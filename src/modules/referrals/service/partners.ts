import type { Area } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { ForbiddenError, NotFoundError } from '../../../platform/http/errors.ts'
import { pacKind, partnerSharing } from '../access.ts'
import type { Outcome } from '../pac.ts'
import { noSuchSharedPac, type PacActor, type ReferralsDeps, summaries } from './dependencies.ts'
import { writeProgress } from './progress.ts'
import type { PacSummary } from './records.ts'
import { pacSummary } from './view.ts'

/**
 * Partner (children's social care) access, by the sharing rule of access.ts: only PACs shared with the
 * MASH for their borough. Anything else, including another borough's PAC, is "not found".
 */

/** A partner's borough, or a 403 when their account is not linked to one (see `partnerSharing`). */
export function requirePartnerBorough(area: Area): string {
  const borough = partnerSharing.boroughOf(area)
  if (!borough) throw new ForbiddenError('Your account is not linked to a borough: ask an administrator')
  return borough
}

/** The PACs shared with the partner's borough, most recently shared first. */
export async function partnerList(
  q: Executor,
  deps: Pick<ReferralsDeps, 'people'>,
  boroughId: string | null,
  filter: { awaitingOutcome?: boolean } = {},
): Promise<PacSummary[]> {
  if (!boroughId) return []
  let query = q.selectFrom('pac').selectAll().where(partnerSharing.where(boroughId))
  if (filter.awaitingOutcome) query = query.where('outcome', 'is', null)
  return summaries(q, deps, await query.orderBy('shared_with_mash_at', 'desc').limit(500).execute())
}

/** One PAC shared with the partner's borough, its read logged. */
export async function partnerRead(
  q: Executor,
  deps: Pick<ReferralsDeps, 'people' | 'accessLog'>,
  id: string,
  boroughId: string | null,
  actor: PacActor,
): Promise<PacSummary> {
  const pac = await pacSummary(q, deps, id)
  if (!pac || !partnerSharing.canSee(boroughId, pac)) throw new NotFoundError(noSuchSharedPac)
  await deps.accessLog.record(
    {
      actorId: actor.id,
      actorName: actor.username,
      action: 'read',
      subjectKind: pacKind.kind,
      subjectId: id,
      reason: 'partner: shared with the borough',
    },
    q,
  )
  return pac
}

/** Children's social care's outcome for a PAC shared with their borough (feedback now unless given). */
export function recordOutcome(
  q: Executor,
  deps: Pick<ReferralsDeps, 'clock' | 'history' | 'accessLog' | 'afterWrite'>,
  id: string,
  version: number,
  outcome: { outcome: Outcome; outcomeReason?: string | null; feedbackAt?: Date | null },
  boroughId: string | null,
  actor: PacActor,
) {
  return writeProgress(
    q,
    deps,
    id,
    version,
    {
      outcome: outcome.outcome,
      outcomeReason: outcome.outcomeReason ?? null,
      feedbackAt: outcome.feedbackAt ?? deps.clock.now(),
    },
    actor,
    (pac) => {
      if (!partnerSharing.canSee(boroughId, pac)) throw new NotFoundError(noSuchSharedPac)
    },
  )
}
