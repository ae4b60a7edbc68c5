import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { londonDate } from '../../../platform/time.ts'
import { ageAt, displayName, flagsAsOf } from '../../children/person.ts'
import { flagRowsOf } from '../../children/service/flags.ts'
import type { Person, PersonFlag, Relationship } from '../../children/service.ts'
import { episodeKind, triggerPlanKind } from '../access.ts'
import type { Grade, GradingHistory, RepeatThreshold } from '../grading.ts'
import type { RepeatThresholds } from '../repeat-threshold.ts'
import { dayMs, type MissingDeps, type OpenCase } from './dependencies.ts'
import { isLiveOn, type TriggerPlan, toPlan } from './records.ts'

/** What the grading page shows about the child at the point of decision. */
export interface ChildContext {
  person: Person
  name: string
  age: number | null
  flags: PersonFlag[]
  previous: GradingHistory['previous']
  previousEpisodes: {
    id: string
    ref: string
    reportedAt: Date
    grade: Grade
    returnedAt: Date | null
    foundPlace: string | null
    foundWith: string | null
  }[]
  /** Earlier episodes outside the reader's need to know: counted in `previous`, not listed. */
  previousElsewhere: number
  /** The child's live trigger plan, when the reader may see it. */
  livePlan: TriggerPlan | undefined
  /** A live plan the reader may not see: that it exists and who holds it, so they can ask for it. */
  livePlanElsewhere: PlanElsewhere | undefined
  associates: Relationship[]
  openCases: OpenCase[]
  history: GradingHistory
  /** MIS-02's threshold the history was counted by: as configured at `at` for the borough given. */
  repeat: RepeatThreshold
}

/** A trigger plan outside the reader's need to know, as far as they are told of it. */
export interface PlanElsewhere {
  ref: string
  boroughName: string
}

export async function plansOf(q: Executor, personId: string): Promise<TriggerPlan[]> {
  const rows = await q
    .selectFrom('trigger_plan')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('start_date', 'desc')
    .execute()
  return rows.map(toPlan)
}

/** What a reader is told of a plan they may not see: its ref and the borough that holds it. */
export async function planElsewhere(
  q: Executor,
  deps: Pick<MissingDeps, 'organisationOn'>,
  plan: TriggerPlan,
): Promise<PlanElsewhere> {
  const borough = await deps.organisationOn(q).borough(plan.boroughId)
  return { ref: plan.ref, boroughName: borough?.name ?? 'another borough' }
}

/**
 * The child's record as it stood at `at`: flags, age, earlier episodes, live plan, associates. The
 * grading history counts every earlier episode (the suggestion needs them all); the episodes listed,
 * the live plan shown and the open cases are those within the reader's reach. Repeat missing is counted by
 * MIS-02's threshold at `at` for `boroughId` (the force's until a borough is known).
 */
export async function contextOn(
  q: Executor,
  deps: MissingDeps,
  person: Person,
  at: Date,
  reach: Reach,
  options: { excludeEpisodeId?: string; withCases?: boolean; boroughId?: string | null } = {},
): Promise<ChildContext> {
  const onDay = londonDate(at)
  const repeat = (await deps.repeatThresholds(q, at))(at, options.boroughId ?? null)
  const [flags, plans, relationships, earlier] = await Promise.all([
    deps.children.flagsOn(person.id, onDay, q),
    plansOf(q, person.id),
    deps.children.relationships(person.id, q),
    q
      .selectFrom('missing_episode')
      .select([
        'id',
        'ref',
        'reported_at',
        'grade',
        'returned_at',
        'found_place',
        'found_with',
        'borough_id',
        'created_by',
      ])
      .where('person_id', '=', person.id)
      .where('reported_at', '<', at)
      .where('reported_at', '>=', new Date(at.getTime() - 365 * dayMs))
      .$if(Boolean(options.excludeEpisodeId), (w) => w.where('id', '!=', options.excludeEpisodeId as string))
      .orderBy('reported_at', 'desc')
      .execute(),
  ])
  const within = (days: number) =>
    earlier.filter((e) => e.reported_at.getTime() > at.getTime() - days * dayMs).length
  const previous = { last30: within(30), last90: within(repeat.days), last365: earlier.length }
  const age = ageAt(person, onDay)?.years ?? null
  const openCases = options.withCases
    ? (await Promise.all(deps.openCases.map((p) => p(person.id, reach).catch(() => [])))).flat()
    : []
  const listed = earlier.filter((e) =>
    episodeKind.canSee(reach, { boroughId: e.borough_id, createdBy: e.created_by }),
  )
  const live = plans.find((p) => isLiveOn(p, onDay))
  const livePlan = live && triggerPlanKind.canSee(reach, live) ? live : undefined
  return {
    person,
    name: displayName(person),
    age,
    flags,
    previous,
    previousElsewhere: earlier.length - listed.length,
    previousEpisodes: listed.map((e) => ({
      id: e.id,
      ref: e.ref,
      reportedAt: e.reported_at,
      grade: e.grade as Grade,
      returnedAt: e.returned_at,
      foundPlace: e.found_place,
      foundWith: e.found_with,
    })),
    livePlan,
    livePlanElsewhere: live && !livePlan ? await planElsewhere(q, deps, live) : undefined,
    associates: relationships.filter((r) => r.kind === 'associate'),
    openCases,
    history: { ageAtReport: age, flags: flags.map((f) => f.flag), previous },
    repeat,
  }
}

