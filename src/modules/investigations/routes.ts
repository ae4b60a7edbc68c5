import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Access, permits } from '../../platform/access/access.ts'
import { type Reach, reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { ConflictError, type FieldError, ValidationError } from '../../platform/http/errors.ts'
import { londonInstant } from '../../platform/time.ts'
import type { Services } from '../../services.ts'
import { displayName } from '../children/person.ts'
import { parseDateInput } from '../organisation/form-dates.ts'
import {
  conferenceRecorders,
  investigationAllocators,
  investigationClosers,
  investigationKind,
  investigationReaders,
  investigationReviewers,
  investigationWorkers,
  strategyRecorders,
  workloadViewers,
} from './access.ts'
import {
  type ActionKind,
  actionKindLabels,
  actionKinds,
  agencies,
  agencyLabels,
  type CaseType,
  caseTypeLabels,
  caseTypes,
  outcomeCodes,
  outcomeLabels,
  personRoleLabels,
  personRoles,
  riskLevels,
  strandLabels,
  strands,
} from './investigation.ts'
import { type InvestigationActor, type SortKey, sortKeys } from './service.ts'

export const investigationsPath = '/investigations'
/** The menu links the list for whoever may read investigations (declared with the module's other permissions). */

type Body = Record<string, unknown> | undefined
const text = (body: Body, key: string) => {
  const value = body?.[key]
  return typeof value === 'string' ? value.trim() : ''
}
const errorList = (errors: FieldError[]) =>
  errors.map((e) => ({ text: e.reason, href: `#${e.field.replace(/\./g, '-')}` }))
const fieldErrors = (errors: FieldError[]) =>
  Object.fromEntries(errors.map((e) => [e.field, { text: e.reason }]))

export function actorOf(principal: Principal): InvestigationActor {
  return {
    id: principal.id,
    username: principal.username,
    displayName: principal.displayName,
    staffId: principal.staffId,
  }
}
const reach = (request: FastifyRequest): Reach => reachOf(request.principal as Principal)

/** A GOV.UK date with a 24-hour time, read as London time; errors name the date's field. */
function dateTimeOf(
  body: Body,
  name: string,
  label: string,
  withTime: boolean,
): { value: Date | null; error?: FieldError } {
  const date = parseDateInput(body, name, { label, required: true })
  if (date.error || !date.value)
    return { value: null, error: { field: name, reason: date.error ?? `Enter the ${label.toLowerCase()}` } }
  if (!withTime) return { value: londonInstant(date.value, '12:00') }
  const time = /^(\d{1,2})[:.](\d{2})$/.exec(text(body, `${name}-time`))
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59)
    return {
      value: null,
      error: { field: `${name}-time`, reason: 'Enter the time on the 24-hour clock, like 14:30' },
    }
  return { value: londonInstant(date.value, `${time[1]?.padStart(2, '0')}:${time[2]}`) }
}

const conflictMessage: FieldError = {
  field: 'version',
  reason:
    'Someone else changed this investigation while you were working on it. What you entered is kept below: ' +
    'check the case, then save again.',
}

const tabs = ['summary', 'people', 'actions', 'reviews', 'strategy', 'timeline'] as const
type Tab = (typeof tabs)[number]
const tabLabels: Record<Tab, string> = {
  summary: 'Summary',
  people: 'People',
  actions: 'Actions',
  reviews: 'Reviews',
  strategy: 'Strategy',
  timeline: 'Timeline',
}

