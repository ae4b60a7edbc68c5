import { randomUUID } from 'node:crypto'
import { type Insertable, type Selectable, sql, type Updateable } from 'kysely'
import { z } from 'zod'
import type { AccessLogService } from '../../platform/access/access-log.ts'
import { canSee, type Reach, reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor, Transaction } from '../../platform/db/database.ts'
import { changedFields, type HistoryService } from '../../platform/db/history.ts'
import type { DB } from '../../platform/db/schema.ts'
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  ValidationError,
} from '../../platform/http/errors.ts'
import { addressBoroughsOf, boroughOn, flagRowsOf, peopleByKey } from '../children/lookups.ts'
import { ageAt, displayName, flagsAsOf, isIsoDate, londonDay } from '../children/person.ts'
import type { ChildrenService, Person, PersonFlag, Relationship } from '../children/service.ts'
import { londonDate } from '../organisation/organisation.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { pacByRefOrId, pacsByRefOrId } from '../referrals/lookups.ts'
import { episodeKind, triggerPlanKind } from './access.ts'
import {
  ageBand,
  allGrades,
  defaultGradeScale,
  defaultRepeatThreshold,
  episodeTimeErrors,
  type Grade,
  type GradingHistory,
  gradeLabels,
  gradingErrors,
  historyFactors,
  isGrade,
  lowestBand,
  type RepeatThreshold,
  type RiskFactor,
  reporterKinds,
  riskFactors,
  type Suggestion,
  suggestMinimumGrade,
} from './grading.ts'
import { boroughKind, teamKind } from './rules.ts'

export type AfterWrite = (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>

/** An open case about the child elsewhere in Kestrel (an investigation), for the grading page. */
export interface OpenCase {
  ref: string
  title: string
  href?: string
}
/**
 * Another module tells the grading page about a child's open cases, within the reader's need to know
 * (the investigations module registers one).
 */
export type OpenCasesProvider = (personId: string, reach: Reach) => Promise<OpenCase[]>

export interface MissingDependencies {
  history: HistoryService
  accessLog: AccessLogService
  children: ChildrenService
  organisation: OrganisationService
  /** The same services on a transaction: inside one, the embedded database has only that session. */
  childrenOn: (executor: Executor) => ChildrenService
  organisationOn: (executor: Executor) => OrganisationService
  afterWrite?: AfterWrite
  /** The force's grade scale (default the APP continuum with "absent"). */
  gradeScale?: readonly Grade[]
  repeat?: RepeatThreshold
}

export interface Actor {
  id: string
  username: string
}

const text = (max: number) =>
  z.string().trim().min(1, 'enter a value').max(max, `must be ${max} characters or fewer`)
const optionalText = (max: number) =>
  z.string().trim().max(max, `must be ${max} characters or fewer`).optional()
const instant = z.coerce.date({ message: 'must be a date and time' })
const day = z.string().refine(isIsoDate, 'must be a date like 2018-08-01')

/** A missing episode as the form, the API and the import give it; return, interviews and PAC optional. */
export const episodeInput = z
  .object({
    child: text(200).describe('The child’s person reference (KP-...) or id'),
    borough: text(200).describe('The borough the child went missing from: its name or id'),
    unit: optionalText(200).describe('The missing persons unit (team name or id); default: the borough’s'),
    reportedAt: instant,
    reportedByKind: z.enum(reporterKinds, { message: `must be one of ${reporterKinds.join(', ')}` }),
    reportedByName: optionalText(200),
    lastSeenAt: instant,
    lastSeenPlace: text(500),
    circumstances: text(4000),
    grade: z
      .string()
      .trim()
      .min(1, 'enter the risk grade')
      .describe(`One of the force’s grades: ${allGrades.join(', ')}`),
    riskFactors: z
      .array(z.enum(riskFactors, { message: `must be one of ${riskFactors.join(', ')}` }))
      .max(20)
      .default([]),
    gradingReason: optionalText(4000),
    gradedBy: text(200).describe('Who graded the risk'),
    supervisorName: optionalText(200),
    belowSuggestionReason: optionalText(4000),
    reviewDueAt: instant.optional(),
    actions: optionalText(4000),
    planAcknowledgedAt: instant.optional(),
    planAcknowledgedBy: optionalText(200),
    returnedAt: instant.optional(),
    foundPlace: optionalText(500),
    foundBy: optionalText(200),
    foundWith: optionalText(500),
    preventionInterviewAt: instant.optional(),
    preventionInterviewBy: optionalText(200),
    disclosures: optionalText(4000),
    laNotifiedAt: instant.optional(),
    returnHomeInterviewAt: instant.optional(),
    returnHomeInterviewDeclined: z.boolean().default(false),
    pac: optionalText(200).describe('The linked Merlin PAC: its ref or id'),
    pacLinkedAt: instant.optional(),
  })
  .strict()
export type EpisodeInput = z.input<typeof episodeInput>
type EpisodeValues = z.output<typeof episodeInput>

export const reviewInput = z
  .object({
    episode: text(200).describe('The episode’s ref or id'),
    reviewedAt: instant,
    reviewerName: text(200),
    grade: z.string().trim().min(1, 'enter the risk grade'),
    reason: text(4000),
    nextReviewDueAt: instant.optional(),
  })
  .strict()
export type ReviewInput = z.input<typeof reviewInput>

export const agreedWithKinds = ['carers', 'social_worker', 'parents', 'child', 'school', 'other'] as const
export const agreedWithLabels: Record<(typeof agreedWithKinds)[number], string> = {
  carers: 'Carers',
  social_worker: 'Social worker',
  parents: 'Parents',
  child: 'The child',
  school: 'School',
  other: 'Someone else',
}

export const triggerPlanInput = z
  .object({
    child: text(200).describe('The child’s person reference or id'),
    borough: optionalText(200).describe(
      'The borough that agreed the plan; default: the child’s home borough',
    ),
    placesToSearch: text(4000),
    peopleToContact: text(4000),
    risks: text(4000),
    authorName: text(200),
    agreedWith: z
      .array(z.enum(agreedWithKinds, { message: `must be one of ${agreedWithKinds.join(', ')}` }))
      .min(1, 'say who agreed the plan'),
    startDate: day,
    reviewDate: day,
    endedOn: day.optional(),
    endReason: optionalText(1000),
  })
  .strict()
export type TriggerPlanInput = z.input<typeof triggerPlanInput>

type EpisodeRow = Selectable<DB['missing_episode']>
type PlanRow = Selectable<DB['trigger_plan']>
type ReviewRow = Selectable<DB['missing_review']>

export interface Episode {
  id: string
  ref: string
  personId: string
  boroughId: string
  bcuId: string | null
  unitTeamId: string | null
  reportedAt: Date
  reportedByKind: string
  reportedByName: string | null
  lastSeenAt: Date
  lastSeenPlace: string
  circumstances: string
  ageAtReport: number | null
  grade: Grade
  riskFactors: RiskFactor[]
  historyFactors: RiskFactor[]
  suggestedGrade: Grade
  gradingReason: string | null
  gradedByName: string
  supervisorName: string | null
  belowSuggestionReason: string | null
  reviewDueAt: Date | null
  actions: string | null
  triggerPlanId: string | null
  planAcknowledgedAt: Date | null
  planAcknowledgedBy: string | null
  returnedAt: Date | null
  foundPlace: string | null
  foundBy: string | null
  foundWith: string | null
  preventionInterviewAt: Date | null
  preventionInterviewBy: string | null
  disclosures: string | null
  laNotifiedAt: Date | null
  returnHomeInterviewAt: Date | null
  returnHomeInterviewDeclined: boolean
  pacId: string | null
  pacLinkedAt: Date | null
  createdBy: string
  version: number
}

export const toEpisode = (r: EpisodeRow): Episode => ({
  id: r.id,
  ref: r.ref,
  personId: r.person_id,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  unitTeamId: r.unit_team_id,
  reportedAt: r.reported_at,
  reportedByKind: r.reported_by_kind,
  reportedByName: r.reported_by_name,
  lastSeenAt: r.last_seen_at,
  lastSeenPlace: r.last_seen_place,
  circumstances: r.circumstances,
  ageAtReport: r.age_at_report,
  grade: r.grade as Grade,
  riskFactors: r.risk_factors as RiskFactor[],
  historyFactors: r.history_factors as RiskFactor[],
  suggestedGrade: r.suggested_grade as Grade,
  gradingReason: r.grading_reason,
  gradedByName: r.graded_by_name,
  supervisorName: r.supervisor_name,
  belowSuggestionReason: r.below_suggestion_reason,
  reviewDueAt: r.review_due_at,
  actions: r.actions,
  triggerPlanId: r.trigger_plan_id,
  planAcknowledgedAt: r.plan_acknowledged_at,
  planAcknowledgedBy: r.plan_acknowledged_by,
  returnedAt: r.returned_at,
  foundPlace: r.found_place,
  foundBy: r.found_by,
  foundWith: r.found_with,
  preventionInterviewAt: r.prevention_interview_at,
  preventionInterviewBy: r.prevention_interview_by,
  disclosures: r.disclosures,
  laNotifiedAt: r.la_notified_at,
  returnHomeInterviewAt: r.return_home_interview_at,
  returnHomeInterviewDeclined: r.return_home_interview_declined,
  pacId: r.pac_id,
  pacLinkedAt: r.pac_linked_at,
  createdBy: r.created_by,
  version: r.version,
})

export interface TriggerPlan {
  id: string
  ref: string
  personId: string
  boroughId: string
  placesToSearch: string
  peopleToContact: string
  risks: string
  authorName: string
  /** The member of staff who recorded the plan in Kestrel (none for imported plans). */
  authorStaffId: string | null
  agreedWith: string[]
  startDate: string
  reviewDate: string
  endedOn: string | null
  endReason: string | null
  version: number
}

const asDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v))
export const toPlan = (r: PlanRow): TriggerPlan => ({
  id: r.id,
  ref: r.ref,
  personId: r.person_id,
  boroughId: r.borough_id,
  placesToSearch: r.places_to_search,
  peopleToContact: r.people_to_contact,
  risks: r.risks,
  authorName: r.author_name,
  authorStaffId: r.author_staff_id,
  agreedWith: r.agreed_with,
  startDate: asDay(r.start_date),
  reviewDate: asDay(r.review_date),
  endedOn: r.ended_on === null ? null : asDay(r.ended_on),
  endReason: r.end_reason,
  version: r.version,
})

