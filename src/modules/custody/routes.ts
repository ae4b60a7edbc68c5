import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal } from '../../platform/auth/principal.ts'
import { type FieldError, ValidationError } from '../../platform/http/errors.ts'
import { statusLabels } from '../../standards/lifecycle.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { DatePart } from '../organisation/form-dates.ts'
import { custodyAccess, detentionKind, mayDo } from './access.ts'
import {
  type DetentionClocks,
  type EventKind,
  eventInput,
  eventKindLabels,
  eventKinds,
  formatDuration,
  hour,
} from './custody.ts'
import { describeEvent, errorLinks, eventFromForm, formFields, nowValues, parseDateTime } from './forms.ts'
import type { CustodyService } from './service.ts'

export const custodyPath = '/custody'

type Body = Record<string, unknown> | undefined

const principalOf = (request: FastifyRequest) => request.principal as Principal

/** The clocks as words for the pages: remaining time, waits and hours, server-rendered at request time. */
export function clockView(clocks: DetentionClocks, asOf: Date) {
  const deadline = clocks.nextDeadline
  return {
    inCustody: clocks.inCustody,
    deadline: deadline
      ? {
          label: deadline.label,
          at: deadline.at,
          remaining: formatDuration(deadline.remainingMs),
          overdue: deadline.remainingMs <= 0,
          soon: deadline.remainingMs > 0 && deadline.remainingMs <= hour,
        }
      : null,
    nextReviewDue: clocks.nextReviewDue,
    limit: clocks.limit,
    limitHours: { pace: clocks.params.limitHours, superintendent: clocks.params.extendedLimitHours },
    aaWait: clocks.aaWait
      ? { text: formatDuration(clocks.aaWait.hours * hour), waiting: clocks.aaWait.waiting }
      : null,
    sinceCharge: clocks.sinceCharge
      ? { text: formatDuration(clocks.sinceCharge.hours * hour), stillHeld: clocks.sinceCharge.stillHeld }
      : null,
    reviews: clocks.reviews,
    asOf,
  }
}