export function investigationsRoutes(app: FastifyInstance, services: Services) {
  const { investigations, organisation, standards } = services

  async function casePage(request: FastifyRequest, reply: FastifyReply, id: string, tab: Tab) {
    const principal = request.principal as Principal
    const c = await investigations.read(id, reach(request), actorOf(principal), request.id)
    const findings = await standards.findingsForSubject(investigationKind.kind, id)
    const open = findings.filter((f) => ['due', 'breached', 'acknowledged'].includes(f.status))
    const i = c.investigation
    const timeline = [
      { at: i.opened_at, title: 'Investigation opened' },
      ...c.allocations.map((a) => ({
        at: a.allocated_at,
        title: `Allocated to ${a.staffName}`,
        detail: a.reason ?? undefined,
      })),
      ...c.actions.map((a) => ({
        at: a.directed_at,
        title: `${actionKindLabels[a.kind as 'action']}: ${a.description}`,
      })),
      ...c.actions
        .filter((a) => a.done_at)
        .map((a) => ({ at: a.done_at as Date, title: `Done: ${a.description}` })),
      ...c.reviews.map((r) => ({
        at: r.reviewed_at,
        title: `Supervisory review by ${r.reviewer_name}`,
        detail: r.findings,
      })),
      ...c.discussions.map((d) => ({ at: d.held_at, title: 'Strategy discussion', detail: d.decisions })),
      ...c.conferences.map((x) => ({ at: x.held_at, title: 'Initial child protection conference' })),
      ...c.protections.map((p) => ({
        at: p.started_at,
        title: `Police protection of ${p.personName} began`,
      })),
      ...c.protections
        .filter((p) => p.ended_at)
        .map((p) => ({ at: p.ended_at as Date, title: `Police protection of ${p.personName} ended` })),
      ...c.people
        .filter((p) => p.seen_at)
        .map((p) => ({
          at: p.seen_at as Date,
          title: `${p.name} seen by ${p.seen_by_name ?? 'an officer'}${p.spoken_to ? ' and spoken to' : ', not spoken to'}`,
          detail: p.not_seen_reason ?? undefined,
        })),
      ...(i.crime_recorded_at
        ? [{ at: i.crime_recorded_at, title: `Crime recorded: ${i.offence} (${i.crime_reference})` }]
        : []),
      ...(i.closed_at
        ? [
            {
              at: i.closed_at,
              title: `Closed by ${i.closed_by_name}`,
              detail: i.closure_rationale ?? undefined,
            },
          ]
        : []),
    ].sort((a, b) => b.at.getTime() - a.at.getTime())
    const base = `${investigationsPath}/${id}`
    return reply.render('investigations/views/investigation.njk', {
      pageTitle: `${i.ref}: ${tabLabels[tab]}`,
      c,
      i,
      tab,
      subNav: tabs.map((t) => ({
        text: tabLabels[t],
        href: t === 'summary' ? base : `${base}/${t}`,
        active: t === tab,
      })),
      caseTypeLabel: caseTypeLabels[i.case_type as CaseType],
      strandLabels: i.strands.map((s) => strandLabels[s as 'cse']),
      outcomeLabel: i.outcome ? outcomeLabels[i.outcome as '1'] : null,
      personRoleLabels,
      agencyLabels,
      actionKindLabels,
      findings,
      openFindings: open.length,
      timeline,
      may: {
        review: permits(investigationReviewers, principal.roles),
        allocate: permits(investigationAllocators, principal.roles),
        strategy: permits(strategyRecorders, principal.roles),
        conference: permits(conferenceRecorders, principal.roles),
        close: permits(investigationClosers, principal.roles),
        work: permits(investigationWorkers, principal.roles),
      },
    })
  }

  app.get(investigationsPath, { config: { access: investigationReaders } }, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>
    const principal = request.principal as Principal
    const force = await organisation.force()
    const teams = (await organisation.teams(force.id, { activeOnly: true })).filter((t) =>
      [
        'cait',
        'sapphire',
        'online_csae',
        'missing_persons_unit',
        'response_neighbourhood',
        'jigsaw',
      ].includes(t.kind),
    )
    const sort = (sortKeys as readonly string[]).includes(q.sort ?? '') ? (q.sort as SortKey) : 'opened'
    const filter = {
      teamId: teams.some((t) => t.id === q.team) ? q.team : undefined,
      caseType: (caseTypes as readonly string[]).includes(q.caseType ?? '')
        ? (q.caseType as CaseType)
        : undefined,
      status:
        q.status === 'closed' ? ('closed' as const) : q.status === 'all' ? undefined : ('open' as const),
      unallocated: q.unallocated === 'yes',
      q: q.q?.trim().slice(0, 100) || undefined,
      sort,
      direction: q.direction === 'asc' ? ('asc' as const) : ('desc' as const),
      limit: 50,
      offset: Math.max(0, Number(q.page ?? 1) - 1) * 50,
    }
    const { items, total } = await investigations.list(filter, reachOf(principal), {
      actor: actorOf(principal),
      query: `GET ${request.url}`,
      requestId: request.id,
    })
    const query = (over: Record<string, string>) =>
      new URLSearchParams(
        Object.entries({
          team: q.team ?? '',
          caseType: q.caseType ?? '',
          status: q.status ?? '',
          q: q.q ?? '',
          sort,
          direction: filter.direction,
          ...over,
        }).filter(([, v]) => v),
      ).toString()
    return reply.render('investigations/views/list.njk', {
      pageTitle: 'Investigations',
      items: items.map((r) => ({ ...r, caseTypeLabel: caseTypeLabels[r.case_type as CaseType] })),
      total,
      values: { ...q, status: q.status ?? 'open' },
      teamItems: [
        { value: '', text: 'All teams' },
        ...teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === q.team })),
      ],
      caseTypeItems: [
        { value: '', text: 'All case types' },
        ...caseTypes.map((t) => ({ value: t, text: caseTypeLabels[t], selected: t === q.caseType })),
      ],
      sortLinks: Object.fromEntries(
        sortKeys.map((k) => [
          k,
          `?${query({ sort: k, direction: sort === k && filter.direction === 'desc' ? 'asc' : 'desc' })}`,
        ]),
      ),
      sort,
      direction: filter.direction,
      nextPage: filter.offset + 50 < total ? `?${query({ page: String(Number(q.page ?? 1) + 1) })}` : null,
      teamWorkload: filter.teamId ? `${investigationsPath}/workload?team=${filter.teamId}` : null,
      canOpen: permits(investigationWorkers, principal.roles),
    })
  })

  app.get(
    `${investigationsPath}/workload`,
    { config: { access: workloadViewers } },
    async (request, reply) => {
      const q = request.query as Record<string, string | undefined>
      const force = await organisation.force()
      const teams = (await organisation.teams(force.id, { activeOnly: true })).filter(
        (t) => t.reviewCadenceDays !== null || t.capacity !== null,
      )
      const principal = request.principal as Principal
      const own = principal.staffId ? (await organisation.staffMember(principal.staffId))?.teamId : undefined
      const teamId = teams.some((t) => t.id === q.team) ? (q.team as string) : (own ?? teams[0]?.id)
      const team = teamId ? await organisation.team(teamId) : undefined
      const rows = teamId ? await investigations.workload(teamId, reachOf(principal)) : []
      return reply.render('investigations/views/workload.njk', {
        pageTitle: team ? `Workload: ${team.name}` : 'Team workload',
        team,
        rows,
        teamItems: teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === teamId })),
      })
    },
  )

  app.get(`${investigationsPath}/:id`, { config: { access: investigationReaders } }, async (request, reply) =>
    casePage(request, reply, (request.params as { id: string }).id, 'summary'),
  )
  for (const tab of tabs.filter((t) => t !== 'summary')) {
    app.get(
      `${investigationsPath}/:id/${tab}`,
      { config: { access: investigationReaders } },
      async (request, reply) => casePage(request, reply, (request.params as { id: string }).id, tab),
    )
  }

  /** Shows a form page: on a field error or a conflict, again with what the user typed. */
  async function formPage(
    request: FastifyRequest,
    reply: FastifyReply,
    template: string,
    title: string,
    extra: Record<string, unknown> = {},
    errors: FieldError[] = [],
    values: Body = {},
  ) {
    const { id } = request.params as { id: string }
    const c = await investigations.read(
      id,
      reach(request),
      actorOf(request.principal as Principal),
      request.id,
    )
    reply.code(errors.length ? (errors.some((e) => e.field === 'version') ? 409 : 400) : 200)
    return reply.render(`investigations/views/${template}`, {
      pageTitle: title,
      heading: title,
      c,
      i: c.investigation,
      errors: errorList(errors),
      fieldErrors: fieldErrors(errors),
      values: values ?? {},
      ...extra,
    })
  }

  /** Runs a form's change; a field error or a conflict re-shows the form with the user's entries. */
  async function submit(
    request: FastifyRequest,
    reply: FastifyReply,
    template: string,
    title: string,
    extra: () => Promise<Record<string, unknown>>,
    work: (id: string, version: number, body: Body) => Promise<unknown>,
    then: (id: string) => string,
  ) {
    const { id } = request.params as { id: string }
    const body = request.body as Body
    const version = Number(text(body, 'version'))
    try {
      if (!Number.isInteger(version) || version < 1) throw new ConflictError()
      await work(id, version, body)
    } catch (error) {
      if (error instanceof ValidationError)
        return formPage(request, reply, template, title, await extra(), error.errors, body)
      if (error instanceof ConflictError)
        return formPage(request, reply, template, title, await extra(), [conflictMessage], body)
      throw error
    }
    return reply.redirect(then(id), 303)
  }

  // ---- supervisory review ----
  const reviewExtra = async () => ({ actionRows: [0, 1, 2] })
  app.get(
    `${investigationsPath}/:id/review`,
    { config: { access: investigationReviewers } },
    async (request, reply) =>
      formPage(request, reply, 'review.njk', 'Record a supervisory review', await reviewExtra()),
  )
  app.post(
    `${investigationsPath}/:id/review`,
    { config: { access: investigationReviewers } },
    async (request, reply) =>
      submit(
        request,
        reply,
        'review.njk',
        'Record a supervisory review',
        reviewExtra,
        async (id, version, body) => {
          const date = dateTimeOf(body, 'reviewedAt', 'Date of the review', false)
          const actions = [0, 1, 2].map((n) => {
            const due = text(body, `actions-${n}-dueOn-day`)
              ? parseDateInput(body, `actions-${n}-dueOn`, { label: 'Due date' })
              : { value: null, error: null }
            return {
              description: text(body, `actions-${n}-description`),
              ownerStaffId: null,
              dueOn: due.value,
              dueError: due.error,
            }
          })
          const errors: FieldError[] = date.error ? [date.error] : []
          actions.forEach((a, n) => {
            if (a.dueError) errors.push({ field: `actions.${n}.dueOn`, reason: a.dueError })
          })
          if (errors.length) throw new ValidationError(errors)
          // A review before the investigation began is refused by the service, naming the date.
          return investigations.recordReview(
            id,
            version,
            { reviewedAt: date.value, findings: text(body, 'findings'), actions },
            actorOf(request.principal as Principal),
            reach(request),
          )
        },
        (id) => `${investigationsPath}/${id}/reviews`,
      ),
  )

  // ---- strategy discussion ----
  const strategyExtra = async () => ({
    participantRows: [0, 1, 2, 3, 4],
    agencyItems: [
      { value: '', text: 'Select an agency' },
      ...agencies.map((a) => ({ value: a, text: agencyLabels[a] })),
    ],
  })
  app.get(
    `${investigationsPath}/:id/strategy-discussion`,
    { config: { access: strategyRecorders } },
    async (request, reply) =>
      formPage(request, reply, 'strategy.njk', 'Record a strategy discussion', await strategyExtra()),
  )
  app.post(
    `${investigationsPath}/:id/strategy-discussion`,
    { config: { access: strategyRecorders } },
    async (request, reply) =>
      submit(
        request,
        reply,
        'strategy.njk',
        'Record a strategy discussion',
        strategyExtra,
        async (id, version, body) => {
          const held = dateTimeOf(body, 'heldAt', 'Date of the discussion', true)
          if (held.error) throw new ValidationError([held.error])
          return investigations.recordStrategyDiscussion(
            id,
            version,
            {
              heldAt: held.value,
              participants: [0, 1, 2, 3, 4].map((n) => ({
                agency: text(body, `participants-${n}-agency`),
                name: text(body, `participants-${n}-name`),
              })),
              decisions: text(body, 'decisions'),
              jointSafetyPlan: text(body, 'jointSafetyPlan'),
              beginsSection47: text(body, 'beginsSection47') === 'yes',
            },
            actorOf(request.principal as Principal),
            reach(request),
          )
        },
        (id) => `${investigationsPath}/${id}/strategy`,
      ),
  )

  // ---- allocation ----
  async function allocateExtra(request: FastifyRequest) {
    const { id } = request.params as { id: string }
    const q = {
      ...(request.query as Record<string, string>),
      ...((request.body as Record<string, string>) ?? {}),
    }
    const found = await investigations.get(id, reach(request))
    const force = await organisation.force()
    const teams = (await organisation.teams(force.id, { activeOnly: true })).filter(
      (t) => t.capacity !== null && t.kind !== 'mash',
    )
    const teamId = teams.some((t) => t.id === q.teamId) ? q.teamId : (found?.team_id ?? teams[0]?.id)
    const officers = teamId && found ? await investigations.allocationOptions(id, teamId, reach(request)) : []
    return {
      teamId,
      teamItems: teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === teamId })),
      officers,
    }
  }
  app.get(
    `${investigationsPath}/:id/allocate`,
    { config: { access: investigationAllocators } },
    async (request, reply) =>
      formPage(request, reply, 'allocate.njk', 'Allocate the investigation', await allocateExtra(request)),
  )
  app.post(
    `${investigationsPath}/:id/allocate`,
    { config: { access: investigationAllocators } },
    async (request, reply) =>
      submit(
        request,
        reply,
        'allocate.njk',
        'Allocate the investigation',
        () => allocateExtra(request),
        async (id, version, body) => {
          if (!text(body, 'staffId'))
            throw new ValidationError([{ field: 'staffId', reason: 'Select the officer' }])
          return investigations.allocate(
            id,
            version,
            { teamId: text(body, 'teamId'), staffId: text(body, 'staffId'), reason: text(body, 'reason') },
            actorOf(request.principal as Principal),
            reach(request),
          )
        },
        (id) => `${investigationsPath}/${id}`,
      ),
  )

  // ---- closure ----
  const closeExtra = async () => ({
    outcomeItems: [
      { value: '', text: 'Select the outcome' },
      ...outcomeCodes.map((c) => ({
        value: c,
        text: /^\d+$/.test(c) ? `${c}: ${outcomeLabels[c]}` : outcomeLabels[c],
      })),
    ],
  })
  app.get(
    `${investigationsPath}/:id/close`,
    { config: { access: investigationClosers } },
    async (request, reply) =>
      formPage(request, reply, 'close.njk', 'Close the investigation', await closeExtra()),
  )
  app.post(
    `${investigationsPath}/:id/close`,
    { config: { access: investigationClosers } },
    async (request, reply) =>
      submit(
        request,
        reply,
        'close.njk',
        'Close the investigation',
        closeExtra,
        (id, version, body) =>
          investigations.close(
            id,
            version,
            {
              outcome: text(body, 'outcome'),
              rationale: text(body, 'rationale'),
              welfareVisit: text(body, 'welfareVisit') === 'yes',
              socialCareReferral: text(body, 'socialCareReferral') === 'yes',
            },
            actorOf(request.principal as Principal),
            reach(request),
          ),
        (id) => `${investigationsPath}/${id}`,
      ),
  )

  // ---- an action done ----
  app.post(
    `${investigationsPath}/:id/actions/:actionId/done`,
    { config: { access: investigationWorkers } },
    async (request, reply) => {
      const { id, actionId } = request.params as { id: string; actionId: string }
      const body = request.body as Body
      await investigations.completeAction(
        id,
        Number(text(body, 'version')),
        actionId,
        actorOf(request.principal as Principal),
        reach(request),
      )
      return reply.redirect(`${investigationsPath}/${id}/actions`, 303)
    },
  )

  // ---- opening an investigation ----
  const personRows = [0, 1, 2, 3]
  async function openPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[] = [],
    values: Body = {},
    found: { ref: string; name: string; dateOfBirth: string | null }[] | null = null,
  ) {
    const principal = request.principal as Principal
    const force = await organisation.force()
    const boroughs = await organisation.boroughs(force.id)
    // The borough chosen for them when their area holds only one (a force-wide reach names none).
    const own = reachOf(principal).boroughIds
    const boroughId = text(values, 'boroughId') || (own.length === 1 ? own[0] : '')
    const strandsChosen = [values?.strands ?? []].flat()
    reply.code(errors.length ? 400 : 200)
    return reply.render('investigations/views/open.njk', {
      pageTitle: 'Open an investigation',
      errors: errorList(errors),
      fieldErrors: fieldErrors(errors),
      values: values ?? {},
      personRows,
      found,
      caseTypeItems: [
        { value: '', text: 'Select the case type' },
        ...caseTypes.map((t) => ({
          value: t,
          text: caseTypeLabels[t],
          selected: t === text(values, 'caseType'),
        })),
      ],
      strandItems: strands.map((s) => ({
        value: s,
        text: strandLabels[s],
        checked: strandsChosen.includes(s),
      })),
      riskItems: riskLevels.map((r) => ({
        value: r,
        text: r.charAt(0).toUpperCase() + r.slice(1),
        checked: text(values, 'riskLevel') === r,
      })),
      boroughItems: [
        { value: '', text: 'Select the borough' },
        ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === boroughId })),
      ],
      roleItems: (n: number) => [
        { value: '', text: 'Select the role' },
        ...personRoles.map((r) => ({
          value: r,
          text: personRoleLabels[r],
          selected: text(values, `people-${n}-role`) === r,
        })),
      ],
    })
  }
  app.get(`${investigationsPath}/new`, { config: { access: investigationWorkers } }, async (request, reply) =>
    openPage(request, reply),
  )
  app.post(
    `${investigationsPath}/new`,
    { config: { access: investigationWorkers } },
    async (request, reply) => {
      const body = { ...((request.body as Record<string, unknown>) ?? {}) }
      const principal = request.principal as Principal
      // Without JavaScript the search for a person is a submit of the same form: nothing is written, the
      // entries are kept, and the one chosen is put in the first empty row.
      const adding = text(body, 'add')
      if (adding) {
        const row = personRows.find((n) => !text(body, `people-${n}-person`))
        if (row !== undefined) body[`people-${row}-person`] = adding
        return openPage(request, reply, [], body)
      }
      if (text(body, 'find')) {
        const q = text(body, 'findPerson')
        if (!q) {
          const missing = { field: 'findPerson', reason: 'Enter a name or reference to search for' }
          return openPage(request, reply, [missing], body)
        }
        const people = (
          await services.children.search({ q }, { actor: principal, requestId: request.id }, 20)
        ).map((p) => ({
          ref: p.ref,
          name: displayName(p),
          dateOfBirth: p.dateOfBirth,
        }))
        return openPage(request, reply, [], body, people)
      }
      const rows = personRows
        .map((n) => ({ n, person: text(body, `people-${n}-person`), role: text(body, `people-${n}-role`) }))
        .filter((r) => r.person || r.role)
      const errors: FieldError[] = []
      for (const r of rows)
        if (!r.person) errors.push({ field: `people.${r.n}.person`, reason: 'Enter the person’s reference' })
      const opened = dateTimeOf(body, 'openedAt', 'Date the investigation was opened', true)
      if (opened.error) errors.push(opened.error)
      // PACs are linked by reference; each must be a PAC about one of the people linked here.
      const pacRefs = text(body, 'pacRefs')
        .split(/[\s,]+/)
        .filter(Boolean)
      const pacIds: string[] = []
      if (pacRefs.length) {
        // Only a PAC the opener may see can be linked (forPerson answers within their reach): another's is
        // refused as if it did not exist.
        const pacs = []
        for (const r of rows.filter((x) => x.person)) {
          const person = await services.children.find(r.person)
          if (person) pacs.push(...(await services.referrals.forPerson(person.id, reachOf(principal))))
        }
        for (const ref of pacRefs) {
          const pac = pacs.find((p) => p.ref.toLowerCase() === ref.toLowerCase())
          if (pac) pacIds.push(pac.id)
          else errors.push({ field: 'pacRefs', reason: `${ref} is not a PAC about the people linked here` })
        }
      }
      const used = rows.filter((r) => r.person)
      const input = {
        caseType: text(body, 'caseType'),
        strands: [body.strands ?? []].flat().map(String),
        riskLevel: text(body, 'riskLevel'),
        summary: text(body, 'summary'),
        boroughId: text(body, 'boroughId'),
        people: used.map((r) => ({ personIdOrRef: r.person, role: r.role })),
        pacIds,
      }
      // With a mistake found here, the service still checks the rest so every mistake is shown at once: an
      // opening date beyond any clock makes certain it refuses, and that date's own error is dropped.
      const beyondAnyClock = new Date(8.64e15)
      try {
        const written = await investigations.open(
          { ...input, openedAt: errors.length ? beyondAnyClock : (opened.value as Date) },
          actorOf(principal),
        )
        return reply.redirect(`${investigationsPath}/${written.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const mapped = error.errors
          .filter((e) => !(errors.length && e.field === 'openedAt'))
          .map((e) => {
            const m = /^people\.(\d+)\.(.*)$/.exec(e.field)
            return m ? { ...e, field: `people.${used[Number(m[1])]?.n ?? 0}.${m[2]}` } : e
          })
        return openPage(request, reply, [...errors, ...mapped], body)
      }
    },
  )

  /** A GOV.UK date and time the user may leave empty: null when every box is empty. */
  function optionalDateTime(body: Body, name: string, label: string) {
    const empty = ['day', 'month', 'year', 'time'].every((p) => !text(body, `${name}-${p}`))
    return empty ? { value: null } : dateTimeOf(body, name, label, true)
  }
  const childItems = (
    c: { people: { person_id: string; id: string; name: string; ref: string; is_child: boolean }[] },
    key: 'id' | 'person_id',
    chosen: string,
  ) => [
    { value: '', text: 'Select the child' },
    ...c.people
      .filter((p) => p.is_child)
      .map((p) => ({ value: p[key], text: `${p.name} (${p.ref})`, selected: p[key] === chosen })),
  ]
  const caseOf = async (request: FastifyRequest) =>
    investigations.read(
      (request.params as { id: string }).id,
      reach(request),
      actorOf(request.principal as Principal),
      request.id,
    )
  /** A form on the case: GET shows it, POST records it and goes back to its tab. */
  function caseForm(options: {
    path: string
    template: string
    title: string
    tab: Tab
    /** Who may record it; the case's workers unless the step has its own. */
    access?: Access
    extra: (request: FastifyRequest) => Promise<Record<string, unknown>>
    work: (request: FastifyRequest, id: string, version: number, body: Body) => Promise<unknown>
  }) {
    const url = `${investigationsPath}/:id/${options.path}`
    const access = options.access ?? investigationWorkers
    app.get(url, { config: { access } }, async (request, reply) =>
      formPage(request, reply, options.template, options.title, await options.extra(request)),
    )
    app.post(url, { config: { access } }, async (request, reply) =>
      submit(
        request,
        reply,
        options.template,
        options.title,
        () => options.extra(request),
        (id, version, body) => options.work(request, id, version, body),
        (id) =>
          options.tab === 'summary'
            ? `${investigationsPath}/${id}`
            : `${investigationsPath}/${id}/${options.tab}`,
      ),
    )
  }

  // ---- the child seen and spoken to ----
  caseForm({
    path: 'child-seen',
    template: 'child-seen.njk',
    title: 'Record the child seen and spoken to',
    tab: 'people',
    extra: async (request) => ({
      childItems: childItems(await caseOf(request), 'id', text(request.body as Body, 'linkId')),
    }),
    async work(request, id, version, body) {
      const seen = text(body, 'seen')
      const errors: FieldError[] = []
      if (!text(body, 'linkId')) errors.push({ field: 'linkId', reason: 'Select the child' })
      if (seen !== 'yes' && seen !== 'no')
        errors.push({ field: 'seen', reason: 'Select whether the child was seen' })
      const at =
        seen === 'yes' ? dateTimeOf(body, 'seenAt', 'Date the child was seen', true) : { value: null }
      if ('error' in at && at.error) errors.push(at.error)
      if (seen === 'yes' && !['yes', 'no'].includes(text(body, 'spokenTo')))
        errors.push({ field: 'spokenTo', reason: 'Select whether the child was spoken to' })
      if (seen === 'no' && !text(body, 'notSeenReason'))
        errors.push({ field: 'notSeenReason', reason: 'Enter why the child was not seen' })
      if (errors.length) throw new ValidationError(errors)
      return investigations.recordChildSeen(
        id,
        version,
        {
          linkId: text(body, 'linkId'),
          seenAt: at.value,
          spokenTo: seen === 'yes' && text(body, 'spokenTo') === 'yes',
          notSeenReason: text(body, 'notSeenReason'),
        },
        actorOf(request.principal as Principal),
        reach(request),
      )
    },
  })

  // ---- police protection under section 46 ----
  caseForm({
    path: 'police-protection',
    template: 'police-protection.njk',
    title: 'Record police protection (section 46)',
    tab: 'people',
    extra: async (request) => ({
      childItems: childItems(await caseOf(request), 'person_id', text(request.body as Body, 'personId')),
    }),
    async work(request, id, version, body) {
      const errors: FieldError[] = []
      if (!text(body, 'personId')) errors.push({ field: 'personId', reason: 'Select the child' })
      const started = dateTimeOf(body, 'startedAt', 'Date police protection began', true)
      if (started.error) errors.push(started.error)
      const ended = optionalDateTime(body, 'endedAt', 'Date police protection ended')
      if ('error' in ended && ended.error) errors.push(ended.error)
      if (errors.length) throw new ValidationError(errors)
      // The end before the start is refused by the service, naming the end.
      return investigations.recordPoliceProtection(
        id,
        version,
        {
          personId: text(body, 'personId'),
          startedAt: started.value,
          designatedOfficerName: text(body, 'designatedOfficerName'),
          endedAt: ended.value,
        },
        actorOf(request.principal as Principal),
        reach(request),
      )
    },
  })

  // ---- initial child protection conference ----
  caseForm({
    path: 'conference',
    template: 'conference.njk',
    title: 'Record an initial child protection conference',
    tab: 'strategy',
    access: conferenceRecorders,
    extra: async () => ({}),
    async work(request, id, version, body) {
      const held = dateTimeOf(body, 'heldAt', 'Date of the conference', true)
      const attended = text(body, 'policeAttended')
      // Both are checked together so the summary lists every mistake at once.
      const errors: FieldError[] = held.error ? [held.error] : []
      if (attended !== 'yes' && attended !== 'no')
        errors.push({ field: 'policeAttended', reason: 'Select whether the police attended' })
      if (errors.length) throw new ValidationError(errors)
      return investigations.recordConference(
        id,
        version,
        { heldAt: held.value, policeAttended: attended === 'yes', attendeeName: text(body, 'attendeeName') },
        actorOf(request.principal as Principal),
        reach(request),
      )
    },
  })

  // ---- crime recording ----
  caseForm({
    path: 'crime',
    template: 'crime.njk',
    title: 'Record the crime',
    tab: 'summary',
    extra: async () => ({}),
    work: (request, id, version, body) =>
      investigations.recordCrime(
        id,
        version,
        { offence: text(body, 'offence'), crimeReference: text(body, 'crimeReference') },
        actorOf(request.principal as Principal),
        reach(request),
      ),
  })

  // ---- an action or line of enquiry, not directed by a supervisor ----
  async function ownerItems(request: FastifyRequest) {
    const c = await caseOf(request)
    const staff = c.investigation.team_id ? await organisation.staffWithTraining(c.investigation.team_id) : []
    const chosen = text(request.body as Body, 'ownerStaffId')
    return [
      {
        value: '',
        text: c.officerName ? `The allocated officer (${c.officerName})` : 'The allocated officer',
      },
      ...staff.map((s) => ({ value: s.id, text: s.name, selected: s.id === chosen })),
    ]
  }
  caseForm({
    path: 'action',
    template: 'action.njk',
    title: 'Add an action',
    tab: 'actions',
    extra: async (request) => ({
      ownerItems: await ownerItems(request),
      kindItems: actionKinds.map((k) => ({
        value: k,
        text: actionKindLabels[k],
        checked: (text(request.body as Body, 'kind') || 'action') === k,
      })),
    }),
    async work(request, id, version, body) {
      const errors: FieldError[] = []
      const kind = text(body, 'kind')
      if (!(actionKinds as readonly string[]).includes(kind))
        errors.push({ field: 'kind', reason: 'Select the kind of action' })
      const due = parseDateInput(body, 'dueOn', { label: 'Due date', required: false })
      if (due.error) errors.push({ field: 'dueOn', reason: due.error })
      const owner = text(body, 'ownerStaffId')
      const c = await investigations.get(id, reach(request))
      const staff = c?.team_id ? await organisation.staffWithTraining(c.team_id) : []
      if (owner && !staff.some((s) => s.id === owner))
        errors.push({ field: 'ownerStaffId', reason: 'Select an officer of the team from the list' })
      if (!text(body, 'description')) errors.push({ field: 'description', reason: 'Enter the action' })
      if (errors.length) throw new ValidationError(errors)
      return investigations.addAction(
        id,
        version,
        {
          kind: kind as ActionKind,
          description: text(body, 'description'),
          ownerStaffId: owner || null,
          dueOn: due.value,
          directed: false,
        },
        actorOf(request.principal as Principal),
        reach(request),
      )
    },
  })
}