/** A plan is live on a day from its start until the day before it ended. */
export const isLiveOn = (plan: TriggerPlan, onDay: string) =>
  plan.startDate <= onDay && (plan.endedOn === null || plan.endedOn > onDay)

export interface Review {
  id: string
  reviewedAt: Date
  reviewerName: string
  grade: Grade
  reason: string
  nextReviewDueAt: Date | null
}
const toReview = (r: ReviewRow): Review => ({
  id: r.id,
  reviewedAt: r.reviewed_at,
  reviewerName: r.reviewer_name,
  grade: r.grade as Grade,
  reason: r.reason,
  nextReviewDueAt: r.next_review_due_at,
})

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
}

/** A trigger plan outside the reader's need to know, as far as they are told of it. */
export interface PlanElsewhere {
  ref: string
  boroughName: string
}

const dayMs = 86_400_000

/** The tables whose batches are written by ref (episodes, reviews, trigger plans). */
type MissingTable = 'missing_episode' | 'missing_review' | 'trigger_plan'

const noSuchEpisode = 'There is no such missing episode'
const noSuchPlan = 'There is no such trigger plan'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The missing persons unit serving a borough: its own, else its BCU's on the day. */
function unitServing<T extends { boroughId: string | null; bcuId: string | null }>(
  units: readonly T[],
  boroughId: string,
  bcuId: string | null,
): T | undefined {
  return units.find((t) => t.boroughId === boroughId) ?? units.find((t) => bcuId && t.bcuId === bcuId)
}