/**
 * What grading needs about each child in a batch (flags, trigger plans, episodes in the year before),
 * read once; `contextAt` then answers as `contextOn` would for a report time, and `recordEpisode` keeps
 * the episodes the batch writes in view for the reports after them.
 */
export async function gradingFacts(
  q: Executor,
  thresholds: RepeatThresholds,
  personIds: readonly string[],
  from: Date,
  until: Date,
) {
  const ids = [...new Set(personIds)]
  const flagRows = await flagRowsOf(q, ids)
  const plans = new Map<string, TriggerPlan[]>()
  const episodes = new Map<string, { personId: string; reportedAt: Date }>()
  if (ids.length) {
    const planRows = await q
      .selectFrom('trigger_plan')
      .selectAll()
      .where('person_id', 'in', ids)
      .orderBy('start_date', 'desc')
      .execute()
    for (const r of planRows) plans.set(r.person_id, [...(plans.get(r.person_id) ?? []), toPlan(r)])
    const earlier = await q
      .selectFrom('missing_episode')
      .select(['id', 'person_id', 'reported_at'])
      .where('person_id', 'in', ids)
      .where('reported_at', '<', until)
      .where('reported_at', '>=', new Date(from.getTime() - 365 * dayMs))
      .execute()
    for (const e of earlier) episodes.set(e.id, { personId: e.person_id, reportedAt: e.reported_at })
  }
  const byPerson = new Map<string, Set<string>>()
  for (const [id, e] of episodes) byPerson.set(e.personId, (byPerson.get(e.personId) ?? new Set()).add(id))
  return {
    /** The child's history at a report time, repeat missing counted by MIS-02 then for the borough reported in. */
    contextAt(person: Person, at: Date, boroughId: string | null) {
      const onDay = londonDate(at)
      const repeat = thresholds(at, boroughId)
      const flags = flagsAsOf(flagRows.get(person.id) ?? [], onDay)
      const earlier = [...(byPerson.get(person.id) ?? [])]
        .map((id) => (episodes.get(id) as { reportedAt: Date }).reportedAt)
        .filter((t) => t < at && t >= new Date(at.getTime() - 365 * dayMs))
      const within = (days: number) => earlier.filter((t) => t.getTime() > at.getTime() - days * dayMs).length
      const previous = { last30: within(30), last90: within(repeat.days), last365: earlier.length }
      const age = ageAt(person, onDay)?.years ?? null
      return {
        name: displayName(person),
        age,
        livePlan: (plans.get(person.id) ?? []).find((p) => isLiveOn(p, onDay)),
        history: { ageAtReport: age, flags: flags.map((f) => f.flag), previous } as GradingHistory,
        repeat,
      }
    },
    recordEpisode(id: string, personId: string, reportedAt: Date) {
      const before = episodes.get(id)
      if (before) byPerson.get(before.personId)?.delete(id)
      episodes.set(id, { personId, reportedAt })
      byPerson.set(personId, (byPerson.get(personId) ?? new Set()).add(id))
    },
  }
}
