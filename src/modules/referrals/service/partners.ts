import { sql } from 'kysely'
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

/** Which of their shared PACs a partner lists: those awaiting their outcome, those with it recorded, or all. */
export const partnerOutcomeFilters = ['awaiting', 'recorded'] as const
export type PartnerOutcomeFilter = (typeof partnerOutcomeFilters)[number]

export interface PartnerListFilter {
  outcome?: PartnerOutcomeFilter
  limit?: number
  offset?: number
}

/**
 * A page of the PACs shared with the partner's borough: those awaiting their outcome first, then the
 * rest, most recently shared first within each (pac_partner_list serves this order); with how many
 * the filter lets through in all, and how many of the borough's await the outcome.
 */
export async function partnerList(
  q: Executor,
  deps: Pick<ReferralsDeps, 'people'>,
  boroughId: string | null,
  filter: PartnerListFilter = {},
): Promise<{ items: PacSummary[]; total: number; awaiting: number }> {
  if (!boroughId) return { items: [], total: 0, awaiting: 0 }
  const shared = q.selectFrom('pac').where(partnerSharing.where(boroughId))
  const counts = await shared
    .select([
      sql<number>`count(*)::int`.as('all'),
      sql<number>`(count(*) filter (where pac.outcome is null))::int`.as('awaiting'),
    ])
    .executeTakeFirstOrThrow()
  let query = shared
  if (filter.outcome === 'awaiting') query = query.where('pac.outcome', 'is', null)
  if (filter.outcome === 'recorded') query = query.where('pac.outcome', 'is not', null)
  const rows = await query
    .selectAll('pac')
    .orderBy(sql`pac.outcome is not null`)
    .orderBy('pac.shared_with_mash_at', 'desc')
    .orderBy('pac.id')
    .limit(Math.min(filter.limit ?? 50, 500))
    .offset(filter.offset ?? 0)
    .execute()
  const total =
    filter.outcome === 'awaiting'
      ? counts.awaiting
      : filter.outcome === 'recorded'
        ? counts.all - counts.awaiting
        : counts.all
  return { items: await summaries(q, deps, rows), total, awaiting: counts.awaiting }
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
