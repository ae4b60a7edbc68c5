import type { Reach } from '../../../platform/access/need-to-know.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import type { Person } from '../../children/service.ts'
import { pacByRefOrId } from '../../referrals/service/links.ts'
import { episodeKind, triggerPlanKind } from '../access.ts'
import { type Suggestion, suggestMinimumGrade } from '../grading.ts'
import { type ChildContext, contextOn, planElsewhere } from './child-context.ts'
import { episodeRow, type MissingDeps, noSuchEpisode } from './dependencies.ts'
import { toEpisode, toPlan, toReview } from './records.ts'

/**
 * The child's record at the point of decision (repeat missing counted as MIS-02 stands for the borough
 * reporting, once chosen), with the suggestion from history alone.
 */
export async function childContext(
  q: Executor,
  deps: MissingDeps,
  childKey: string,
  reach: Reach,
  at: Date,
  boroughId: string | null = null,
): Promise<ChildContext & { suggestion: Suggestion }> {
  const person = await deps.children.find(childKey, q)
  if (!person)
    throw new ValidationError([
      { field: 'child', reason: `There is no person with the reference ${childKey}` },
    ])
  const context = await contextOn(q, deps, person, at, reach, { withCases: true, boroughId })
  return {
    ...context,
    suggestion: suggestMinimumGrade([], context.history, { scale: deps.scale, repeat: context.repeat }),
  }
}

/** One episode with its reviews and the child's record then, for someone allowed to see it; the read is logged. */
export async function viewEpisode(
  q: Executor,
  deps: MissingDeps,
  id: string,
  principal: Principal,
  reason?: string,
) {
  const reach = reachOf(principal)
  const row = await episodeRow(q, id)
  const episode = row && toEpisode(row)
  episodeKind.mustSee(reach, episode, noSuchEpisode)
  const person = (await deps.children.find(episode.personId, q)) as Person
  const organisation = deps.organisationOn(q)
  const [reviews, context, borough, unit, plan, pac] = await Promise.all([
    q.selectFrom('missing_review').selectAll().where('episode_id', '=', id).orderBy('reviewed_at').execute(),
    contextOn(q, deps, person, episode.reportedAt, reach, {
      excludeEpisodeId: id,
      withCases: true,
      boroughId: episode.boroughId,
    }),
    organisation.borough(episode.boroughId),
    episode.unitTeamId ? organisation.team(episode.unitTeamId) : undefined,
    episode.triggerPlanId
      ? q.selectFrom('trigger_plan').selectAll().where('id', '=', episode.triggerPlanId).executeTakeFirst()
      : undefined,
    episode.pacId ? pacByRefOrId(q, episode.pacId) : undefined,
  ])
  await deps.accessLog.record(
    {
      actorId: principal.id,
      actorName: principal.username,
      action: 'read',
      subjectKind: episodeKind.kind,
      subjectId: id,
      reason: reason ?? null,
    },
    q,
  )
  const reviewList = reviews.map(toReview)
  const latest = reviewList.at(-1)
  // The plan live when the child was reported: shown to those who may see it, named to the others.
  const linked = plan ? toPlan(plan) : undefined
  const planVisible = linked && triggerPlanKind.canSee(reach, linked) ? linked : undefined
  return {
    episode,
    person,
    context,
    reviews: reviewList,
    currentGrade: latest?.grade ?? episode.grade,
    nextReviewDueAt: episode.returnedAt ? null : latest ? latest.nextReviewDueAt : episode.reviewDueAt,
    suggestion: suggestMinimumGrade(episode.riskFactors, context.history, {
      scale: deps.scale,
      repeat: context.repeat,
    }),
    boroughName: borough?.name ?? '',
    unitName: unit?.name ?? null,
    plan: planVisible,
    planElsewhere: linked && !planVisible ? await planElsewhere(q, deps, linked) : undefined,
    pacRef: pac?.ref ?? null,
  }
}
