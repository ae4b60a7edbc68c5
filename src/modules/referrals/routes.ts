import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Access, permits } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import {
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/http/errors.ts'
import { londonInstant, londonParts } from '../../platform/time.ts'
import type { Services } from '../../services.ts'
import { dateInputItems, parseDateInput } from '../organisation/form-dates.ts'
import {
  pacFollowUppers,
  pacMashRoles,
  pacOutcomeRecorders,
  pacPartners,
  pacRaisers,
  pacReaders,
  pacResubmitters,
  pacReviewers,
  pacSharers,
  supervisesPacs,
} from './access.ts'
import {
  type AboutKind,
  aboutKinds,
  aboutLabels,
  type BragRating,
  bragLabels,
  bragRatings,
  type ConcernCategory,
  concernCategories,
  concernLabels,
  type Outcome,
  outcomeLabels,
  outcomes,
  type PacInput,
  type PacStage,
  pacStages,
  type ReviewDecision,
  type RiskLevel,
  reviewDecisionLabels,
  riskLabels,
  riskLevels,
  stageLabels,
  validatePacInput,
} from './pac.ts'
import { type PacActor, raisedBy, requirePartnerBorough } from './service.ts'

// The navigation (src/routes.ts) names these two by their old names.

export const referralsPath = '/pacs'

type Body = Record<string, unknown> | undefined

function text(body: Body, key: string): string {
  const value = body?.[key]
  return typeof value === 'string' ? value.trim() : ''
}

function list(body: Body, key: string): string[] {
  const value = body?.[key]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' && value ? [value] : []
}

export function actorOf(principal: Principal): PacActor {
  return {
    id: principal.id,
    username: principal.username,
    displayName: principal.displayName,
    staffId: principal.staffId,
  }
}

const may = (request: FastifyRequest, access: Access) =>
  permits(access, (request.principal as Principal).roles)

function versionOf(body: Body): number {
  const value = text(body, 'version')
  if (!/^\d{1,9}$/.test(value))
    throw new ValidationError([{ field: 'version', reason: 'Missing record version' }])
  return Number(value)
}

const errorList = (errors: FieldError[], hrefOf: (field: string) => string = (f) => `#${f}`) =>
  errors.map((e) => ({ text: e.reason, href: hrefOf(e.field) }))
const fieldErrors = (errors: FieldError[]) =>
  Object.fromEntries(errors.map((e) => [e.field, { text: e.reason }]))

// ---------- the question pages ----------

interface Answers {
  personId?: string
  childQuery?: string
  aboutKind?: string
  aboutRef?: string
  aboutSummary?: string
  boroughId?: string
  concerns?: string[]
  riskLevel?: string
  riskAssessment?: string
  childSpokenTo?: string
  voiceOfChild?: string
  firstKnew?: { day: string; month: string; year: string; time: string }
}

const steps = ['child', 'about', 'concerns', 'risk', 'voice', 'when'] as const
type Step = (typeof steps)[number]
const stepTitles: Record<Step, string> = {
  child: 'Which child is the PAC about?',
  about: 'What brought the child to police notice?',
  concerns: 'What are the concerns?',
  risk: 'What is your assessment of the risk?',
  voice: 'What did the child say?',
  when: 'When did the police first know of the concern?',
}
const stepFields: Record<Step, string[]> = {
  child: ['child'],
  about: ['aboutKind', 'aboutRef', 'aboutSummary', 'borough'],
  concerns: ['concerns'],
  risk: ['riskLevel', 'riskAssessment'],
  voice: ['childSpokenTo', 'voiceOfChild'],
  when: ['policeFirstKnewAt'],
}
const stepOfField = (field: string): Step => steps.find((s) => stepFields[s].includes(field)) ?? 'child'
const fieldHref = (field: string) =>
  field === 'policeFirstKnewAt'
    ? '#firstKnew-day'
    : field === 'borough'
      ? '#boroughId'
      : field === 'child'
        ? '#personId'
        : `#${field}`

/** When the police first knew: a GOV.UK date and a 24-hour time, read as London time. */
function firstKnewOf(answers: Answers): {
  value: Date | null
  errors: FieldError[]
  dateErrorParts: string[]
} {
  const parts = answers.firstKnew
  if (!parts) return { value: null, errors: [], dateErrorParts: [] }
  const date = parseDateInput(
    { 'firstKnew-day': parts.day, 'firstKnew-month': parts.month, 'firstKnew-year': parts.year },
    'firstKnew',
    { label: 'Date' },
  )
  if (date.error)
    return {
      value: null,
      errors: [{ field: 'policeFirstKnewAt', reason: date.error }],
      dateErrorParts: date.errorParts,
    }
  const time = /^(\d{1,2})[:.](\d{2})$/.exec(parts.time.trim())
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59) {
    return {
      value: null,
      errors: [
        {
          field: 'firstKnewTime',
          reason: 'Enter the time as hours and minutes on the 24-hour clock, like 14:30',
        },
      ],
      dateErrorParts: [],
    }
  }
  const hhmm = `${time[1]?.padStart(2, '0')}:${time[2]}`
  return { value: londonInstant(date.value as string, hhmm), errors: [], dateErrorParts: [] }
}

