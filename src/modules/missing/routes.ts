import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Access, permits } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Database } from '../../platform/db/database.ts'
import { type FieldError, ValidationError } from '../../platform/http/errors.ts'
import type { StandardsService } from '../../standards/service.ts'
import { flagLabels, londonDay } from '../children/person.ts'
import type { OrganisationService } from '../organisation/service.ts'
import {
  dutyRecorders,
  episodeKind,
  episodeRecorders,
  episodeReporters,
  episodeReviewers,
  missingReaders,
  planAgreers,
  planEnders,
} from './access.ts'
import {
  gradeLabels,
  type RiskFactor,
  reporterKinds,
  reporterLabels,
  riskFactorLabels,
  riskFactors,
  suggestMinimumGrade,
} from './grading.ts'
import { historyInWindow, repeatThresholdAt } from './repeat-threshold.ts'
import { agreedWithKinds, agreedWithLabels, type MissingService } from './service.ts'

export const missingPath = '/missing'
// The navigation asks who may read the module's pages.

type Body = Record<string, unknown> | undefined
const principalOf = (request: FastifyRequest) => request.principal as Principal
const str = (body: Body, key: string) => (typeof body?.[key] === 'string' ? (body[key] as string).trim() : '')
const list = (body: Body, key: string): string[] => {
  const v = body?.[key]
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []
}

/** A `datetime-local` value ("2018-08-01T21:30") read as London clock time. */
export function londonInstant(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value)
  if (!m) return null
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number]
  const asUtc = Date.UTC(y, mo - 1, d, h, mi)
  // London is UTC or UTC+1: try both offsets and keep the one that reads back as the clock time typed.
  for (const offset of [0, 1, -1]) {
    const candidate = new Date(asUtc - offset * 3_600_000)
    if (toLocalInput(candidate) === value) return candidate
  }
  return new Date(asUtc - 3_600_000)
}

const localParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
/** An instant as a `datetime-local` value in London time. */
export function toLocalInput(at: Date | null | undefined): string {
  if (!at) return ''
  const p = Object.fromEntries(localParts.formatToParts(at).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`
}

/** Reads a required or optional date and time field, naming it in the error. */
function timeField(body: Body, key: string, label: string, errors: FieldError[], required = true) {
  const raw = str(body, key)
  if (!raw) {
    if (required) errors.push({ field: key, reason: `Enter the ${label}` })
    return undefined
  }
  const at = londonInstant(raw)
  if (!at) errors.push({ field: key, reason: `Enter the ${label} as a date and time, like 2018-08-01 21:30` })
  return at ?? undefined
}

const errorSummary = (errors: FieldError[]) => errors.map((e) => ({ text: e.reason, href: `#${e.field}` }))
const fieldErrors = (errors: FieldError[]) =>
  Object.fromEntries(errors.map((e) => [e.field, e.reason]).reverse()) as Record<string, string>

export function missingRoutes(
  app: FastifyInstance,
  services: {
    missing: MissingService
    standards: StandardsService
    organisation: OrganisationService
    clock: { now(): Date }
    db: Database
  },
) {
  const { missing, standards, organisation, clock } = services
  const can = (request: FastifyRequest, access: Access) => permits(access, principalOf(request).roles)
  const boroughList = async () => {
    const force = await organisation.force().catch(() => undefined)
    return force ? organisation.boroughs(force.id) : []
  }

  async function unitPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    body?: Body,
  ) {
    const q = request.query as { borough?: string; unit?: string }
    const view = await missing.unitView(principalOf(request), {
      boroughId: q.borough,
      unitId: q.unit,
      query: `${request.method} ${request.url}`,
      requestId: request.id,
    })
    return reply.code(errors.length ? 400 : 200).render('missing/views/unit.njk', {
      pageTitle: 'Missing children',
      view,
      canReport: can(request, episodeReporters),
      canAgreePlan: can(request, planAgreers),
      canRecordDuty: can(request, dutyRecorders),
      errors: errorSummary(errors),
      fieldErrors: fieldErrors(errors),
      values: Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => typeof v === 'string')),
    })
  }

  app.get(missingPath, { config: { access: missingReaders } }, async (request, reply) =>
    unitPage(request, reply),
  )

  app.post(`${missingPath}/duty`, { config: { access: dutyRecorders } }, async (request, reply) => {
    const body = request.body as Body
    // An empty box is not "nobody on duty": Number('') would record 0.
    const count = str(body, 'staffOnDuty')
    try {
      await missing.recordDuty(
        str(body, 'unit'),
        /^\d+$/.test(count) ? Number(count) : Number.NaN,
        str(body, 'names'),
        principalOf(request),
      )
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return unitPage(request, reply, error.errors, body)
    }
    return reply.redirect(missingPath, 303)
  })

  // ---- opening an episode: the child first, then the grading with their history ----

  async function newEpisodePage(
    request: FastifyRequest,
    reply: FastifyReply,
    childKey: string,
    body: Body,
    errors: FieldError[],
    status = 200,
  ) {
    if (!childKey) {
      return reply.code(status).render('missing/views/find-child.njk', {
        pageTitle: 'Report a missing child',
        errors: errorSummary(errors),
        fieldErrors: fieldErrors(errors),
        child: str(body, 'child'),
      })
    }
    const at = (body && timeField(body, 'reportedAt', 'report time', [], false)) || clock.now()
    let context: Awaited<ReturnType<typeof missing.childContext>>
    try {
      context = await missing.childContext(childKey, reachOf(principalOf(request)), at)
    } catch (error) {
      // An unknown child (a mistyped ref on the form) goes back to finding the child, with the reason.
      if (!(error instanceof ValidationError)) throw error
      return newEpisodePage(request, reply, '', { child: childKey }, error.errors, 400)
    }
    const answered = list(body, 'riskFactors') as RiskFactor[]
    // Repeat missing as MIS-02 is configured at the report time, for the borough once one is chosen.
    const repeat = await repeatThresholdAt(standards, at, str(body, 'borough') || null)
    const history = await historyInWindow(services.db, context.person.id, at, context.history, repeat)
    const suggestion = suggestMinimumGrade(answered, history, { scale: missing.scale, repeat })
    return reply.code(status).render('missing/views/new-episode.njk', {
      pageTitle: 'Grade the risk to a missing child',
      errors: errorSummary(errors),
      fieldErrors: fieldErrors(errors),
      context: { ...context, history, previous: history.previous, repeatDays: repeat.days },
      suggestion,
      gradeLabels,
      flagLabels,
      boroughs: await boroughList(),
      reporterKinds: reporterKinds.map((k) => ({ value: k, text: reporterLabels[k] })),
      factors: riskFactors.map((f) => ({
        value: f,
        text: riskFactorLabels[f],
        checked: answered.includes(f),
        fromRecord: suggestion.factors.includes(f) && !answered.includes(f),
      })),
      grades: missing.scale.map((g) => ({ value: g, text: gradeLabels[g] })),
      values: {
        child: context.person.ref,
        borough: str(body, 'borough'),
        reportedAt: str(body, 'reportedAt') || toLocalInput(clock.now()),
        reportedByKind: str(body, 'reportedByKind'),
        reportedByName: str(body, 'reportedByName'),
        lastSeenAt: str(body, 'lastSeenAt'),
        lastSeenPlace: str(body, 'lastSeenPlace'),
        circumstances: str(body, 'circumstances'),
        grade: str(body, 'grade'),
        gradingReason: str(body, 'gradingReason'),
        gradedBy: str(body, 'gradedBy'),
        supervisorName: str(body, 'supervisorName'),
        belowSuggestionReason: str(body, 'belowSuggestionReason'),
        reviewDueAt: str(body, 'reviewDueAt'),
        actions: str(body, 'actions'),
        planAcknowledged: str(body, 'planAcknowledged') === 'yes',
      },
    })
  }

  app.get(`${missingPath}/episodes/new`, { config: { access: episodeReporters } }, async (request, reply) => {
    const q = request.query as { child?: string }
    const key = (q.child ?? '').trim()
    if (key) {
      try {
        await missing.childContext(key, reachOf(principalOf(request)))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newEpisodePage(request, reply, '', { child: key }, error.errors, 400)
      }
    }
    return newEpisodePage(request, reply, key, undefined, [])
  })

  app.post(`${missingPath}/episodes`, { config: { access: episodeReporters } }, async (request, reply) => {
    const body = request.body as Body
    const errors: FieldError[] = []
    const child = str(body, 'child')
    // Without a child there is no grading page to show the other answers on: find the child first.
    if (!child)
      return newEpisodePage(
        request,
        reply,
        '',
        body,
        [{ field: 'child', reason: 'Enter the child’s person reference' }],
        400,
      )
    const reportedAt = timeField(body, 'reportedAt', 'report time', errors)
    const lastSeenAt = timeField(body, 'lastSeenAt', 'time the child was last seen', errors)
    const reviewDueAt = timeField(body, 'reviewDueAt', 'review time', errors, false)
    if (!str(body, 'borough'))
      errors.push({ field: 'borough', reason: 'Choose the borough the child went missing from' })
    if (!str(body, 'reportedByKind'))
      errors.push({ field: 'reportedByKind', reason: 'Choose who reported the child missing' })
    if (!str(body, 'lastSeenPlace'))
      errors.push({ field: 'lastSeenPlace', reason: 'Enter where the child was last seen' })
    if (!str(body, 'circumstances'))
      errors.push({ field: 'circumstances', reason: 'Enter the circumstances' })
    if (!str(body, 'grade')) errors.push({ field: 'grade', reason: 'Choose the risk grade' })
    if (!str(body, 'gradedBy')) errors.push({ field: 'gradedBy', reason: 'Enter who graded the risk' })
    if (errors.length === 0) {
      try {
        const acknowledged = str(body, 'planAcknowledged') === 'yes'
        const episode = await missing.create(
          {
            child,
            borough: str(body, 'borough'),
            reportedAt: reportedAt as Date,
            reportedByKind: str(body, 'reportedByKind') as (typeof reporterKinds)[number],
            ...(str(body, 'reportedByName') ? { reportedByName: str(body, 'reportedByName') } : {}),
            lastSeenAt: lastSeenAt as Date,
            lastSeenPlace: str(body, 'lastSeenPlace'),
            circumstances: str(body, 'circumstances'),
            grade: str(body, 'grade'),
            riskFactors: list(body, 'riskFactors') as RiskFactor[],
            gradedBy: str(body, 'gradedBy'),
            ...(str(body, 'gradingReason') ? { gradingReason: str(body, 'gradingReason') } : {}),
            ...(str(body, 'supervisorName') ? { supervisorName: str(body, 'supervisorName') } : {}),
            ...(str(body, 'belowSuggestionReason')
              ? { belowSuggestionReason: str(body, 'belowSuggestionReason') }
              : {}),
            ...(reviewDueAt ? { reviewDueAt } : {}),
            ...(str(body, 'actions') ? { actions: str(body, 'actions') } : {}),
            ...(acknowledged
              ? { planAcknowledgedAt: clock.now(), planAcknowledgedBy: principalOf(request).displayName }
              : {}),
          },
          principalOf(request),
        )
        return reply.redirect(`${missingPath}/episodes/${episode.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        errors.push(...error.errors)
      }
    }
    return newEpisodePage(request, reply, child, body, errors, 400)
  })

  // ---- the episode ----

  async function episodePage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors: FieldError[] = [],
    body?: Body,
  ) {
    const view = await missing.get(id, principalOf(request))
    const findings = await standards.findingsForSubject(episodeKind.kind, id)
    return reply.code(errors.length ? 400 : 200).render('missing/views/episode.njk', {
      pageTitle: `Missing episode ${view.episode.ref}`,
      view,
      e: view.episode,
      findings,
      gradeLabels,
      flagLabels,
      riskFactorLabels,
      reporterLabels,
      grades: missing.scale.map((g) => ({ value: g, text: gradeLabels[g] })),
      canRecord: can(request, episodeRecorders),
      canReview: can(request, episodeReviewers),
      canAgreePlan: can(request, planAgreers),
      errors: errorSummary(errors),
      fieldErrors: fieldErrors(errors),
      values: Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => typeof v === 'string')),
      now: toLocalInput(clock.now()),
    })
  }

  app.get(`${missingPath}/episodes/:id`, { config: { access: missingReaders } }, async (request, reply) =>
    episodePage(request, reply, (request.params as { id: string }).id),
  )

  const action = (
    name: string,
    access: Access,
    run: (
      id: string,
      version: number,
      body: Body,
      principal: Principal,
      errors: FieldError[],
    ) => Promise<unknown>,
  ) =>
    app.post(`${missingPath}/episodes/:id/${name}`, { config: { access } }, async (request, reply) => {
      const id = (request.params as { id: string }).id
      const body = request.body as Body
      const errors: FieldError[] = []
      try {
        await run(id, Number(str(body, 'version')), body, principalOf(request), errors)
        if (errors.length === 0) return reply.redirect(`${missingPath}/episodes/${id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        errors.push(...error.errors)
      }
      return episodePage(request, reply, id, errors, body)
    })

  action('acknowledge', episodeRecorders, (id, version, _b, p) => missing.acknowledgePlan(id, version, p))
  action('review', episodeReviewers, async (id, version, b, p, errors) => {
    const reviewedAt = timeField(b, 'reviewedAt', 'review time', errors)
    const next = timeField(b, 'nextReviewDueAt', 'next review time', errors, false)
    if (!str(b, 'reviewerName')) errors.push({ field: 'reviewerName', reason: 'Enter who reviewed the risk' })
    if (!str(b, 'reviewGrade'))
      errors.push({ field: 'reviewGrade', reason: 'Choose the grade after the review' })
    if (!str(b, 'reason')) errors.push({ field: 'reason', reason: 'Enter the reason for the grade' })
    if (errors.length) return
    await missing
      .addReview(
        id,
        version,
        {
          reviewedAt: reviewedAt as Date,
          reviewerName: str(b, 'reviewerName'),
          grade: str(b, 'reviewGrade'),
          reason: str(b, 'reason'),
          ...(next ? { nextReviewDueAt: next } : {}),
        },
        p,
      )
      .catch((error) => {
        // The service names the grade `grade`; on this page its box is `reviewGrade`.
        if (error instanceof ValidationError)
          throw new ValidationError(
            error.errors.map((e) => (e.field === 'grade' ? { ...e, field: 'reviewGrade' } : e)),
          )
        throw error
      })
  })
  action('return', episodeRecorders, async (id, version, b, p, errors) => {
    const returnedAt = timeField(b, 'returnedAt', 'return time', errors)
    if (errors.length) return
    await missing.recordReturn(
      id,
      version,
      {
        returnedAt: returnedAt as Date,
        foundPlace: str(b, 'foundPlace'),
        foundBy: str(b, 'foundBy'),
        foundWith: str(b, 'foundWith'),
      },
      p,
    )
  })
  action('prevention-interview', episodeRecorders, async (id, version, b, p, errors) => {
    const at = timeField(b, 'preventionInterviewAt', 'interview time', errors)
    if (errors.length) return
    await missing.recordPreventionInterview(
      id,
      version,
      { at: at as Date, by: str(b, 'preventionInterviewBy'), disclosures: str(b, 'disclosures') },
      p,
    )
  })
  action('return-home-interview', episodeRecorders, async (id, version, b, p, errors) => {
    const notified = timeField(b, 'laNotifiedAt', 'time the local authority was notified', errors, false)
    const held = timeField(b, 'returnHomeInterviewAt', 'return home interview time', errors, false)
    if (errors.length) return
    await missing.recordReturnHomeInterview(
      id,
      version,
      { laNotifiedAt: notified ?? null, interviewAt: held ?? null, declined: str(b, 'declined') === 'yes' },
      p,
    )
  })
  action('pac', episodeRecorders, (id, version, b, p) => missing.linkPac(id, version, str(b, 'pac'), p))

  // ---- trigger plans ----

  async function planForm(reply: FastifyReply, body: Body, errors: FieldError[], status = 200) {
    return reply.code(status).render('missing/views/plan-form.njk', {
      pageTitle: 'Agree a trigger plan',
      errors: errorSummary(errors),
      fieldErrors: fieldErrors(errors),
      boroughs: await boroughList(),
      agreedWith: agreedWithKinds.map((k) => ({
        value: k,
        text: agreedWithLabels[k],
        checked: list(body, 'agreedWith').includes(k),
      })),
      values: Object.fromEntries(Object.entries(body ?? {}).filter(([, v]) => typeof v === 'string')),
    })
  }

  app.get(`${missingPath}/trigger-plans/new`, { config: { access: planAgreers } }, async (request, reply) => {
    const q = request.query as { child?: string }
    return planForm(reply, { child: q.child ?? '', startDate: londonDay(clock.now()) }, [])
  })

  app.post(`${missingPath}/trigger-plans`, { config: { access: planAgreers } }, async (request, reply) => {
    const body = request.body as Body
    try {
      const plan = await missing.createPlan(
        {
          child: str(body, 'child'),
          ...(str(body, 'borough') ? { borough: str(body, 'borough') } : {}),
          placesToSearch: str(body, 'placesToSearch'),
          peopleToContact: str(body, 'peopleToContact'),
          risks: str(body, 'risks'),
          authorName: str(body, 'authorName'),
          agreedWith: list(body, 'agreedWith') as (typeof agreedWithKinds)[number][],
          startDate: str(body, 'startDate'),
          reviewDate: str(body, 'reviewDate'),
        },
        principalOf(request),
      )
      return reply.redirect(`${missingPath}/trigger-plans/${plan.id}`, 303)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return planForm(reply, body, error.errors, 400)
    }
  })

  async function planPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors: FieldError[] = [],
  ) {
    const view = await missing.plan(id, principalOf(request))
    return reply.code(errors.length ? 400 : 200).render('missing/views/plan.njk', {
      pageTitle: `Trigger plan ${view.plan.ref}`,
      view,
      agreedWithLabels,
      canEnd: can(request, planEnders),
      errors: errorSummary(errors),
      fieldErrors: fieldErrors(errors),
      today: londonDay(clock.now()),
    })
  }

  app.get(
    `${missingPath}/trigger-plans/:id`,
    { config: { access: missingReaders } },
    async (request, reply) => planPage(request, reply, (request.params as { id: string }).id),
  )

  app.post(
    `${missingPath}/trigger-plans/:id/end`,
    { config: { access: planEnders } },
    async (request, reply) => {
      const id = (request.params as { id: string }).id
      const body = request.body as Body
      try {
        await missing.endPlan(
          id,
          Number(str(body, 'version')),
          str(body, 'endedOn'),
          str(body, 'endReason'),
          principalOf(request),
        )
        return reply.redirect(`${missingPath}/trigger-plans/${id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return planPage(request, reply, id, error.errors)
      }
    },
  )
}