export function missingService(db: Database, clock: Clock, deps: MissingDependencies) {
  const scale = deps.gradeScale ?? defaultGradeScale
  const repeat = deps.repeat ?? defaultRepeatThreshold
  const openCaseProviders: OpenCasesProvider[] = []

  async function episodeRow(q: Executor, id: string, lock = false) {
    if (!uuid.test(id)) return undefined
    let query = q.selectFrom('missing_episode').selectAll().where('id', '=', id)
    if (lock) query = query.forUpdate()
    return query.executeTakeFirst()
  }

  async function plansOf(q: Executor, personId: string): Promise<TriggerPlan[]> {
    const rows = await q
      .selectFrom('trigger_plan')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('start_date', 'desc')
      .execute()
    return rows.map(toPlan)
  }

  /** What a reader is told of a plan they may not see: its ref and the borough that holds it. */
  async function planElsewhere(q: Executor, plan: TriggerPlan): Promise<PlanElsewhere> {
    const borough = await deps.organisationOn(q).borough(plan.boroughId)
    return { ref: plan.ref, boroughName: borough?.name ?? 'another borough' }
  }

  /**
   * The child's record as it stood at `at`: flags, age, earlier episodes, live plan, associates. The
   * grading history counts every earlier episode (the suggestion needs them all); the episodes listed,
   * the live plan shown and the open cases are those within the reader's reach.
   */
  async function contextOn(
    q: Executor,
    person: Person,
    at: Date,
    reach: Reach,
    options: { excludeEpisodeId?: string; withCases?: boolean } = {},
  ): Promise<ChildContext> {
    const children = deps.childrenOn(q)
    const onDay = londonDay(at)
    const [flags, plans, relationships, earlier] = await Promise.all([
      children.flagsOn(person.id, onDay),
      plansOf(q, person.id),
      children.relationships(person.id),
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
        .$if(Boolean(options.excludeEpisodeId), (w) =>
          w.where('id', '!=', options.excludeEpisodeId as string),
        )
        .orderBy('reported_at', 'desc')
        .execute(),
    ])
    const within = (days: number) =>
      earlier.filter((e) => e.reported_at.getTime() > at.getTime() - days * dayMs).length
    const previous = { last30: within(30), last90: within(repeat.days), last365: earlier.length }
    const age = ageAt(person, onDay)?.years ?? null
    const openCases = options.withCases
      ? (await Promise.all(openCaseProviders.map((p) => p(person.id, reach).catch(() => [])))).flat()
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
      livePlanElsewhere: live && !livePlan ? await planElsewhere(q, live) : undefined,
      associates: relationships.filter((r) => r.kind === 'associate'),
      openCases,
      history: { ageAtReport: age, flags: flags.map((f) => f.flag), previous },
    }
  }

  interface Place {
    borough?: { id: string; name: string }
    bcuId?: string | null
    unitId?: string | null
    errors: FieldError[]
  }

  /**
   * Each record's borough (by id or name), its BCU on the day and its missing persons unit (the one
   * named, else the borough's, else its BCU's): the force, its boroughs and teams read once for a batch,
   * and every borough's BCU on its day in one query.
   */
  async function placesOf(
    q: Executor,
    asked: readonly { boroughKey: string; unitKey: string | undefined; at: Date }[],
  ): Promise<Place[]> {
    if (asked.length === 0) return []
    const organisation = deps.organisationOn(q)
    const force = await organisation.force().catch(() => undefined)
    if (!force) return asked.map(() => ({ errors: [{ field: 'borough', reason: 'No force is set up yet' }] }))
    const boroughs = await organisation.boroughs(force.id)
    const found = asked.map((a) =>
      boroughs.find((b) => b.id === a.boroughKey || b.name.toLowerCase() === a.boroughKey.toLowerCase()),
    )
    const bcus = await organisation.bcuIdsForBoroughs(
      found.flatMap((b, i) =>
        b ? [{ boroughId: b.id, day: londonDate((asked[i] as { at: Date }).at) }] : [],
      ),
    )
    const teams = (await organisation.teams(force.id)).filter((t) => t.kind === 'missing_persons_unit')
    return asked.map(({ boroughKey, unitKey, at }, i): Place => {
      const borough = found[i]
      if (!borough)
        return { errors: [{ field: 'borough', reason: `There is no borough called ${boroughKey}` }] }
      const bcuId = bcus.get(`${borough.id}|${londonDate(at)}`) ?? null
      let unit = unitServing(teams, borough.id, bcuId)
      if (unitKey) {
        unit = teams.find((t) => t.id === unitKey || t.name.toLowerCase() === unitKey.toLowerCase())
        if (!unit)
          return { errors: [{ field: 'unit', reason: `There is no missing persons unit called ${unitKey}` }] }
      }
      return { borough, bcuId, unitId: unit?.id ?? null, errors: [] }
    })
  }

  /**
   * The missing persons units a reader works with: those serving a borough within their reach on the
   * day (the borough's own unit, else its BCU's, as an episode is given one) and those they belong to.
   */
  async function unitsInReach(q: Executor, reach: Reach, at: Date) {
    const organisation = deps.organisationOn(q)
    const force = await organisation.force().catch(() => undefined)
    if (!force) return []
    const teams = (await organisation.teams(force.id)).filter((t) => t.kind === 'missing_persons_unit')
    const day = londonDate(at)
    const boroughs = (await organisation.boroughs(force.id)).filter((b) => canSee(reach, { boroughId: b.id }))
    const bcus = await organisation.bcuIdsForBoroughs(boroughs.map((b) => ({ boroughId: b.id, day })))
    const serving = new Set(
      boroughs.map((b) => unitServing(teams, b.id, bcus.get(`${b.id}|${day}`) ?? null)?.id),
    )
    return teams.filter(
      (t) => serving.has(t.id) || canSee(reach, { boroughId: t.boroughId, teamIds: [t.id] }),
    )
  }

  /**
   * What grading needs about each child in a batch (flags, trigger plans, episodes in the year before),
   * read once; `contextAt` then answers as `contextOn` would for a report time, and `recordEpisode` keeps
   * the episodes the batch writes in view for the reports after them.
   */
  async function gradingFacts(q: Executor, personIds: readonly string[], from: Date, until: Date) {
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
      contextAt(person: Person, at: Date) {
        const onDay = londonDay(at)
        const flags = flagsAsOf(flagRows.get(person.id) ?? [], onDay)
        const earlier = [...(byPerson.get(person.id) ?? [])]
          .map((id) => (episodes.get(id) as { reportedAt: Date }).reportedAt)
          .filter((t) => t < at && t >= new Date(at.getTime() - 365 * dayMs))
        const within = (days: number) =>
          earlier.filter((t) => t.getTime() > at.getTime() - days * dayMs).length
        const previous = { last30: within(30), last90: within(repeat.days), last365: earlier.length }
        const age = ageAt(person, onDay)?.years ?? null
        return {
          name: displayName(person),
          age,
          livePlan: (plans.get(person.id) ?? []).find((p) => isLiveOn(p, onDay)),
          history: { ageAtReport: age, flags: flags.map((f) => f.flag), previous } as GradingHistory,
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

  /**
   * Validates and writes episodes (a form's one, or an import batch's), in report order so each sees the
   * ones before it in the child's history. An existing ref is updated. All-or-nothing: errors per index.
   * Everything it reads is read once for the batch; new episodes go in set-wise with ids chosen here, and
   * the episodes already held (a re-run import) are updated one by one.
   */
  async function writeEpisodes(
    trx: Transaction,
    submissions: readonly { ref?: string; input: EpisodeValues }[],
    actor: string,
    now: Date,
  ): Promise<
    | { written: { ref: string; id: string; created: boolean }[] }
    | { errors: { index: number; errors: FieldError[] }[] }
  > {
    const order = submissions
      .map((s, i) => ({ s, i }))
      .sort((a, b) => +a.s.input.reportedAt - +b.s.input.reportedAt)
    const inputs = submissions.map((s) => s.input)
    const people = await peopleByKey(
      trx,
      inputs.map((e) => e.child),
    )
    const places = await placesOf(
      trx,
      inputs.map((e) => ({ boroughKey: e.borough, unitKey: e.unit, at: e.reportedAt })),
    )
    const pacs = await pacsByRefOrId(
      trx,
      inputs.flatMap((e) => (e.pac ? [e.pac] : [])),
    )
    const times = inputs.map((e) => e.reportedAt.getTime())
    const facts = await gradingFacts(
      trx,
      [...people.values()].map((p) => p.id),
      new Date(Math.min(...times)),
      new Date(Math.max(...times)),
    )
    const records = await byRefWriter(trx, 'missing_episode', submissions, actor)

    const failures: { index: number; errors: FieldError[] }[] = []
    const written: { ref: string; id: string; created: boolean }[] = []

    for (const { s, i } of order) {
      const e = s.input
      const errors: FieldError[] = episodeTimeErrors(e, now)
      const person = people.get(e.child)
      if (!person) errors.push({ field: 'child', reason: `There is no person with the reference ${e.child}` })
      const place = places[i] as Place
      errors.push(...place.errors)
      if (!isGrade(e.grade) || !scale.includes(e.grade)) {
        errors.push({
          field: 'grade',
          reason: `"${e.grade}" is not a grade on this force’s scale (${scale.join(', ')})`,
        })
      }
      let pac: ReturnType<typeof pacs.get>
      if (e.pac) {
        pac = pacs.get(e.pac)
        if (!pac) errors.push({ field: 'pac', reason: `There is no PAC ${e.pac}` })
        else if (person && pac.personId !== person.id)
          errors.push({ field: 'pac', reason: `PAC ${pac.ref} is about another person` })
      }
      if (!person || errors.length) {
        failures.push({ index: i, errors })
        continue
      }
      const context = facts.contextAt(person, e.reportedAt)
      if (context.age !== null && context.age >= 18)
        errors.push({
          field: 'child',
          reason: `${context.name} was ${context.age} when reported: not a child`,
        })
      const suggestion = suggestMinimumGrade(e.riskFactors, context.history, { scale, repeat })
      errors.push(...gradingErrors(e, suggestion.grade, scale))
      if (errors.length || !place.borough) {
        failures.push({ index: i, errors })
        continue
      }
      if (failures.length) continue
      const acknowledgedAt = e.planAcknowledgedAt ?? null
      const values = {
        person_id: person.id,
        borough_id: place.borough.id,
        bcu_id: place.bcuId ?? null,
        unit_team_id: place.unitId ?? null,
        reported_at: e.reportedAt,
        reported_by_kind: e.reportedByKind,
        reported_by_name: e.reportedByName || null,
        last_seen_at: e.lastSeenAt,
        last_seen_place: e.lastSeenPlace,
        circumstances: e.circumstances,
        age_at_report: context.age,
        grade: e.grade,
        risk_factors: [...new Set(e.riskFactors)],
        history_factors: historyFactors(context.history),
        suggested_grade: suggestion.grade,
        grading_reason: e.gradingReason || null,
        graded_by_name: e.gradedBy,
        supervisor_name: e.supervisorName || null,
        below_suggestion_reason: e.belowSuggestionReason || null,
        review_due_at: e.reviewDueAt ?? null,
        actions: e.actions || null,
        trigger_plan_id: context.livePlan?.id ?? null,
        plan_acknowledged_at: context.livePlan ? acknowledgedAt : null,
        plan_acknowledged_by: context.livePlan && acknowledgedAt ? e.planAcknowledgedBy || null : null,
        returned_at: e.returnedAt ?? null,
        found_place: e.foundPlace || null,
        found_by: e.foundBy || null,
        found_with: e.foundWith || null,
        prevention_interview_at: e.preventionInterviewAt ?? null,
        prevention_interview_by: e.preventionInterviewBy || null,
        disclosures: e.disclosures || null,
        la_notified_at: e.laNotifiedAt ?? null,
        return_home_interview_at: e.returnHomeInterviewAt ?? null,
        return_home_interview_declined: e.returnHomeInterviewDeclined,
        pac_id: pac?.id ?? null,
        pac_linked_at: pac ? (e.pacLinkedAt ?? now) : null,
        updated_at: now,
      }
      const row = await records.update(s.ref, values)
      if (row) {
        written.push({ ref: s.ref as string, id: row.id, created: false })
        facts.recordEpisode(row.id, person.id, e.reportedAt)
      } else {
        const id = randomUUID()
        const entry = { ref: s.ref ?? '', id, created: true }
        records.queue(s.ref, { id, ...values, created_by: actor, created_at: now }, entry)
        written.push(entry)
        facts.recordEpisode(id, person.id, e.reportedAt)
      }
    }
    if (failures.length) return { errors: failures.sort((a, b) => a.index - b.index) }
    await records.flush()
    return { written }
  }

  /**
   * A batch's records of one table, written by ref: a ref Kestrel already holds is updated in place (a
   * re-run import); new records are queued and inserted together by `flush`. A ref that comes again later
   * in the batch updates the queued record, which is written first, as two imports one after the other would.
   */
  async function byRefWriter<T extends MissingTable>(
    trx: Transaction,
    table: T,
    submissions: readonly { ref?: string }[],
    actor: string,
  ) {
    const refs = [...new Set(submissions.flatMap((s) => (s.ref ? [s.ref] : [])))]
    const held = new Map<string, { id: string; version: number; pending?: boolean }>()
    if (refs.length)
      for (const r of await trx
        .selectFrom(table as MissingTable)
        .select(['id', 'ref', 'version'])
        .where('ref', 'in', refs)
        .execute())
        held.set(r.ref as string, { id: r.id, version: r.version })
    let pending: { row: Insertable<DB[T]> & { id: string }; written: { ref: string } }[] = []
    const flush = async () => {
      const rows = await insertRecords(
        trx,
        table,
        pending.map((p) => p.row),
        actor,
      )
      // A record given no ref has the one the database made for it.
      for (const p of pending)
        p.written.ref = (rows.get(p.row.id) as { ref?: string | null } | undefined)?.ref ?? p.written.ref
      pending = []
    }
    return {
      flush,
      /** Updates the record already holding this ref; undefined when none does. */
      async update(
        ref: string | undefined,
        values: Updateable<DB[T]>,
      ): Promise<Selectable<DB[T]> | undefined> {
        let existing = ref ? held.get(ref) : undefined
        if (!ref || !existing) return undefined
        if (existing.pending) {
          await flush()
          existing = { id: existing.id, version: 1 }
        }
        const row = await deps.history.updateRecord(trx, table, existing.id, existing.version, values, {
          id: actor,
        })
        held.set(ref, { id: existing.id, version: (row as { version: number }).version })
        return row
      },
      /** Queues a new record (with its ref, when the line gave one) for the next flush. */
      queue(ref: string | undefined, row: Insertable<DB[T]> & { id: string }, written: { ref: string }) {
        pending.push({ row: { ...row, ...(ref ? { ref } : {}) }, written })
        if (ref) held.set(ref, { id: row.id, version: 1, pending: true })
      },
    }
  }

  /**
   * Inserts many new records of one table at version 1, their ids chosen by the caller, with a 'create'
   * history row for each recording every field it was created with (as `history.insertRecord` does).
   */
  async function insertRecords<T extends MissingTable>(
    trx: Transaction,
    table: T,
    rows: readonly (Insertable<DB[T]> & { id: string })[],
    actor: string,
  ): Promise<Map<string, Selectable<DB[T]>>> {
    const out = new Map<string, Selectable<DB[T]>>()
    const history: Insertable<DB['change_history']>[] = []
    for (let at = 0; at < rows.length; at += 500) {
      const chunk = rows.slice(at, at + 500)
      // Kysely cannot check an insert into a table chosen at run time; the signature carries the types.
      const inserted = (await (trx as unknown as Transaction)
        .insertInto(table as 'missing_review')
        .values(chunk as never)
        .returningAll()
        .execute()) as unknown as (Selectable<DB[T]> & { id: string; version: number })[]
      const byId = new Map(inserted.map((r) => [r.id, r]))
      for (const { id } of chunk) {
        const row = byId.get(id)
        if (!row) throw new Error(`internal: ${table} ${id} was not inserted`)
        out.set(id, row)
        history.push({
          record_table: table,
          record_id: id,
          version: row.version,
          action: 'create',
          changed_by: actor,
          changed_at: clock.now(),
          changes: JSON.stringify(changedFields({}, row, Object.keys(row))),
        })
      }
    }
    for (let at = 0; at < history.length; at += 1000)
      await trx
        .insertInto('change_history')
        .values(history.slice(at, at + 1000))
        .execute()
    return out
  }

  /**
   * Validates and writes reviews, all-or-nothing with errors per index. The episodes and the reviews
   * already held are read once for the batch; new reviews go in set-wise, held ones are updated one by one.
   */
  async function writeReviews(
    trx: Transaction,
    submissions: readonly { ref?: string; input: z.output<typeof reviewInput> }[],
    actor: string,
    now: Date,
  ): Promise<
    | { written: { ref: string; id: string; episodeId: string }[] }
    | { errors: { index: number; errors: FieldError[] }[] }
  > {
    const keys = [...new Set(submissions.map((s) => s.input.episode.trim()))]
    const ids = keys.filter((k) => uuid.test(k)).map((k) => k.toLowerCase())
    const episodeRefs = keys.filter((k) => !uuid.test(k))
    const episodes = keys.length
      ? await trx
          .selectFrom('missing_episode')
          .selectAll()
          .where(sql<boolean>`id = any(${ids}::uuid[]) or ref = any(${episodeRefs}::text[])`)
          .execute()
      : []
    const records = await byRefWriter(trx, 'missing_review', submissions, actor)

    const failures: { index: number; errors: FieldError[] }[] = []
    const written: { ref: string; id: string; episodeId: string }[] = []
    for (const [index, s] of submissions.entries()) {
      const r = s.input
      const errors: FieldError[] = []
      const key = r.episode.trim()
      const episode = uuid.test(key)
        ? episodes.find((e) => e.id === key.toLowerCase())
        : episodes.find((e) => e.ref === key)
      if (!episode) errors.push({ field: 'episode', reason: `There is no missing episode ${key}` })
      else if (r.reviewedAt < episode.reported_at)
        errors.push({
          field: 'reviewedAt',
          reason: 'The review is before the report: a review before the report',
        })
      if (r.reviewedAt > now) errors.push({ field: 'reviewedAt', reason: 'The review time is in the future' })
      if (r.nextReviewDueAt && r.nextReviewDueAt <= r.reviewedAt)
        errors.push({ field: 'nextReviewDueAt', reason: 'The next review must be after this one' })
      if (!isGrade(r.grade) || !scale.includes(r.grade))
        errors.push({
          field: 'grade',
          reason: `"${r.grade}" is not a grade on this force’s scale (${scale.join(', ')})`,
        })
      if (errors.length || !episode) {
        failures.push({ index, errors })
        continue
      }
      if (failures.length) continue
      const values = {
        episode_id: episode.id,
        reviewed_at: r.reviewedAt,
        reviewer_name: r.reviewerName,
        grade: r.grade,
        reason: r.reason,
        next_review_due_at: r.nextReviewDueAt ?? null,
        created_by: actor,
        created_at: now,
      }
      const row = await records.update(s.ref, values)
      if (row) {
        written.push({ ref: row.ref ?? row.id, id: row.id, episodeId: episode.id })
      } else {
        const id = randomUUID()
        const entry = { ref: s.ref ?? id, id, episodeId: episode.id }
        records.queue(s.ref, { id, ...values }, entry)
        written.push(entry)
      }
    }
    if (failures.length) return { errors: failures }
    await records.flush()
    return { written }
  }

  /**
   * Validates and writes trigger plans, all-or-nothing with errors per index. People, places, addresses
   * and the plans already held are read once for the batch; new plans go in set-wise, held ones are
   * updated one by one. A new plan records the member of staff who recorded it (none for an import).
   */
  async function writePlans(
    trx: Transaction,
    submissions: readonly { ref?: string; input: z.output<typeof triggerPlanInput> }[],
    actor: string,
    now: Date,
    authorStaffId: string | null = null,
  ): Promise<
    | { written: { ref: string; id: string; boroughId: string }[] }
    | { errors: { index: number; errors: FieldError[] }[] }
  > {
    const people = await peopleByKey(
      trx,
      submissions.map((s) => s.input.child),
    )
    const withBorough = submissions.flatMap((s, index) =>
      s.input.borough ? [{ index, key: s.input.borough }] : [],
    )
    const places = await placesOf(
      trx,
      withBorough.map((b) => ({ boroughKey: b.key, unitKey: undefined, at: now })),
    )
    const placeAt = new Map(withBorough.map((b, i) => [b.index, places[i] as Place]))
    const addresses = await addressBoroughsOf(
      trx,
      submissions.flatMap((s) => {
        const person = s.input.borough ? undefined : people.get(s.input.child)
        return person ? [person.id] : []
      }),
    )
    const records = await byRefWriter(trx, 'trigger_plan', submissions, actor)

    const failures: { index: number; errors: FieldError[] }[] = []
    const written: { ref: string; id: string; boroughId: string }[] = []
    for (const [index, s] of submissions.entries()) {
      const p = s.input
      const errors: FieldError[] = []
      const person = people.get(p.child)
      if (!person) errors.push({ field: 'child', reason: `There is no person with the reference ${p.child}` })
      else {
        const age = ageAt(person, p.startDate)
        if (age && age.years >= 18)
          errors.push({
            field: 'child',
            reason: `${displayName(person)} was ${age.years} on the start date: a trigger plan is for a child`,
          })
      }
      if (p.reviewDate < p.startDate)
        errors.push({ field: 'reviewDate', reason: 'The review date is before the start' })
      if (p.endedOn && p.endedOn < p.startDate)
        errors.push({ field: 'endedOn', reason: 'The plan ends before it starts' })
      let boroughId: string | null = null
      if (p.borough) {
        const place = placeAt.get(index) as Place
        errors.push(...place.errors)
        boroughId = place.borough?.id ?? null
      } else if (person) {
        boroughId = boroughOn(addresses.get(person.id) ?? [], p.startDate)
        if (!boroughId)
          errors.push({
            field: 'borough',
            reason: 'The child has no address with a borough: choose the borough',
          })
      }
      if (errors.length || !person || !boroughId) {
        failures.push({ index, errors })
        continue
      }
      if (failures.length) continue
      const values = {
        person_id: person.id,
        borough_id: boroughId,
        places_to_search: p.placesToSearch,
        people_to_contact: p.peopleToContact,
        risks: p.risks,
        author_name: p.authorName,
        agreed_with: [...new Set(p.agreedWith)],
        start_date: p.startDate,
        review_date: p.reviewDate,
        ended_on: p.endedOn ?? null,
        end_reason: p.endReason || null,
        updated_at: now,
      }
      const row = await records.update(s.ref, values)
      if (row) {
        written.push({ ref: row.ref, id: row.id, boroughId })
      } else {
        const id = randomUUID()
        const entry = { ref: s.ref ?? '', id, boroughId }
        records.queue(
          s.ref,
          { id, ...values, author_staff_id: authorStaffId, created_by: actor, created_at: now },
          entry,
        )
        written.push(entry)
      }
    }
    if (failures.length) return { errors: failures }
    await records.flush()
    return { written }
  }

  const fail = (result: { errors: { errors: FieldError[] }[] }): never => {
    throw new ValidationError(result.errors.flatMap((e) => e.errors))
  }

  /** Re-evaluates the episode's rules, and its borough's (MIS-10) and unit's (MIS-11). */
  async function evaluate(
    trx: Transaction,
    episodes: readonly Pick<EpisodeRow, 'id' | 'borough_id' | 'unit_team_id'>[],
  ) {
    if (!deps.afterWrite || episodes.length === 0) return
    await deps.afterWrite(
      trx,
      episodeKind.kind,
      episodes.map((e) => e.id),
    )
    await deps.afterWrite(trx, boroughKind, [...new Set(episodes.map((e) => e.borough_id))])
    const units = [...new Set(episodes.map((e) => e.unit_team_id).filter((u): u is string => Boolean(u)))]
    if (units.length) await deps.afterWrite(trx, teamKind, units)
  }

  function logChange(
    trx: Transaction,
    principal: Actor,
    action: string,
    subjectKind: string,
    subjectId: string,
    detail?: Record<string, unknown>,
  ) {
    return deps.accessLog.record(
      {
        actorId: principal.id,
        actorName: principal.username,
        action,
        subjectKind,
        subjectId,
        detail: detail ?? null,
      },
      trx,
    )
  }

  /** Changes an episode read at `version`: the whole record is checked again with the change in it. */
  async function change(
    id: string,
    version: number,
    principal: Principal,
    build: (
      episode: Episode,
      now: Date,
      trx: Transaction,
    ) =>
      | Promise<{ patch: Record<string, unknown>; errors: FieldError[] }>
      | { patch: Record<string, unknown>; errors: FieldError[] },
    what: string,
  ): Promise<Episode> {
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const row = await episodeRow(trx, id, true)
      const episode = row && toEpisode(row)
      episodeKind.mustSee(reachOf(principal), episode, noSuchEpisode)
      if (episode.version !== version) throw new ConflictError()
      const { patch, errors } = await build(episode, now, trx)
      const merged = { ...episode, ...camel(patch) }
      errors.push(...episodeTimeErrors(merged, now))
      if (errors.length) throw new ValidationError(errors)
      const written = await deps.history.updateRecord(
        trx,
        'missing_episode',
        id,
        version,
        { ...patch, updated_at: now },
        principal,
      )
      await logChange(trx, principal, 'update', episodeKind.kind, id, { change: what })
      await evaluate(trx, [written])
      return toEpisode(written)
    })
  }

  const service = {
    scale,
    repeat,
    episodeInput,

    /** The investigations module (or any other) tells the grading page about a child's open cases. */
    registerOpenCasesProvider(provider: OpenCasesProvider) {
      openCaseProviders.push(provider)
    },

    /** The child's record at the point of decision, with the suggestion from history alone. */
    async childContext(
      childKey: string,
      reach: Reach,
      at: Date = clock.now(),
    ): Promise<ChildContext & { suggestion: Suggestion }> {
      const person = await deps.children.find(childKey)
      if (!person)
        throw new ValidationError([
          { field: 'child', reason: `There is no person with the reference ${childKey}` },
        ])
      const context = await contextOn(db, person, at, reach, { withCases: true })
      return { ...context, suggestion: suggestMinimumGrade([], context.history, { scale, repeat }) }
    },

    suggest: (answered: readonly RiskFactor[], history: GradingHistory) =>
      suggestMinimumGrade(answered, history, { scale, repeat }),

    /** Opens an episode; an unknown child, a bad grade or an impossible time is a ValidationError, nothing written. */
    async create(input: EpisodeInput, principal: Principal): Promise<Episode> {
      const parsed = episodeInput.safeParse(input)
      if (!parsed.success)
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'episode', reason: i.message })),
        )
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        const result = await writeEpisodes(trx, [{ input: parsed.data }], principal.id, now)
        if ('errors' in result) fail(result)
        const id = (result as { written: { id: string }[] }).written[0]?.id as string
        const row = (await episodeRow(trx, id)) as EpisodeRow
        if (!episodeKind.canSee(reachOf(principal), toEpisode(row)))
          throw new ForbiddenError('You can open episodes only in your own area')
        await logChange(trx, principal, 'create', episodeKind.kind, id, { personId: row.person_id })
        await evaluate(trx, [row])
        return toEpisode(row)
      })
    },

    /** One episode with its reviews and the child's record then, for someone allowed to see it; the read is logged. */
    async get(id: string, principal: Principal, reason?: string) {
      const reach = reachOf(principal)
      const row = await episodeRow(db, id)
      const episode = row && toEpisode(row)
      episodeKind.mustSee(reach, episode, noSuchEpisode)
      const person = (await deps.children.find(episode.personId)) as Person
      const [reviews, context, borough, unit, plan, pac] = await Promise.all([
        db
          .selectFrom('missing_review')
          .selectAll()
          .where('episode_id', '=', id)
          .orderBy('reviewed_at')
          .execute(),
        contextOn(db, person, episode.reportedAt, reach, { excludeEpisodeId: id, withCases: true }),
        deps.organisation.borough(episode.boroughId),
        episode.unitTeamId ? deps.organisation.team(episode.unitTeamId) : undefined,
        episode.triggerPlanId
          ? db
              .selectFrom('trigger_plan')
              .selectAll()
              .where('id', '=', episode.triggerPlanId)
              .executeTakeFirst()
          : undefined,
        episode.pacId ? pacByRefOrId(db, episode.pacId) : undefined,
      ])
      await deps.accessLog.record({
        actorId: principal.id,
        actorName: principal.username,
        action: 'read',
        subjectKind: episodeKind.kind,
        subjectId: id,
        reason: reason ?? null,
      })
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
        suggestion: suggestMinimumGrade(episode.riskFactors, context.history, { scale, repeat }),
        boroughName: borough?.name ?? '',
        unitName: unit?.name ?? null,
        plan: planVisible,
        planElsewhere: linked && !planVisible ? await planElsewhere(db, linked) : undefined,
        pacRef: pac?.ref ?? null,
      }
    },

    async addReview(id: string, version: number, input: Omit<ReviewInput, 'episode'>, principal: Principal) {
      const parsed = reviewInput.safeParse({ ...input, episode: id })
      if (!parsed.success)
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'review', reason: i.message })),
        )
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        const row = await episodeRow(trx, id, true)
        episodeKind.mustSee(reachOf(principal), row && toEpisode(row), noSuchEpisode)
        if (row?.version !== version) throw new ConflictError()
        const result = await writeReviews(trx, [{ input: parsed.data }], principal.id, now)
        if ('errors' in result) fail(result)
        await deps.history.updateRecord(trx, 'missing_episode', id, version, { updated_at: now }, principal)
        await logChange(trx, principal, 'update', episodeKind.kind, id, { change: 'review' })
        await evaluate(trx, [row])
      })
    },

    recordReturn(
      id: string,
      version: number,
      input: { returnedAt: Date; foundPlace: string; foundBy: string; foundWith?: string },
      principal: Principal,
    ) {
      return change(
        id,
        version,
        principal,
        () => {
          const errors: FieldError[] = []
          if (!input.foundPlace?.trim())
            errors.push({ field: 'foundPlace', reason: 'Enter where the child was found' })
          if (!input.foundBy?.trim())
            errors.push({ field: 'foundBy', reason: 'Enter who found the child or where they returned' })
          return {
            errors,
            patch: {
              returned_at: input.returnedAt,
              found_place: input.foundPlace?.trim(),
              found_by: input.foundBy?.trim(),
              found_with: input.foundWith?.trim() || null,
            },
          }
        },
        'return',
      )
    },

    recordPreventionInterview(
      id: string,
      version: number,
      input: { at: Date; by: string; disclosures?: string },
      principal: Principal,
    ) {
      return change(
        id,
        version,
        principal,
        () => ({
          errors: input.by?.trim()
            ? []
            : [{ field: 'preventionInterviewBy', reason: 'Enter who held the interview' }],
          patch: {
            prevention_interview_at: input.at,
            prevention_interview_by: input.by?.trim(),
            disclosures: input.disclosures?.trim() || null,
          },
        }),
        'prevention interview',
      )
    },

    recordReturnHomeInterview(
      id: string,
      version: number,
      input: { laNotifiedAt?: Date | null; interviewAt?: Date | null; declined?: boolean },
      principal: Principal,
    ) {
      return change(
        id,
        version,
        principal,
        (e) => ({
          errors:
            !input.laNotifiedAt && !e.laNotifiedAt && (input.interviewAt || input.declined)
              ? [{ field: 'laNotifiedAt', reason: 'Enter when the local authority was notified' }]
              : [],
          patch: {
            ...(input.laNotifiedAt ? { la_notified_at: input.laNotifiedAt } : {}),
            ...(input.interviewAt ? { return_home_interview_at: input.interviewAt } : {}),
            ...(input.declined !== undefined ? { return_home_interview_declined: input.declined } : {}),
          },
        }),
        'return home interview',
      )
    },

    linkPac(id: string, version: number, pacKey: string, principal: Principal) {
      return change(
        id,
        version,
        principal,
        async (e, now, trx) => {
          const pac = pacKey.trim() ? await pacByRefOrId(trx, pacKey) : undefined
          if (!pac)
            return {
              errors: [
                {
                  field: 'pac',
                  reason: pacKey.trim() ? `There is no PAC ${pacKey.trim()}` : 'Enter the PAC reference',
                },
              ],
              patch: {},
            }
          if (pac.personId !== e.personId)
            return { errors: [{ field: 'pac', reason: `PAC ${pac.ref} is about another person` }], patch: {} }
          return { errors: [], patch: { pac_id: pac.id, pac_linked_at: now } }
        },
        'pac',
      )
    },

    /** Records that the person opening or working the episode read the child's live trigger plan (MIS-04). */
    acknowledgePlan(id: string, version: number, principal: Principal) {
      return change(
        id,
        version,
        principal,
        (e, now) => ({
          errors: e.triggerPlanId
            ? []
            : [{ field: 'plan', reason: 'The child had no live trigger plan when reported' }],
          patch: { plan_acknowledged_at: now, plan_acknowledged_by: principal.displayName },
        }),
        'trigger plan acknowledged',
      )
    },

    async createPlan(input: TriggerPlanInput, principal: Principal): Promise<TriggerPlan> {
      const parsed = triggerPlanInput.safeParse(input)
      if (!parsed.success)
        throw new ValidationError(
          parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'plan', reason: i.message })),
        )
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        const result = await writePlans(trx, [{ input: parsed.data }], principal.id, now, principal.staffId)
        if ('errors' in result) fail(result)
        const w = (result as { written: { id: string; boroughId: string }[] }).written[0] as {
          id: string
          boroughId: string
        }
        const row = await trx
          .selectFrom('trigger_plan')
          .selectAll()
          .where('id', '=', w.id)
          .executeTakeFirstOrThrow()
        // A plan its writer could not then read is refused, and the transaction leaves nothing behind.
        if (!triggerPlanKind.canSee(reachOf(principal), toPlan(row)))
          throw new ForbiddenError('You can agree trigger plans only in your own area')
        await logChange(trx, principal, 'create', triggerPlanKind.kind, w.id)
        await deps.afterWrite?.(trx, boroughKind, [w.boroughId])
        // The child's episodes may now meet MIS-03.
        const episodes = await trx
          .selectFrom('missing_episode')
          .select('id')
          .where('person_id', '=', row.person_id)
          .execute()
        if (episodes.length)
          await deps.afterWrite?.(
            trx,
            episodeKind.kind,
            episodes.map((e) => e.id),
          )
        return toPlan(row)
      })
    },

    async endPlan(id: string, version: number, endedOn: string, reason: string, principal: Principal) {
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        const row = uuid.test(id)
          ? await trx
              .selectFrom('trigger_plan')
              .selectAll()
              .where('id', '=', id)
              .forUpdate()
              .executeTakeFirst()
          : undefined
        const plan = row && toPlan(row)
        triggerPlanKind.mustSee(reachOf(principal), plan, noSuchPlan)
        if (plan.version !== version) throw new ConflictError()
        const errors: FieldError[] = []
        if (!isIsoDate(endedOn)) errors.push({ field: 'endedOn', reason: 'Enter the date the plan ended' })
        else if (endedOn < plan.startDate)
          errors.push({ field: 'endedOn', reason: 'The plan ends before it starts' })
        if (!reason.trim()) errors.push({ field: 'endReason', reason: 'Enter why the plan ended' })
        if (errors.length) throw new ValidationError(errors)
        await deps.history.updateRecord(
          trx,
          'trigger_plan',
          id,
          version,
          { ended_on: endedOn, end_reason: reason.trim(), updated_at: now },
          principal,
        )
        await logChange(trx, principal, 'update', triggerPlanKind.kind, id, { change: 'ended' })
        await deps.afterWrite?.(trx, boroughKind, [plan.boroughId])
      })
    },

    /** One trigger plan for someone allowed to see it (404 otherwise); the read is logged. */
    async plan(id: string, principal: Principal) {
      const row = uuid.test(id)
        ? await db.selectFrom('trigger_plan').selectAll().where('id', '=', id).executeTakeFirst()
        : undefined
      const plan = row && toPlan(row)
      triggerPlanKind.mustSee(reachOf(principal), plan, noSuchPlan)
      const person = await deps.children.find(plan.personId)
      const borough = await deps.organisation.borough(plan.boroughId)
      await deps.accessLog.record({
        actorId: principal.id,
        actorName: principal.username,
        action: 'read',
        subjectKind: triggerPlanKind.kind,
        subjectId: id,
      })
      return { plan, person, boroughName: borough?.name ?? '', live: isLiveOn(plan, londonDay(clock.now())) }
    },

    /** Records how many staff a unit has on duty from now (MIS-11). */
    async recordDuty(teamId: string, staffOnDuty: number, names: string, principal: Principal) {
      const now = clock.now()
      // Only a unit the reader works with, as the unit view lists them; any other is not a choice.
      const units = await unitsInReach(db, reachOf(principal), now)
      const errors: FieldError[] = []
      if (!units.some((u) => u.id === teamId))
        errors.push({ field: 'unit', reason: 'Choose a missing persons unit' })
      if (!Number.isInteger(staffOnDuty) || staffOnDuty < 0 || staffOnDuty > 500)
        errors.push({ field: 'staffOnDuty', reason: 'Enter the number of staff on duty, like 3' })
      if (errors.length) throw new ValidationError(errors)
      await db.transaction().execute(async (trx) => {
        const row = await deps.history.insertRecord(
          trx,
          'missing_unit_duty',
          {
            team_id: teamId,
            on_duty_from: now,
            staff_on_duty: staffOnDuty,
            names: names.trim() || null,
            recorded_by: principal.id,
            recorded_at: now,
          },
          principal,
        )
        await logChange(trx, principal, 'create', 'missing-unit-duty', row.id)
        await deps.afterWrite?.(trx, teamKind, [teamId])
      })
    },

    /** The missing persons unit's view: live episodes by risk and age, reviews due, returns owed an interview, units' load. */
    async unitView(
      principal: Principal,
      options: { asOf?: Date; boroughId?: string; unitId?: string; query?: string; requestId?: string } = {},
    ) {
      const asOf = options.asOf ?? clock.now()
      const reach = reachOf(principal)
      const { rows } = await sql<{
        id: string
        ref: string
        person_id: string
        reported_at: Date
        age_at_report: number | null
        grade: Grade
        unit_team_id: string | null
        borough_id: string
        returned_at: Date | null
        prevention_interview_at: Date | null
        next_review_due_at: Date | null
        trigger_plan_id: string | null
        plan_acknowledged_at: Date | null
      }>`
        select e.id, e.ref, e.person_id, e.reported_at, e.age_at_report, e.unit_team_id, e.borough_id,
          e.returned_at, e.prevention_interview_at, e.trigger_plan_id, e.plan_acknowledged_at,
          coalesce(lr.grade, e.grade) as grade,
          case when lr.id is null then e.review_due_at else lr.next_review_due_at end as next_review_due_at
        from missing_episode e
        left join lateral (select r.id, r.grade, r.next_review_due_at from missing_review r
          where r.episode_id = e.id and r.reviewed_at <= ${asOf} order by r.reviewed_at desc limit 1) lr on true
        where e.reported_at <= ${asOf}
          and ((e.returned_at is null or e.returned_at > ${asOf})
            or (e.returned_at > ${asOf}::timestamptz - interval '30 days' and e.prevention_interview_at is null))
          and ${episodeKind.where(reach, 'e')}
          ${options.boroughId && uuid.test(options.boroughId) ? sql`and e.borough_id = ${options.boroughId}` : sql``}
          ${options.unitId && uuid.test(options.unitId) ? sql`and e.unit_team_id = ${options.unitId}` : sql``}
        order by e.reported_at`.execute(db)
      const people = await peopleByKey(
        db,
        rows.map((r) => r.person_id),
      )
      const item = (r: (typeof rows)[number]) => ({
        id: r.id,
        ref: r.ref,
        childName: people.get(r.person_id) ? displayName(people.get(r.person_id) as Person) : 'Unknown',
        childRef: people.get(r.person_id)?.ref ?? '',
        reportedAt: r.reported_at,
        age: r.age_at_report,
        ageBand: ageBand(r.age_at_report),
        grade: r.grade,
        gradeLabel: gradeLabels[r.grade],
        nextReviewDueAt: r.next_review_due_at,
        returnedAt: r.returned_at,
        planUnacknowledged: Boolean(r.trigger_plan_id && !r.plan_acknowledged_at),
      })
      const live = rows.filter((r) => !r.returned_at || r.returned_at > asOf)
      const returned = rows.filter(
        (r) => r.returned_at && r.returned_at <= asOf && !r.prevention_interview_at,
      )
      const bands = ['Under 12', '12 to 15', '16 and 17', 'Age not known']
      const grades = [...scale].reverse()
      const matrix = grades.map((g) => ({
        grade: g,
        label: gradeLabels[g],
        counts: bands.map((b) => live.filter((r) => r.grade === g && ageBand(r.age_at_report) === b).length),
        total: live.filter((r) => r.grade === g).length,
      }))
      const soon = asOf.getTime() + 3_600_000
      const reviewsDue = live
        .filter((r) => !r.next_review_due_at || r.next_review_due_at.getTime() <= soon)
        .map(item)
        .sort((a, b) => (a.nextReviewDueAt?.getTime() ?? 0) - (b.nextReviewDueAt?.getTime() ?? 0))
      // The units' load: open episodes per member of staff on duty, as MIS-11 counts them.
      const teams = await unitsInReach(db, reach, asOf)
      const duty = teams.length
        ? (
            await sql<{ team_id: string; staff_on_duty: number; on_duty_from: Date; names: string | null }>`
              select distinct on (team_id) team_id, staff_on_duty, on_duty_from, names from missing_unit_duty
              where team_id = any(${teams.map((t) => t.id)}::uuid[]) and on_duty_from <= ${asOf}
              order by team_id, on_duty_from desc`.execute(db)
          ).rows
        : []
      const openByUnit = new Map<string, number>()
      for (const r of live)
        if (r.unit_team_id) openByUnit.set(r.unit_team_id, (openByUnit.get(r.unit_team_id) ?? 0) + 1)
      const units = teams.map((t) => {
        const d = duty.find((x) => x.team_id === t.id)
        const open = openByUnit.get(t.id) ?? 0
        return {
          id: t.id,
          name: t.name,
          open,
          staffOnDuty: d?.staff_on_duty ?? null,
          onDutyFrom: d?.on_duty_from ?? null,
          names: d?.names ?? null,
          perStaff: d && d.staff_on_duty > 0 ? Math.round((open / d.staff_on_duty) * 10) / 10 : null,
        }
      })
      // Every episode the view names (live, and returned owing an interview), in one access-log row.
      await deps.accessLog.recordList({
        actorId: principal.id,
        actorName: principal.username,
        subjectKind: episodeKind.kind,
        query: options.query ?? 'missing unit view',
        ids: [...live, ...returned].map((r) => r.id),
        requestId: options.requestId ?? null,
      })
      return {
        asOf,
        live: live.map(item),
        matrix,
        bands,
        reviewsDue,
        returnsWithoutInterview: returned.map(item),
        units,
      }
    },

    /** Items for the child's chronology: the episodes and trigger plans within the reader's reach. */
    async timelineFor(personId: string, reach: Reach, asOf?: Date) {
      const episodes = await db
        .selectFrom('missing_episode')
        .select(['id', 'ref', 'reported_at', 'grade', 'returned_at'])
        .where('person_id', '=', personId)
        .where(episodeKind.where(reach))
        .$if(asOf !== undefined, (q) => q.where('reported_at', '<=', asOf as Date))
        .execute()
      const plans = await db
        .selectFrom('trigger_plan')
        .select(['id', 'ref', 'created_at', 'start_date'])
        .where('person_id', '=', personId)
        .where(triggerPlanKind.where(reach))
        .$if(asOf !== undefined, (q) => q.where('created_at', '<=', asOf as Date))
        .execute()
      return [
        ...episodes.map((e) => ({
          at: e.reported_at,
          kind: episodeKind.kind,
          title: `Reported missing (${gradeLabels[e.grade as Grade].toLowerCase()})`,
          detail: e.returned_at
            ? `Returned ${e.returned_at.toISOString().slice(0, 16).replace('T', ' ')} UTC`
            : 'Not yet returned',
          href: `/missing/episodes/${e.id}`,
        })),
        ...plans.map((p) => ({
          at: p.created_at,
          kind: triggerPlanKind.kind,
          title: `Trigger plan ${p.ref} agreed`,
          detail: `From ${asDay(p.start_date)}`,
          href: `/missing/trigger-plans/${p.id}`,
        })),
      ]
    },

    writeEpisodes,
    writeReviews,
    writePlans,

    measures: measures(db, clock, { scale, repeat }),
  }
  return service
}

