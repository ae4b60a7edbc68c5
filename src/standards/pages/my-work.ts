import type { FastifyInstance } from 'fastify'
import type { Principal } from '../../platform/auth/principal.ts'
import { areaFilterItems } from '../../platform/http/area-filter.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { type FormBody, formText } from '../../platform/http/form-body.ts'
import { pageAsked, pageOfList } from '../../platform/http/pagination.ts'
import {
  type ExportColumn,
  exportHrefs,
  exportRoutes,
  keysetBatches,
} from '../../platform/http/record-export.ts'
import { countdown } from '../../platform/time.ts'
import { staffAccess, teamRoles } from '../access.ts'
import { type FindingStatus, findingStatuses, statusLabels } from '../lifecycle.ts'
import { myWorkOf, teamScope } from '../scope.ts'
import type { FindingFilter, FindingSummary, StandardsService } from '../service.ts'
import { readerOf, viewFinding } from './shared.ts'

const dueWindows: Record<string, { label: string; hours: number | null }> = {
  breached: { label: 'Already breached', hours: 0 },
  '24h': { label: 'Due in the next 24 hours', hours: 24 },
  '7d': { label: 'Due in the next 7 days', hours: 24 * 7 },
}

/** A long list is paged on the server: a supervisor reads a page at a time, what needs doing soonest first. */
const pageSize = 100

/** A finding for the tables, with its due time counted down (or overdue) from `now` as custody shows it. */
const withCountdown = (f: FindingSummary, now: Date) => ({
  ...viewFinding(f),
  countdown: f.dueAt ? countdown(f.dueAt, now) : null,
})

/** "My work", the open findings assigned to me, and "My team", the findings of the queues I supervise. */
export function workPages(app: FastifyInstance, service: StandardsService) {
  app.get('/my-work', { config: { access: staffAccess } }, async (request, reply) => {
    const principal = request.principal as Principal
    const query = request.query as FormBody
    const page = pageAsked(query)
    const now = service.now()
    // Mine by name and, where my team holds the work (a custody suite, a unit, a supervisor's reviews), my
    // team's that name no one; a page at a time (a unit's can run to a thousand), what needs doing soonest
    // first: not yet due soonest first, then the most recently breached, as My team orders them.
    const mine = myWorkOf(principal)
    const filter: FindingFilter | null = mine ? { mine, status: 'open' } : null
    const [findings, total] = filter
      ? await Promise.all([
          service.listFindings({
            ...filter,
            urgentFirstAt: now,
            limit: pageSize,
            offset: (page - 1) * pageSize,
          }),
          service.countFindings(filter),
        ])
      : [[], 0]
    await service.logListRead(readerOf(request), findings, { total })
    return reply.render('views/my-work.njk', {
      pageTitle: 'My work',
      hasStaffRecord: principal.staffId !== null,
      holdsTeamWork: (mine?.teamIds.length ?? 0) > 0,
      findings: findings.map((f) => withCountdown(f, now)),
      ...pageOfList({ path: '/my-work', query, page, size: pageSize, total, shown: findings.length }),
    })
  })

  app.get('/my-team', { config: { access: teamRoles } }, async (request, reply) => {
    const query = request.query as FormBody
    const page = pageAsked(query)
    const now = service.now()
    const { selected, errors, filter, boroughs } = await teamFilterOf(
      service,
      request.principal as Principal,
      query,
    )
    Object.assign(filter, { urgentFirstAt: now, limit: pageSize, offset: (page - 1) * pageSize })
    const [findings, total] = errors.length
      ? [[], 0]
      : await Promise.all([service.listFindings(filter), service.countFindings(filter)])
    if (!errors.length) await service.logListRead(readerOf(request), findings, { total })
    return reply.render('views/my-team.njk', {
      pageTitle: 'My team',
      errors,
      exportLinks: errors.length ? null : exportHrefs('/my-team', query),
      selected,
      findings: findings.map((f) => withCountdown(f, now)),
      ...pageOfList({ path: '/my-team', query, page, size: pageSize, total, shown: findings.length }),
      ruleItems: [
        { value: '', text: 'Any rule' },
        ...service.rules().map((r) => ({ value: r.id, text: `${r.id} ${r.title}` })),
      ],
      boroughItems: areaFilterItems(boroughs, await service.boroughsWithOpenFindings(), {
        any: 'Any borough',
      }),
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

  // The same findings to download, every page of them, with the page's filters and within its queue.
  exportRoutes(app, '/my-team', {
    access: teamRoles,
    accessLog: service.accessLog,
    list: async ({ principal, query }) => {
      const { errors, filter, boroughs } = await teamFilterOf(service, principal, query)
      if (errors.length)
        throw new ValidationError(errors.map((e) => ({ field: e.href.slice(1), reason: e.text })))
      const boroughName = new Map(boroughs.map((b) => [b.id, b.name]))
      return {
        fileName: 'kestrel-my-team',
        subjectKind: 'finding',
        idOf: (f: FindingSummary) => f.id ?? `${f.ruleId}/${f.subjectKind}/${f.subjectId}`,
        batches: (size) =>
          keysetBatches(
            (after: string | null, limit) => service.listFindings({ ...filter, afterId: after, limit }),
            (f) => f.id ?? '',
            size,
          ),
        columns: findingColumns(boroughName),
      }
    },
  })
}

/** A finding as a row of a download: what the page's table shows, raw (instants as ISO text in UTC). */
function findingColumns(boroughName: ReadonlyMap<string, string>): ExportColumn<FindingSummary>[] {
  return [
    { header: 'rule', value: (f) => f.ruleId },
    { header: 'rule title', value: (f) => f.ruleTitle },
    { header: 'record', value: (f) => f.subjectRef },
    { header: 'record kind', value: (f) => f.subjectKind },
    { header: 'status', value: (f) => f.statusLabel },
    { header: 'borough', value: (f) => (f.boroughId ? (boroughName.get(f.boroughId) ?? f.boroughId) : null) },
    { header: 'opened at', value: (f) => f.openedAt },
    { header: 'due at', value: (f) => f.dueAt },
    { header: 'breached at', value: (f) => f.breachedAt },
    { header: 'closed at', value: (f) => f.closedAt },
    { header: 'detail', value: (f) => f.detail },
    { header: 'finding', value: (f) => f.id },
  ]
}

/**
 * My team's filters from the query. They are a GET form whose choices (rules, boroughs) are read at request
 * time, so they are checked here against them; a choice not offered is named, and nothing is listed.
 */
async function teamFilterOf(service: StandardsService, principal: Principal, query: FormBody) {
  const selected = {
    rule: formText(query, 'rule'),
    borough: formText(query, 'borough'),
    due: formText(query, 'due'),
    status: formText(query, 'status') || 'open',
  }
  const errors: { text: string; href: string }[] = []
  const now = service.now()
  const filter: FindingFilter = { queue: teamScope(principal) }
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
    if (window) filter.dueBefore = new Date(now.getTime() + (window.hours ?? 0) * 3_600_000)
    else errors.push({ text: 'Select when findings fall due', href: '#due' })
  }
  if (selected.status === 'open' || findingStatuses.includes(selected.status as FindingStatus)) {
    filter.status = selected.status as FindingStatus | 'open'
  } else errors.push({ text: 'Select a status from the list', href: '#status' })
  return { selected, errors, filter, boroughs }
}
