import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { permits } from '../platform/access/access.ts'
import { reachOf } from '../platform/access/need-to-know.ts'
import type { Principal } from '../platform/auth/principal.ts'
import { apiRoute } from '../platform/http/api.ts'
import { HttpError, ValidationError } from '../platform/http/errors.ts'
import { isIsoDate, londonInstant } from '../platform/time.ts'
import { findingsApiReaders, parameterSetters, staffAccess, teamRoles } from './access.ts'
import { type FindingStatus, findingStatuses, statusLabels } from './lifecycle.ts'
import { type ParameterSpec, parseParameterInput, sourceLabels } from './rule.ts'
import { teamScope } from './scope.ts'
import type { FindingFilter, FindingSummary, FindingsReader, StandardsService } from './service.ts'

// The menu (src/routes.ts) shows its items to the roles these admit.

const dueWindows: Record<string, { label: string; hours: number | null }> = {
  breached: { label: 'Already breached', hours: 0 },
  '24h': { label: 'Due in the next 24 hours', hours: 24 },
  '7d': { label: 'Due in the next 7 days', hours: 24 * 7 },
}

function viewFinding(f: FindingSummary) {
  return { ...f, statusLabel: statusLabels[f.status], breached: f.breachedAt !== null }
}

function ruleView(service: StandardsService) {
  return service.rules().map((rule) => ({
    id: rule.id,
    title: rule.title,
    citation: rule.citation,
    source: rule.source,
    sourceLabel: sourceLabels[rule.source],
    appliesTo: rule.appliesTo,
    severity: rule.severity,
    timeBased: rule.timeBased,
    params: Object.entries(rule.params as Record<string, ParameterSpec>).map(([name, spec]) => ({
      name,
      description: spec.description,
      unit: spec.unit ?? '',
      perBorough: spec.perBorough ?? false,
      defaultText: JSON.stringify(spec.default),
    })),
  }))
}