export function custodyRoutes(
  app: FastifyInstance,
  services: { custody: CustodyService; standards: StandardsService; clock: { now(): Date } },
) {
  const { custody, standards, clock } = services

  app.get(custodyPath, { config: { access: custodyAccess.read } }, async (request, reply) => {
    const query = request.query as { recent?: string }
    const recentHours = query.recent === '24' ? 24 : 0
    const asOf = clock.now()
    const { reach, items } = await custody.list(
      principalOf(request),
      { query: `GET ${request.url}`, requestId: request.id },
      { recentHours, asOf },
    )
    return reply.render('custody/views/list.njk', {
      pageTitle: 'Children in custody',
      asOf,
      recent: recentHours > 0,
      forceWide: reach.forceWide,
      canRecord: mayDo('recordDetention', principalOf(request).roles),
      rows: items.map((i) => ({
        id: i.detention.id,
        ref: i.detention.ref,
        childName: i.child?.name ?? 'Unknown',
        childRef: i.child?.ref ?? '',
        suiteName: i.suiteName,
        arrestedAt: i.detention.arrestedAt,
        clocks: clockView(i.clocks, asOf),
      })),
    })
  })

  // ---- a new detention ----

  async function showNew(
    request: FastifyRequest,
    body: Body,
    errors: FieldError[],
    dateParts: Record<string, DatePart[]>,
  ) {
    const suites = await custody.suitesFor(principalOf(request))
    const errorOf = (name: string) => {
      const e = errors.find((x) => x.field === name || x.field.startsWith(`${name}.`))
      return e ? { text: e.reason } : undefined
    }
    const value = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string) : '')
    return {
      pageTitle: 'Record a child’s detention',
      errors: errorLinks(errors, dateParts),
      fieldErrors: {
        child: errorOf('child'),
        custodySuite: errorOf('custodySuite'),
        offences: errorOf('offences'),
        arrestedAt: errorOf('arrestedAt'),
        appearsUnder18: errorOf('appearsUnder18'),
        pacRef: errorOf('pacRef'),
      },
      values: {
        child: value('child'),
        offences: value('offences'),
        pacRef: value('pacRef'),
        appearsUnder18: value('appearsUnder18') === 'yes',
        arrestedTime: value('arrestedAt-time'),
      },
      suiteItems: [
        { value: '', text: 'Choose a custody suite' },
        ...suites.map((s) => ({ value: s.id, text: s.name, selected: s.id === value('custodySuite') })),
      ],
      arrestedItems: dateItemsFor(
        body,
        'arrestedAt',
        errorOf('arrestedAt')
          ? dateParts.arrestedAt?.length
            ? dateParts.arrestedAt
            : ['day', 'month', 'year']
          : [],
      ),
    }
  }

  app.get(
    `${custodyPath}/detentions/new`,
    { config: { access: custodyAccess.recordDetention } },
    async (request, reply) =>
      reply.render(
        'custody/views/new.njk',
        await showNew(request, nowValues('arrestedAt', clock.now()), [], {}),
      ),
  )

  app.post(
    `${custodyPath}/detentions`,
    { config: { access: custodyAccess.recordDetention } },
    async (request, reply) => {
      const body = request.body as Body
      const errors: FieldError[] = []
      const dateParts: Record<string, DatePart[]> = {}
      const arrested = parseDateTime(body, 'arrestedAt', 'Arrest time', true)
      if (arrested.error) {
        errors.push({ field: 'arrestedAt', reason: arrested.error })
        dateParts.arrestedAt = arrested.errorParts
      }
      const text = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string).trim() : '')
      const offences = text('offences')
        .split(/\r?\n/)
        .map((o) => o.trim())
        .filter(Boolean)
      if (!text('child'))
        errors.push({ field: 'child', reason: 'Enter the child’s person reference, like KP-0000042' })
      if (!text('custodySuite')) errors.push({ field: 'custodySuite', reason: 'Choose the custody suite' })
      if (offences.length === 0)
        errors.push({ field: 'offences', reason: 'Enter at least one offence, one a line' })
      if (errors.length === 0) {
        try {
          const detention = await custody.create(
            {
              detention: {
                child: text('child'),
                custodySuite: text('custodySuite'),
                offences,
                arrestedAt: arrested.value as Date,
                appearsUnder18: text('appearsUnder18') === 'yes',
                ...(text('pacRef') ? { pacRef: text('pacRef') } : {}),
              },
            },
            principalOf(request),
          )
          return reply.redirect(`${custodyPath}/detentions/${detention.id}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          errors.push(...error.errors)
        }
      }
      return reply.code(400).render('custody/views/new.njk', await showNew(request, body, errors, dateParts))
    },
  )

  // ---- the live timeline ----

  async function detentionPage(request: FastifyRequest, id: string) {
    const asOf = clock.now()
    const view = await custody.get(id, principalOf(request), asOf)
    const findings = await standards.findingsForSubject(detentionKind.kind, id)
    const events = [...view.events].sort((a, b) => b.at.getTime() - a.at.getTime())
    return {
      view,
      asOf,
      pageTitle: `Detention ${view.detention.ref}`,
      detention: view.detention,
      child: view.child,
      suiteName: view.suiteName,
      clocks: clockView(view.clocks, asOf),
      findings: findings.map((f) => ({ ...f, statusLabel: statusLabels[f.status] })),
      openFindings: findings.filter(
        (f) => f.status === 'due' || f.status === 'breached' || f.status === 'acknowledged',
      ).length,
      timeline: events.map((e) => ({ ...describeEvent(e), at: e.at, id: e.id })),
      kindItems: [
        { value: '', text: 'Choose what happened' },
        ...eventKinds.map((k) => ({ value: k, text: eventKindLabels[k] })),
      ],
      canRecord: mayDo('recordEvent', principalOf(request).roles),
      canLinkPac: mayDo('linkPac', principalOf(request).roles),
    }
  }

  app.get(
    `${custodyPath}/detentions/:id`,
    { config: { access: custodyAccess.read } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      return reply.render('custody/views/detention.njk', await detentionPage(request, id))
    },
  )

  // Choosing the kind of event is a plain GET form, so it works without JavaScript.
  app.get(
    `${custodyPath}/detentions/:id/events/new`,
    { config: { access: custodyAccess.recordEvent } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const kind = (request.query as { kind?: string }).kind ?? ''
      if (!(eventKinds as readonly string[]).includes(kind)) {
        const page = await detentionPage(request, id)
        return reply.code(400).render('custody/views/detention.njk', {
          ...page,
          errors: [{ text: 'Choose what happened', href: '#kind' }],
          kindError: { text: 'Choose what happened' },
        })
      }
      return reply.render(
        'custody/views/event-form.njk',
        await eventForm(request, id, kind as EventKind, nowValues('at', clock.now()), [], {}),
      )
    },
  )

  async function eventForm(
    request: FastifyRequest,
    id: string,
    kind: EventKind,
    body: Body,
    errors: FieldError[],
    dateParts: Record<string, DatePart[]>,
  ) {
    const view = await custody.get(id, principalOf(request))
    const related =
      kind === 'review_told'
        ? view.events.filter((e) => e.kind === 'review' && e.inPerson === false)
        : kind === 'la_response'
          ? view.events.filter((e) => e.kind === 'accommodation_request')
          : []
    return {
      pageTitle: eventKindLabels[kind],
      detention: view.detention,
      child: view.child,
      suiteName: view.suiteName,
      kind,
      errors: errorLinks(errors, dateParts, kind),
      fields: formFields(
        kind,
        body,
        errors,
        dateParts,
        related.map((e) => ({
          value: e.id,
          text: `${eventKindLabels[e.kind]} at ${e.at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
        })),
      ),
      version: typeof body?.version === 'string' ? body.version : String(view.detention.version),
    }
  }

  app.post(
    `${custodyPath}/detentions/:id/events`,
    { config: { access: custodyAccess.recordEvent } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const body = request.body as Body
      const kind = typeof body?.kind === 'string' ? body.kind : ''
      if (!(eventKinds as readonly string[]).includes(kind))
        throw new ValidationError([{ field: 'kind', reason: 'Choose what happened' }])
      const version = Number(body?.version)
      if (!Number.isInteger(version))
        throw new ValidationError([{ field: 'version', reason: 'Missing record version' }])
      const { input, errors, dateParts } = eventFromForm(kind as EventKind, body)
      if (errors.length === 0) {
        const parsed = eventInput.safeParse(input)
        if (!parsed.success) {
          errors.push(
            ...parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'kind'), reason: i.message })),
          )
        } else {
          try {
            await custody.addEvent(id, version, parsed.data, principalOf(request))
            return reply.redirect(`${custodyPath}/detentions/${id}#timeline`, 303)
          } catch (error) {
            if (!(error instanceof ValidationError)) throw error
            errors.push(...error.errors)
          }
        }
      }
      return reply
        .code(400)
        .render(
          'custody/views/event-form.njk',
          await eventForm(request, id, kind as EventKind, body, errors, dateParts),
        )
    },
  )

  app.post(
    `${custodyPath}/detentions/:id/pac`,
    { config: { access: custodyAccess.linkPac } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const body = request.body as Body
      const pacRef = typeof body?.pacRef === 'string' ? body.pacRef : ''
      try {
        await custody.linkPac(id, Number(body?.version), pacRef, principalOf(request))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const page = await detentionPage(request, id)
        return reply.code(400).render('custody/views/detention.njk', {
          ...page,
          errors: error.errors.map((e) => ({ text: e.reason, href: '#pacRef' })),
          pacError: { text: error.errors[0]?.reason ?? 'Enter the PAC reference' },
        })
      }
      return reply.redirect(`${custodyPath}/detentions/${id}`, 303)
    },
  )
}

function dateItemsFor(body: Body, name: string, errorParts: DatePart[]) {
  const v = (k: string) =>
    typeof body?.[`${name}-${k}`] === 'string' ? (body[`${name}-${k}`] as string) : ''
  const item = (part: DatePart, width: string) => ({
    name: part,
    value: v(part),
    classes: `govuk-input--width-${width}${errorParts.includes(part) ? ' govuk-input--error' : ''}`,
  })
  return [item('day', '2'), item('month', '2'), item('year', '4')]
}