function inputOf(answers: Answers): Partial<PacInput> {
  return {
    personId: answers.personId,
    aboutKind: answers.aboutKind as AboutKind,
    aboutRef: answers.aboutRef || null,
    aboutSummary: answers.aboutSummary,
    concerns: (answers.concerns ?? []) as ConcernCategory[],
    riskLevel: answers.riskLevel as RiskLevel,
    riskAssessment: answers.riskAssessment,
    childSpokenTo:
      answers.childSpokenTo === 'yes' ? true : answers.childSpokenTo === 'no' ? false : undefined,
    voiceOfChild: answers.voiceOfChild,
    policeFirstKnewAt: firstKnewOf(answers).value ?? undefined,
    boroughId: answers.boroughId,
  }
}

function stepErrors(step: Step, answers: Answers, now: Date): FieldError[] {
  if (step === 'when') {
    const parsed = firstKnewOf(answers)
    if (!answers.firstKnew)
      return [{ field: 'policeFirstKnewAt', reason: 'Enter the date the police first knew' }]
    if (parsed.errors.length) return parsed.errors
  }
  return validatePacInput(inputOf(answers), now).filter((e) => stepFields[step].includes(e.field))
}

export function referralsRoutes(app: FastifyInstance, services: Services) {
  const { referrals, organisation, standards } = services
  const now = () => services.clock.now()
  const reach = (request: FastifyRequest) => reachOf(request.principal as Principal)
  /** One access-log row for a list or queue page: the route as asked and every PAC shown. */
  const logList = (request: FastifyRequest, pacs: readonly { id: string }[]) =>
    referrals.recordListRead(
      actorOf(request.principal as Principal),
      `${request.method} ${request.url}`,
      pacs,
      request.id,
    )

  async function boroughOptions(selected?: string) {
    const force = await organisation.force()
    const boroughs = await organisation.boroughs(force.id)
    return [
      { value: '', text: 'Select a borough' },
      ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === selected })),
    ]
  }

  async function draftOr404(request: FastifyRequest): Promise<{ id: string; answers: Answers }> {
    const { draft } = request.params as { draft: string }
    const answers = await referrals.drafts.get((request.principal as Principal).id, draft)
    if (!answers) throw new NotFoundError('This PAC draft does not exist or has been sent')
    return { id: draft, answers: answers as Answers }
  }

  async function renderStep(
    request: FastifyRequest,
    reply: FastifyReply,
    draft: { id: string; answers: Answers },
    step: Step,
    errors: FieldError[] = [],
  ) {
    const a = draft.answers
    const base = `${referralsPath}/new/${draft.id}`
    const index = steps.indexOf(step)
    const context: Record<string, unknown> = {
      pageTitle: stepTitles[step],
      step,
      action: `${base}/${step}`,
      back: index === 0 ? referralsPath : `${base}/${steps[index - 1]}`,
      answers: a,
      errors: errorList(errors, fieldHref),
      fieldErrors: fieldErrors(errors),
      stepNumber: index + 1,
      stepCount: steps.length,
    }
    if (step === 'child') {
      const q = text(request.query as Body, 'q') || a.childQuery || ''
      const found = q
        ? await referrals.people.search(q, { actor: request.principal as Principal, requestId: request.id })
        : []
      const chosen = a.personId ? await referrals.people.find(a.personId) : undefined
      context.q = q
      context.searched = q !== ''
      context.childItems = [
        ...(chosen && !found.some((p) => p.id === chosen.id) ? [chosen] : []),
        ...found,
      ].map((p) => ({
        value: p.id,
        text: p.name,
        hint: { text: `${p.ref}${p.dateOfBirth ? `, born ${p.dateOfBirth}` : ''}` },
        checked: p.id === a.personId,
      }))
    }
    if (step === 'about') {
      let boroughId = a.boroughId
      if (!boroughId && a.personId) boroughId = (await referrals.people.boroughOf(a.personId)) ?? undefined
      context.aboutItems = aboutKinds.map((k) => ({
        value: k,
        text: aboutLabels[k],
        checked: a.aboutKind === k,
      }))
      context.boroughOptions = await boroughOptions(boroughId)
    }
    if (step === 'concerns') {
      const chosen = new Set(a.concerns ?? [])
      context.concernItems = concernCategories.map((c) => ({
        value: c,
        text: concernLabels[c],
        checked: chosen.has(c),
      }))
    }
    if (step === 'risk') {
      context.riskItems = riskLevels.map((r) => ({
        value: r,
        text: riskLabels[r],
        checked: a.riskLevel === r,
      }))
    }
    if (step === 'voice') {
      context.spokenItems = [
        { value: 'yes', text: 'Yes', checked: a.childSpokenTo === 'yes' },
        { value: 'no', text: 'No', checked: a.childSpokenTo === 'no' },
      ]
    }
    if (step === 'when') {
      const parts = a.firstKnew ?? { day: '', month: '', year: '', time: '' }
      const parsed = firstKnewOf(a)
      const dateError = errors.some((e) => e.field === 'policeFirstKnewAt')
      context.dateItems = dateInputItems(
        parts,
        (dateError
          ? parsed.dateErrorParts.length
            ? parsed.dateErrorParts
            : ['day', 'month', 'year']
          : []) as never,
      )
      context.time = parts.time
    }
    return reply.code(errors.length ? 400 : 200).render('referrals/views/question.njk', context)
  }

  async function checkPage(
    reply: FastifyReply,
    draft: { id: string; answers: Answers },
    errors: FieldError[] = [],
  ) {
    const a = draft.answers
    const input = inputOf(a)
    const child = a.personId ? await referrals.people.find(a.personId) : undefined
    const borough = a.boroughId ? await organisation.borough(a.boroughId) : undefined
    const base = `${referralsPath}/new/${draft.id}`
    const row = (key: string, value: string, step: Step, html = false) => ({
      key: { text: key },
      value: html ? { html: value } : { text: value || 'Not given' },
      actions: {
        items: [{ href: `${base}/${step}`, text: 'Change', visuallyHiddenText: key.toLowerCase() }],
      },
    })
    const rows = [
      row('Child', child ? `${child.name} (${child.ref})` : '', 'child'),
      row('Brought to notice by', input.aboutKind ? aboutLabels[input.aboutKind] : '', 'about'),
      row('Reference of that record', a.aboutRef ?? '', 'about'),
      row('What happened', a.aboutSummary ?? '', 'about'),
      row('Borough', borough?.name ?? '', 'about'),
      row('Concerns', (input.concerns ?? []).map((c) => concernLabels[c]).join('; '), 'concerns'),
      row('Risk level', input.riskLevel ? riskLabels[input.riskLevel] : '', 'risk'),
      row('Risk assessment', a.riskAssessment ?? '', 'risk'),
      row(
        'Child spoken to',
        a.childSpokenTo === 'yes' ? 'Yes' : a.childSpokenTo === 'no' ? 'No' : '',
        'voice',
      ),
      row('Voice of the child', a.voiceOfChild ?? '', 'voice'),
      row(
        'Police first knew',
        input.policeFirstKnewAt
          ? `${londonParts(input.policeFirstKnewAt).date} ${londonParts(input.policeFirstKnewAt).time.slice(0, 5)}`
          : '',
        'when',
      ),
    ]
    return reply.code(errors.length ? 400 : 200).render('referrals/views/check.njk', {
      pageTitle: 'Check your answers before sending the PAC',
      rows,
      action: `${base}/check`,
      back: `${base}/when`,
      errors: errors.map((e) => ({ text: e.reason, href: `${base}/${stepOfField(e.field)}` })),
    })
  }

  app.get(referralsPath, { config: { access: pacReaders } }, async (request, reply) => {
    const query = request.query as Body
    const stage = pacStages.includes(text(query, 'stage') as PacStage)
      ? (text(query, 'stage') as PacStage)
      : undefined
    const boroughId = text(query, 'borough') || undefined
    const page = Math.max(1, Number(text(query, 'page')) || 1)
    const { items, total } = await referrals.list(
      { stage, boroughId, limit: 50, offset: (page - 1) * 50 },
      reach(request),
    )
    await logList(request, items)
    return reply.render('referrals/views/list.njk', {
      pageTitle: 'PACs',
      items,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / 50)),
      stage,
      stageItems: [
        { value: '', text: 'Any stage' },
        ...pacStages.map((s) => ({ value: s, text: stageLabels[s], selected: s === stage })),
      ],
      boroughOptions: (await boroughOptions(boroughId)).map((o, i) =>
        i === 0 ? { ...o, text: 'Any borough' } : o,
      ),
      stageLabels,
      canRaise: may(request, pacRaisers),
      canReview: may(request, pacReviewers),
      canMash: may(request, pacMashRoles),
    })
  })

  app.get(`${referralsPath}/new`, { config: { access: pacRaisers } }, async (request, reply) => {
    const id = await referrals.drafts.start((request.principal as Principal).id)
    const personRef = text(request.query as Body, 'child')
    if (personRef) {
      const person = await referrals.people.find(personRef)
      if (person)
        await referrals.drafts.save((request.principal as Principal).id, id, { personId: person.id })
    }
    return reply.redirect(`${referralsPath}/new/${id}/child`, 303)
  })

  for (const step of steps) {
    app.get(
      `${referralsPath}/new/:draft/${step}`,
      { config: { access: pacRaisers } },
      async (request, reply) => renderStep(request, reply, await draftOr404(request), step),
    )
    app.post(
      `${referralsPath}/new/:draft/${step}`,
      { config: { access: pacRaisers } },
      async (request, reply) => {
        const draft = await draftOr404(request)
        const body = request.body as Body
        const a: Answers = { ...draft.answers }
        if (step === 'child') {
          a.personId = text(body, 'personId') || undefined
        } else if (step === 'about') {
          a.aboutKind = text(body, 'aboutKind') || undefined
          a.aboutRef = text(body, 'aboutRef')
          a.aboutSummary = text(body, 'aboutSummary')
          a.boroughId = text(body, 'boroughId') || undefined
        } else if (step === 'concerns') {
          a.concerns = list(body, 'concerns')
        } else if (step === 'risk') {
          a.riskLevel = text(body, 'riskLevel') || undefined
          a.riskAssessment = text(body, 'riskAssessment')
        } else if (step === 'voice') {
          a.childSpokenTo = text(body, 'childSpokenTo') || undefined
          a.voiceOfChild = text(body, 'voiceOfChild')
        } else {
          a.firstKnew = {
            day: text(body, 'firstKnew-day'),
            month: text(body, 'firstKnew-month'),
            year: text(body, 'firstKnew-year'),
            time: text(body, 'firstKnewTime'),
          }
        }
        // What was typed is kept even when it is wrong, so the page shows it again and nothing is lost.
        const user = (request.principal as Principal).id
        await referrals.drafts.save(user, draft.id, a as Record<string, unknown>)
        const errors = stepErrors(step, a, now())
        if (step === 'child' && a.personId && !(await referrals.people.find(a.personId))) {
          errors.push({ field: 'child', reason: 'Select the child from the search results' })
        }
        if (errors.length) return renderStep(request, reply, { id: draft.id, answers: a }, step, errors)
        const index = steps.indexOf(step)
        const returnToCheck = text(body, 'returnTo') === 'check'
        const next = index === steps.length - 1 || returnToCheck ? 'check' : steps[index + 1]
        return reply.redirect(`${referralsPath}/new/${draft.id}/${next}`, 303)
      },
    )
  }

  app.get(`${referralsPath}/new/:draft/check`, { config: { access: pacRaisers } }, async (request, reply) => {
    const draft = await draftOr404(request)
    return checkPage(reply, draft)
  })

  app.post(
    `${referralsPath}/new/:draft/check`,
    { config: { access: pacRaisers } },
    async (request, reply) => {
      const draft = await draftOr404(request)
      const principal = request.principal as Principal
      const parsedTime = firstKnewOf(draft.answers)
      try {
        if (parsedTime.errors.length) throw new ValidationError(parsedTime.errors)
        const pac = await referrals.create(inputOf(draft.answers), actorOf(principal))
        await referrals.drafts.remove(principal.id, draft.id)
        return reply.redirect(`${referralsPath}/${pac.id}?raised=1`, 303)
      } catch (error) {
        if (error instanceof ValidationError) return checkPage(reply, draft, error.errors)
        throw error
      }
    },
  )

  // ---------- queues ----------

  app.get(`${referralsPath}/review`, { config: { access: pacReviewers } }, async (request, reply) => {
    const principal = request.principal as Principal
    const staff = principal.staffId ? await organisation.staffMember(principal.staffId) : undefined
    const teamOnly = text(request.query as Body, 'all') !== 'yes' && !!staff?.teamId
    const items = await referrals.supervisorQueue({
      teamId: teamOnly ? staff?.teamId : null,
      reach: reach(request),
    })
    await logList(request, items)
    return reply.render('referrals/views/review-queue.njk', {
      pageTitle: 'PACs waiting for supervisor review',
      items,
      teamOnly,
      hasTeam: !!staff?.teamId,
    })
  })

  app.get(`${referralsPath}/mash`, { config: { access: pacMashRoles } }, async (request, reply) => {
    const items = await referrals.mashQueue(reach(request))
    await logList(request, items)
    return reply.render('referrals/views/mash-queue.njk', { pageTitle: 'MASH queue', items, bragLabels })
  })

  // ---------- a PAC ----------

  async function renderPac(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors: FieldError[] = [],
    values: Body = {},
  ) {
    const principal = request.principal as Principal
    const pac = await referrals.read(id, reach(request), actorOf(principal))
    const findings = await standards.findingsForSubject('pac', pac.id)
    const canReview = may(request, pacReviewers) && !(pac.reviewedAt && pac.reviewedAt >= pac.submittedAt)
    const canShare = may(request, pacSharers) && pac.reviewDecision === 'approved' && !pac.sharedWithMashAt
    const canMash = may(request, pacMashRoles) && !!pac.sharedWithMashAt && !pac.mashDecisionAt
    const canOutcome = may(request, pacOutcomeRecorders) && !!pac.sharedWithMashAt && !pac.outcome
    const canFollowUp = may(request, pacFollowUppers) && !!pac.sharedWithMashAt && !pac.followUpAt
    const canResubmit =
      pac.reviewDecision === 'returned' && (supervisesPacs(principal) || raisedBy(pac, actorOf(principal)))
    return reply.code(errors.length ? 400 : 200).render('referrals/views/pac.njk', {
      pageTitle: `PAC ${pac.ref}`,
      pac,
      timeline: referrals.timeline(pac),
      findings,
      raised: text(request.query as Body, 'raised') === '1',
      resubmitted: text(request.query as Body, 'resubmitted') === '1',
      aboutLabel: aboutLabels[pac.aboutKind],
      concerns: pac.concerns.map((c) => concernLabels[c]),
      riskLabel: riskLabels[pac.riskLevel],
      stageLabel: stageLabels[pac.stage],
      outcomeLabel: pac.outcome ? outcomeLabels[pac.outcome] : null,
      canReview,
      canShare,
      canMash,
      canOutcome,
      canFollowUp,
      canResubmit,
      decisionItems: (['approved', 'returned'] as ReviewDecision[]).map((d) => ({
        value: d,
        text: reviewDecisionLabels[d],
        checked: text(values, 'decision') === d,
      })),
      bragItems: bragRatings.map((b) => ({
        value: b,
        text: bragLabels[b],
        checked: (text(values, 'brag') || pac.mashBrag) === b,
      })),
      outcomeItems: outcomes.map((o) => ({
        value: o,
        text: outcomeLabels[o],
        checked: text(values, 'outcome') === o,
      })),
      values,
      errors: errorList(errors),
      fieldErrors: fieldErrors(errors),
    })
  }

  app.get(`${referralsPath}/:id`, { config: { access: pacReaders } }, async (request, reply) =>
    renderPac(request, reply, (request.params as { id: string }).id),
  )

  /** Runs a change from a form on the PAC page; a field error shows the page again with the message. */
  async function act(
    request: FastifyRequest,
    reply: FastifyReply,
    change: (id: string, version: number, body: Body) => Promise<unknown>,
  ) {
    const { id } = request.params as { id: string }
    const body = request.body as Body
    // The reader must be allowed to see it before anything else is said about it.
    await referrals.read(id, reach(request), actorOf(request.principal as Principal), 'change')
    try {
      await change(id, versionOf(body), body)
    } catch (error) {
      if (error instanceof ValidationError && error.errors.every((e) => e.field !== 'version')) {
        return renderPac(request, reply, id, error.errors, body)
      }
      throw error
    }
    return reply.redirect(`${referralsPath}/${id}`, 303)
  }

  app.post(`${referralsPath}/:id/review`, { config: { access: pacReviewers } }, async (request, reply) =>
    act(request, reply, (id, version, body) => {
      const decision = text(body, 'decision')
      if (decision !== 'approved' && decision !== 'returned') {
        throw new ValidationError([
          { field: 'decision', reason: 'Select approved or returned for more work' },
        ])
      }
      if (decision === 'returned' && !text(body, 'note')) {
        throw new ValidationError([{ field: 'note', reason: 'Enter what more work is needed' }])
      }
      return referrals.review(
        id,
        version,
        { decision, note: text(body, 'note') },
        actorOf(request.principal as Principal),
        reach(request),
      )
    }),
  )

  app.post(`${referralsPath}/:id/share`, { config: { access: pacSharers } }, async (request, reply) =>
    act(request, reply, (id, version) =>
      referrals.update(
        id,
        version,
        { sharedWithMashAt: now() },
        actorOf(request.principal as Principal),
        reach(request),
      ),
    ),
  )

  app.post(`${referralsPath}/:id/mash`, { config: { access: pacMashRoles } }, async (request, reply) =>
    act(request, reply, async (id, version, body) => {
      const brag = text(body, 'brag')
      if (!bragRatings.includes(brag as BragRating))
        throw new ValidationError([{ field: 'brag', reason: 'Select the BRAG rating' }])
      const pac = await referrals.get(id)
      const decided = text(body, 'decided') === 'yes'
      return referrals.update(
        id,
        version,
        {
          mashBrag: brag as BragRating,
          mashRatedAt: pac?.mashRatedAt && pac.mashBrag === brag ? pac.mashRatedAt : now(),
          ...(decided ? { mashDecisionAt: now() } : {}),
        },
        actorOf(request.principal as Principal),
        reach(request),
      )
    }),
  )

  app.post(
    `${referralsPath}/:id/outcome`,
    { config: { access: pacOutcomeRecorders } },
    async (request, reply) =>
      act(request, reply, (id, version, body) => {
        const outcome = text(body, 'outcome')
        if (!outcomes.includes(outcome as Outcome))
          throw new ValidationError([{ field: 'outcome', reason: 'Select the outcome' }])
        return referrals.update(
          id,
          version,
          {
            outcome: outcome as Outcome,
            outcomeReason: text(body, 'outcomeReason') || null,
            feedbackAt: now(),
          },
          actorOf(request.principal as Principal),
          reach(request),
        )
      }),
  )

  app.post(
    `${referralsPath}/:id/follow-up`,
    { config: { access: pacFollowUppers } },
    async (request, reply) =>
      act(request, reply, (id, version, body) => {
        if (!text(body, 'followUp'))
          throw new ValidationError([{ field: 'followUp', reason: 'Enter what you did to follow up' }])
        return referrals.update(
          id,
          version,
          { followUp: text(body, 'followUp'), followUpAt: now() },
          actorOf(request.principal as Principal),
          reach(request),
        )
      }),
  )

  // ---------- resubmitting a returned PAC ----------

  /** The officer who raised a returned PAC (or a supervisor) amends it and sends it back for review. */
  async function renderResubmit(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    typed?: { concerns: string[]; riskAssessment: string; voiceOfChild: string; version: string },
  ) {
    const principal = request.principal as Principal
    const { id } = request.params as { id: string }
    const pac = await referrals.read(id, reach(request), actorOf(principal), 'resubmit')
    if (!supervisesPacs(principal) && !raisedBy(pac, actorOf(principal))) {
      throw new ForbiddenError('Only the officer who raised this PAC or a supervisor may resubmit it')
    }
    if (pac.reviewDecision !== 'returned') return reply.redirect(`${referralsPath}/${pac.id}`, 303)
    const chosen = new Set<string>(typed?.concerns ?? pac.concerns)
    return reply.code(errors.length ? 400 : 200).render('referrals/views/resubmit.njk', {
      pageTitle: 'Amend the PAC and resubmit it',
      pac,
      // What the user read, so a change by someone else meanwhile is a 409, not overwritten.
      version: typed?.version ?? String(pac.version),
      values: typed ?? { riskAssessment: pac.riskAssessment, voiceOfChild: pac.voiceOfChild },
      concernItems: concernCategories.map((c) => ({
        value: c,
        text: concernLabels[c],
        checked: chosen.has(c),
      })),
      errors: errorList(errors),
      fieldErrors: fieldErrors(errors),
    })
  }

  app.get(`${referralsPath}/:id/resubmit`, { config: { access: pacResubmitters } }, async (request, reply) =>
    renderResubmit(request, reply),
  )

  app.post(
    `${referralsPath}/:id/resubmit`,
    { config: { access: pacResubmitters } },
    async (request, reply) => {
      const principal = request.principal as Principal
      const { id } = request.params as { id: string }
      const body = request.body as Body
      const typed = {
        concerns: list(body, 'concerns'),
        riskAssessment: text(body, 'riskAssessment'),
        voiceOfChild: text(body, 'voiceOfChild'),
        version: text(body, 'version'),
      }
      // The reader must be allowed to see it before anything else is said about it.
      await referrals.read(id, reach(request), actorOf(principal), 'resubmit')
      try {
        await referrals.resubmit(
          id,
          versionOf(body),
          {
            concerns: typed.concerns as ConcernCategory[],
            riskAssessment: typed.riskAssessment,
            voiceOfChild: typed.voiceOfChild,
          },
          actorOf(principal),
          { reach: reach(request), onBehalf: supervisesPacs(principal) },
        )
      } catch (error) {
        if (error instanceof ValidationError && error.errors.every((e) => e.field !== 'version')) {
          return renderResubmit(request, reply, error.errors, typed)
        }
        throw error
      }
      return reply.redirect(`${referralsPath}/${id}?resubmitted=1`, 303)
    },
  )

  // ---------- a child's referrals ----------

  app.get('/people/:id/referrals', { config: { access: pacReaders } }, async (request, reply) => {
    const person = await referrals.people.find((request.params as { id: string }).id)
    if (!person) throw new NotFoundError('There is no such person')
    const principal = request.principal as Principal
    const items = await referrals.forPerson(person.id, reach(request))
    await services.accessLog.record({
      actorId: principal.id,
      actorName: principal.username,
      action: 'read',
      subjectKind: 'person',
      subjectId: person.id,
      reason: 'referrals list',
    })
    await logList(request, items)
    return reply.render('referrals/views/person-referrals.njk', {
      pageTitle: `Referrals: ${person.name}`,
      person,
      items,
      stageLabels,
      canRaise: may(request, pacRaisers),
    })
  })

  // ---------- partners (children's social care) ----------

  const partnerBoroughOf = (request: FastifyRequest) =>
    requirePartnerBorough((request.principal as Principal).area)

  app.get('/partner/pacs', { config: { access: pacPartners } }, async (request, reply) => {
    const boroughId = partnerBoroughOf(request)
    const items = await referrals.partner.list(boroughId)
    await logList(request, items)
    const borough = await organisation.borough(boroughId)
    return reply.render('referrals/views/partner-list.njk', {
      pageTitle: `PACs shared with ${borough?.name ?? 'your borough'}`,
      items,
      outcomeLabels,
    })
  })

  async function renderPartnerPac(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    values: Body = {},
  ) {
    const boroughId = partnerBoroughOf(request)
    const pac = await referrals.partner.read(
      (request.params as { id: string }).id,
      boroughId,
      actorOf(request.principal as Principal),
    )
    return reply.code(errors.length ? 400 : 200).render('referrals/views/partner-pac.njk', {
      pageTitle: `PAC ${pac.ref}`,
      pac,
      aboutLabel: aboutLabels[pac.aboutKind],
      concerns: pac.concerns.map((c) => concernLabels[c]),
      riskLabel: riskLabels[pac.riskLevel],
      outcomeLabel: pac.outcome ? outcomeLabels[pac.outcome] : null,
      outcomeItems: outcomes.map((o) => ({
        value: o,
        text: outcomeLabels[o],
        checked: text(values, 'outcome') === o,
      })),
      values,
      errors: errorList(errors),
      fieldErrors: fieldErrors(errors),
    })
  }

  app.get('/partner/pacs/:id', { config: { access: pacPartners } }, async (request, reply) =>
    renderPartnerPac(request, reply),
  )

  app.post('/partner/pacs/:id/outcome', { config: { access: pacPartners } }, async (request, reply) => {
    const boroughId = partnerBoroughOf(request)
    const { id } = request.params as { id: string }
    const body = request.body as Body
    try {
      const outcome = text(body, 'outcome')
      if (!outcomes.includes(outcome as Outcome))
        throw new ValidationError([{ field: 'outcome', reason: 'Select the outcome' }])
      await referrals.partner.recordOutcome(
        id,
        versionOf(body),
        { outcome: outcome as Outcome, outcomeReason: text(body, 'outcomeReason') || null },
        boroughId,
        actorOf(request.principal as Principal),
      )
    } catch (error) {
      if (error instanceof ValidationError && error.errors.every((e) => e.field !== 'version')) {
        return renderPartnerPac(request, reply, error.errors, body)
      }
      throw error
    }
    return reply.redirect(`/partner/pacs/${id}`, 303)
  })
}