/** The reader of a list, as the access log records them: who, and the request they made. */
function readerOf(request: FastifyRequest): FindingsReader {
  const principal = request.principal as Principal
  return {
    actorId: principal.id,
    actorName: principal.username,
    query: `${request.method} ${request.url}`,
    requestId: request.id,
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

export function standardsRoutes(app: FastifyInstance, service: StandardsService) {
  app.get('/my-work', { config: { access: staffAccess } }, async (request, reply) => {
    const principal = request.principal as Principal
    const findings = principal.staffId
      ? await service.listFindings({ assigneeStaffId: principal.staffId, status: 'open' })
      : []
    await service.logListRead(readerOf(request), findings)
    return reply.render('views/my-work.njk', {
      pageTitle: 'My work',
      hasStaffRecord: principal.staffId !== null,
      findings: findings.map(viewFinding),
    })
  })

  app.get('/my-team', { config: { access: teamRoles } }, async (request, reply) => {
    const principal = request.principal as Principal
    const query = request.query as Record<string, unknown>
    const selected = {
      rule: text(query.rule),
      borough: text(query.borough),
      due: text(query.due),
      status: text(query.status) || 'open',
    }
    const errors: { text: string; href: string }[] = []
    // A long list is paged on the server: a supervisor reads a page at a time, soonest due first.
    const pageSize = 100
    const page = Math.max(1, Math.min(10_000, Number.parseInt(text(query.page) || '1', 10) || 1))
    const filter: FindingFilter = {
      queue: teamScope(principal),
      limit: pageSize,
      offset: (page - 1) * pageSize,
    }
    if (selected.rule) {
      if (service.rule(selected.rule)) filter.ruleId = selected.rule
      else errors.push({ text: 'Select a rule from the list', href: '#rule' })
    }
    const boroughs = await service.boroughs()
    if (selected.borough) {
      if (boroughs.some((b) => b.id === selected.borough)) filter.boroughId = selected.borough
      else errors.push({ text: 'Select a borough from the list', href: '#borough' })
    }
    if (selected.due) {
      const window = dueWindows[selected.due]
      if (window) filter.dueBefore = new Date(service.now().getTime() + (window.hours ?? 0) * 3_600_000)
      else errors.push({ text: 'Select when findings fall due', href: '#due' })
    }
    if (selected.status === 'open' || findingStatuses.includes(selected.status as FindingStatus)) {
      filter.status = selected.status as FindingStatus | 'open'
    } else errors.push({ text: 'Select a status from the list', href: '#status' })
    const [findings, total] = errors.length
      ? [[], 0]
      : await Promise.all([service.listFindings(filter), service.countFindings(filter)])
    if (!errors.length) await service.logListRead(readerOf(request), findings, { total })
    const pages = Math.max(1, Math.ceil(total / pageSize))
    const pageHref = (n: number) =>
      `/my-team?${new URLSearchParams({ ...selected, page: String(n) }).toString()}`
    return reply.render('views/my-team.njk', {
      pageTitle: 'My team',
      errors,
      selected,
      findings: findings.map(viewFinding),
      total,
      shownFrom: total ? (page - 1) * pageSize + 1 : 0,
      shownTo: (page - 1) * pageSize + findings.length,
      pagination:
        pages > 1
          ? {
              ...(page > 1 ? { previous: { href: pageHref(page - 1) } } : {}),
              ...(page < pages ? { next: { href: pageHref(page + 1) } } : {}),
              items: Array.from({ length: pages }, (_, i) => i + 1)
                .filter((n) => n === 1 || n === pages || Math.abs(n - page) <= 2)
                .flatMap((n, i, list) => [
                  ...(i > 0 && n - (list[i - 1] as number) > 1 ? [{ ellipsis: true }] : []),
                  { number: n, href: pageHref(n), current: n === page },
                ]),
            }
          : undefined,
      ruleItems: [
        { value: '', text: 'Any rule' },
        ...service.rules().map((r) => ({ value: r.id, text: `${r.id} ${r.title}` })),
      ],
      boroughItems: [
        { value: '', text: 'Any borough' },
        ...boroughs.map((b) => ({ value: b.id, text: b.name })),
      ],
      dueItems: [
        { value: '', text: 'Any time' },
        ...Object.entries(dueWindows).map(([value, w]) => ({ value, text: w.label })),
      ],
      statusItems: [
        { value: 'open', text: 'Open (due, breached or acknowledged)' },
        ...findingStatuses.map((s) => ({ value: s, text: statusLabels[s] })),
      ],
      boroughNames: Object.fromEntries(boroughs.map((b) => [b.id, b.name])),
    })
  })

  async function renderFinding(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: { errors?: { text: string; href: string }[]; note?: string; reason?: string; status?: number } = {},
  ) {
    const principal = request.principal as Principal
    const finding = await service.finding(id, reachOf(principal))
    await service.logRead(
      {
        actorId: principal.id,
        actorName: principal.username,
        query: `${request.method} ${request.url}`,
        requestId: request.id,
      },
      id,
    )
    const canAct = permits(teamRoles, principal.roles)
    const boroughs = await service.boroughs()
    return reply.code(form.status ?? 200).render('views/finding.njk', {
      pageTitle: `${finding.ruleId} ${finding.ruleTitle}`,
      finding: viewFinding(finding),
      rule: finding.rule,
      sourceLabel: finding.rule ? sourceLabels[finding.rule.source] : '',
      detail: finding,
      boroughName: boroughs.find((b) => b.id === finding.boroughId)?.name,
      isOpen: finding.closedAt === null,
      canAct,
      events: finding.events.map((e) => ({ ...e, label: eventLabels[e.event] })),
      errors: form.errors ?? [],
      note: form.note ?? '',
      reason: form.reason ?? '',
    })
  }

  app.get('/findings/:id', { config: { access: staffAccess } }, async (request, reply) =>
    renderFinding(request, reply, (request.params as { id: string }).id),
  )

  for (const action of ['acknowledge', 'resolve'] as const) {
    app.post(`/findings/:id/${action}`, { config: { access: teamRoles } }, async (request, reply) => {
      const principal = request.principal as Principal
      const id = (request.params as { id: string }).id
      const body = (request.body ?? {}) as Record<string, unknown>
      const actor = { reach: reachOf(principal), by: principal.username }
      const version = Number(text(body.version)) || undefined
      const words = text(action === 'acknowledge' ? body.note : body.reason)
      try {
        if (action === 'acknowledge') await service.acknowledge(id, actor, words, version)
        else await service.resolve(id, actor, words, version)
      } catch (error) {
        if (error instanceof ValidationError) {
          const field = action === 'acknowledge' ? 'note' : 'reason'
          return renderFinding(request, reply, id, {
            status: 400,
            errors: error.errors.map((e) => ({ text: e.reason, href: `#${field}` })),
            [field]: words,
          })
        }
        throw error
      }
      return reply.redirect(`/findings/${id}`, 303)
    })
  }

  app.get('/rules', { config: { access: staffAccess } }, async (_request, reply) =>
    reply.render('views/rules.njk', { pageTitle: 'Rules', rules: ruleView(service) }),
  )

  // ---- parameters (admin) ----
  app.get('/admin/rule-parameters', { config: { access: parameterSetters } }, async (_request, reply) => {
    const values = await service.parameters.valuesAt(service.now())
    const boroughs = await service.boroughs()
    const names = Object.fromEntries(boroughs.map((b) => [b.id, b.name]))
    const rules = ruleView(service).map((rule) => ({
      ...rule,
      params: rule.params.map((p) => {
        const inForce = values.filter((v) => v.ruleId === rule.id && v.name === p.name)
        const forceWide = inForce.find((v) => v.boroughId === null)
        return {
          ...p,
          currentText: forceWide ? JSON.stringify(forceWide.value) : `${p.defaultText} (default)`,
          overrides: inForce
            .filter((v) => v.boroughId !== null)
            .map((v) => ({
              borough: names[v.boroughId as string] ?? v.boroughId,
              valueText: JSON.stringify(v.value),
            })),
        }
      }),
    }))
    return reply.render('views/parameters.njk', { pageTitle: 'Rule parameters', rules })
  })

  const parameterPath = '/admin/rule-parameters/:ruleId/:name'
  async function renderParameterForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: {
      errors?: { text: string; href: string }[]
      values?: Record<string, string>
      status?: number
    } = {},
  ) {
    const { ruleId, name } = request.params as { ruleId: string; name: string }
    const rule = service.rule(ruleId)
    const spec = rule ? (rule.params as Record<string, ParameterSpec>)[name] : undefined
    if (!rule || !spec) throw new HttpError(404, 'There is no such rule parameter')
    const boroughs = spec.perBorough ? await service.boroughs() : []
    const names = Object.fromEntries(boroughs.map((b) => [b.id, b.name]))
    const history = (await service.parameters.history(ruleId)).filter((h) => h.name === name)
    return reply.code(form.status ?? 200).render('views/parameter-form.njk', {
      pageTitle: `${rule.id} ${name}`,
      rule,
      sourceLabel: sourceLabels[rule.source],
      name,
      spec,
      defaultText: JSON.stringify(spec.default),
      boroughItems: [
        { value: '', text: 'Whole force' },
        ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: form.values?.borough === b.id })),
      ],
      history: history.map((h) => ({
        ...h,
        valueText: JSON.stringify(h.value),
        borough: h.borough_id ? (names[h.borough_id] ?? h.borough_id) : 'Whole force',
      })),
      errors: form.errors ?? [],
      values: form.values ?? {},
    })
  }
  app.get(parameterPath, { config: { access: parameterSetters } }, async (request, reply) =>
    renderParameterForm(request, reply),
  )
  app.post(parameterPath, { config: { access: parameterSetters } }, async (request, reply) => {
    const principal = request.principal as Principal
    const { ruleId, name } = request.params as { ruleId: string; name: string }
    const rule = service.rule(ruleId)
    const spec = rule ? (rule.params as Record<string, ParameterSpec>)[name] : undefined
    if (!rule || !spec) throw new HttpError(404, 'There is no such rule parameter')
    const body = (request.body ?? {}) as Record<string, unknown>
    const values = {
      value: text(body.value),
      borough: text(body.borough),
      effectiveFrom: text(body.effectiveFrom).trim(),
      reason: text(body.reason),
    }
    const errors: { text: string; href: string }[] = []
    const parsed = parseParameterInput(spec, values.value)
    if ('error' in parsed) errors.push({ text: parsed.error, href: '#value' })
    let effectiveFrom: Date | undefined
    if (!isIsoDate(values.effectiveFrom)) {
      errors.push({ text: 'Enter the date the value applies from, like 2025-04-01', href: '#effectiveFrom' })
    } else effectiveFrom = londonInstant(values.effectiveFrom)
    if (!values.reason.trim()) errors.push({ text: 'Enter the reason for the change', href: '#reason' })
    if (values.borough && !spec.perBorough)
      errors.push({ text: 'This parameter is set for the whole force only', href: '#borough' })
    if (values.borough && !(await service.boroughs()).some((b) => b.id === values.borough)) {
      errors.push({ text: 'Select a borough from the list', href: '#borough' })
    }
    if (errors.length || !effectiveFrom || 'error' in parsed)
      return renderParameterForm(request, reply, { errors, values, status: 400 })
    try {
      await service.parameters.set({
        ruleId,
        name,
        boroughId: values.borough || null,
        value: parsed.value,
        effectiveFrom,
        reason: values.reason,
        setBy: principal.username,
      })
    } catch (error) {
      if (error instanceof ValidationError) {
        const at: Record<string, string> = {
          boroughId: '#borough',
          effectiveFrom: '#effectiveFrom',
          reason: '#reason',
        }
        return renderParameterForm(request, reply, {
          errors: error.errors.map((e) => ({ text: e.reason, href: at[e.field] ?? '#value' })),
          values,
          status: 400,
        })
      }
      throw error
    }
    return reply.redirect(`/admin/rule-parameters/${ruleId}/${name}`, 303)
  })

  // ---- API ----
  const findingOut = z.object({
    ruleId: z.string(),
    ruleTitle: z.string(),
    subjectKind: z.string(),
    subjectId: z.string(),
    subjectRef: z.string().nullable(),
    status: z.string(),
    openedAt: z.string(),
    dueAt: z.string().nullable(),
    breachedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    detail: z.string(),
    boroughId: z.string().nullable(),
    bcuId: z.string().nullable(),
    assigneeTeamId: z.string().nullable(),
    assigneeStaffId: z.string().nullable(),
  })
  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/findings',
    access: findingsApiReaders,
    summary: 'Findings: stored, or computed at an instant',
    description:
      "Without asOf: the stored findings within the caller's need to know (the boroughs of their BCU today, and findings assigned to them or their team). With asOf (ISO 8601 instant): findings computed from the data as it stood then (events dated later are treated as not yet happened), not stored.",
    tags: ['Findings'],
    query: z.object({
      asOf: z.iso
        .datetime({ offset: true })
        .optional()
        .describe('Evaluate at this instant, e.g. 2018-08-01T09:00:00+01:00'),
      rule: z
        .string()
        .regex(/^[A-Z]{2,6}-[0-9A-Za-z-]{1,20}$/)
        .optional()
        .describe('A rule id, e.g. CUS-04'),
      subjectRef: z.string().min(1).max(200).optional(),
    }),
    response: z.object({ asOf: z.string().nullable(), findings: z.array(findingOut) }),
    handler: async ({ query, principal, request }) => {
      if (query.rule && !service.rule(query.rule)) {
        throw new ValidationError([{ field: 'rule', reason: `there is no rule ${query.rule}` }])
      }
      const filter: FindingFilter = {
        reach: reachOf(principal),
        ruleId: query.rule,
        subjectRef: query.subjectRef,
        limit: 10_000,
      }
      const findings = query.asOf
        ? (await service.findingsAt(new Date(query.asOf), filter)).findings
        : await service.listFindings(filter)
      await service.logListRead(readerOf(request), findings, query.asOf ? { asOf: query.asOf } : undefined)
      return { asOf: query.asOf ?? null, findings: findings.map(findingJson) }
    },
  })
}

export const eventLabels: Record<string, string> = {
  opened: 'Opened',
  breached: 'Breached',
  acknowledged: 'Acknowledged',
  resolved_auto: 'Resolved: the record no longer breaches',
  resolved_by_supervisor: 'Resolved by a supervisor',
  reopened: 'Reopened',
  met: 'Met',
}

/** A finding as JSON (API and CLI): instants in ISO 8601. */
export function findingJson(f: FindingSummary) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null)
  return {
    ruleId: f.ruleId,
    ruleTitle: f.ruleTitle,
    subjectKind: f.subjectKind,
    subjectId: f.subjectId,
    subjectRef: f.subjectRef,
    status: f.status,
    openedAt: f.openedAt.toISOString(),
    dueAt: iso(f.dueAt),
    breachedAt: iso(f.breachedAt),
    closedAt: iso(f.closedAt),
    detail: f.detail,
    boroughId: f.boroughId,
    bcuId: f.bcuId,
    assigneeTeamId: f.assigneeTeamId,
    assigneeStaffId: f.assigneeStaffId,
  }
}
