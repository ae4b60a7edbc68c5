import type { FastifyInstance } from 'fastify'
import { fieldErrors } from '../../../platform/http/api.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { pageOfList } from '../../../platform/http/pagination.ts'
import { mayDo, offendersAccess } from '../access.ts'
import { riskLabels, riskLevels, rsoStatuses, statusLabels } from '../rso.ts'
import { rsoListFilter } from '../service/lists.ts'
import { type OffendersPageDeps, offendersPath } from './shared.ts'

const filterNames = ['borough', 'manager', 'riskLevel', 'status'] as const

/** The list's filters from the query: what the filter form sent ('' is "any"), checked as the API checks them. */
export function listFilterOf(query: unknown) {
  const sent = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(
      ([key, value]) => [...filterNames, 'page'].includes(key) && value !== '',
    ),
  )
  const parsed = rsoListFilter.safeParse(sent)
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error, 'query'))
  return parsed.data
}

/** The RSOs the reader may see, what needs doing soonest first, filtered and a page at a time. */
export function listPages(app: FastifyInstance, deps: OffendersPageDeps) {
  page(app, offendersPath, {
    access: offendersAccess.read,
    get: async ({ principal, query, request }) => {
      const filter = listFilterOf(query)
      const force = await deps.organisation.force()
      const [boroughs, managers, list] = await Promise.all([
        deps.organisation.boroughs(force.id),
        deps.offenders.managers(),
        deps.offenders.list(principal, filter, { query: `GET ${request.url}`, requestId: request.id }),
      ])
      const chosen = (name: (typeof filterNames)[number]) => filter[name] ?? ''
      const select = (all: string, options: { value: string; text: string }[], value: string) => [
        { value: '', text: all, selected: value === '' },
        ...options.map((o) => ({ ...o, selected: o.value === value })),
      ]
      return view('offenders/views/list.njk', {
        pageTitle: 'Registered sex offenders',
        canRegister: mayDo('write', principal.roles),
        filtered: filterNames.some((name) => chosen(name)),
        boroughItems: select(
          'Any borough',
          boroughs.map((b) => ({ value: b.id, text: b.name })),
          chosen('borough'),
        ),
        managerItems: select(
          'Any offender manager',
          managers.map((m) => ({ value: m.id, text: `${m.name} (${m.staff_number})` })),
          chosen('manager'),
        ),
        riskItems: select(
          'Any risk level',
          riskLevels.map((l) => ({ value: l, text: riskLabels[l] })),
          chosen('riskLevel'),
        ),
        statusItems: select(
          'Any status',
          rsoStatuses.map((s) => ({ value: s, text: statusLabels[s] })),
          chosen('status'),
        ),
        rows: list.items.map((r) => ({
          ...r,
          riskLabel: riskLabels[r.riskLevel],
          statusLabel: statusLabels[r.status],
        })),
        // Each page's link keeps every filter (pagination.ts), as every list's does.
        ...pageOfList({
          path: offendersPath,
          query,
          page: list.page,
          size: list.size,
          total: list.total,
          shown: list.items.length,
        }),
      })
    },
  })
}