/** snake_case patch keys as the Episode's camelCase fields, to check the merged record. */
function camel(patch: Record<string, unknown>): Partial<Episode> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(patch))
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v
  return out as Partial<Episode>
}

/** The dashboard's missing-children measures. */
function measures(db: Database, clock: Clock, options: { scale: readonly Grade[]; repeat: RepeatThreshold }) {
  return {
    /** Episodes reported in [from, until) by borough (with its BCU) and grade at report. */
    async episodesByAreaAndGrade(from: Date, until: Date) {
      const { rows } = await sql<{
        borough_id: string
        bcu_id: string | null
        grade: Grade
        episodes: number
      }>`
        select borough_id, bcu_id, grade, count(*)::int as episodes from missing_episode
        where reported_at >= ${from} and reported_at < ${until}
        group by 1, 2, 3 order by 1, 3`.execute(db)
      return rows.map((r) => ({
        boroughId: r.borough_id,
        bcuId: r.bcu_id,
        grade: r.grade,
        episodes: r.episodes,
      }))
    },

    /**
     * Of the episodes graded no apparent risk (absent or very low) in [from, until), the share with two or
     * more risk factors recorded (answered or found in the record): the misgrading the report describes.
     */
    async absentWithRiskFactorsShare(from: Date, until: Date, minFactors = 2) {
      const { rows } = await sql<{
        lowest: number
        with_factors: number
        children: number
        children_with: number
      }>`
        select count(*)::int as lowest,
          count(*) filter (where (select count(distinct f) from unnest(risk_factors || history_factors) f) >= ${minFactors})::int as with_factors,
          count(distinct person_id)::int as children,
          count(distinct person_id) filter (where (select count(distinct f) from unnest(risk_factors || history_factors) f) >= ${minFactors})::int as children_with
        from missing_episode
        where reported_at >= ${from} and reported_at < ${until} and grade = any(${[...lowestBand]}::text[])`.execute(
        db,
      )
      const r = rows[0] ?? { lowest: 0, with_factors: 0, children: 0, children_with: 0 }
      return {
        gradedLowest: r.lowest,
        withTwoOrMoreFactors: r.with_factors,
        share: r.lowest ? r.with_factors / r.lowest : null,
        children: r.children,
        childrenWithTwoOrMoreFactors: r.children_with,
        childrenShare: r.children ? r.children_with / r.children : null,
      }
    },

    /** Children with N or more episodes in the M days to asOf, by borough, with and without a live plan. */
    async repeatMissingByBorough(asOf: Date = clock.now()) {
      const since = new Date(asOf.getTime() - options.repeat.days * dayMs)
      const onDay = londonDay(asOf)
      const { rows } = await sql<{ borough_id: string; with_plan: number; without_plan: number }>`
        with repeat as (
          select borough_id, person_id from missing_episode
          where reported_at <= ${asOf} and reported_at > ${since}
          group by borough_id, person_id having count(*) >= ${options.repeat.episodes}
        )
        select borough_id,
          count(*) filter (where live)::int as with_plan, count(*) filter (where not live)::int as without_plan
        from (select r.borough_id, exists (select 1 from trigger_plan tp where tp.person_id = r.person_id
          and tp.start_date <= ${onDay}::date and (tp.ended_on is null or tp.ended_on > ${onDay}::date)) as live
          from repeat r) x
        group by borough_id order by borough_id`.execute(db)
      return rows.map((r) => ({
        boroughId: r.borough_id,
        withLivePlan: r.with_plan,
        withoutLivePlan: r.without_plan,
      }))
    },

    /** Of the returns in [from, until), the share with a prevention interview within N hours; by grade band. */
    async preventionInterviewsWithin(from: Date, until: Date, hours = 72) {
      const { rows } = await sql<{ lowest: boolean; returns: number; within: number }>`
        select grade = any(${[...lowestBand]}::text[]) as lowest, count(*)::int as returns,
          count(*) filter (where prevention_interview_at <= returned_at + interval '1 hour' * ${hours})::int as within
        from missing_episode where returned_at >= ${from} and returned_at < ${until}
        group by 1`.execute(db)
      const sum = (f: (r: (typeof rows)[number]) => boolean) => {
        const picked = rows.filter(f)
        const returns = picked.reduce((s, r) => s + r.returns, 0)
        const within = picked.reduce((s, r) => s + r.within, 0)
        return { returns, within, share: returns ? within / returns : null }
      }
      return { all: sum(() => true), gradedLowest: sum((r) => r.lowest), gradedAbove: sum((r) => !r.lowest) }
    },

    /** Live trigger plans by borough on asOf's London day (boroughs with none are absent from the list). */
    async livePlansByBorough(asOf: Date = clock.now()) {
      const onDay = londonDay(asOf)
      const { rows } = await sql<{ borough_id: string; plans: number }>`
        select borough_id, count(*)::int as plans from trigger_plan
        where start_date <= ${onDay}::date and (ended_on is null or ended_on > ${onDay}::date)
        group by 1 order by 1`.execute(db)
      return rows.map((r) => ({ boroughId: r.borough_id, livePlans: r.plans }))
    },
  }
}

export type MissingService = ReturnType<typeof missingService>
