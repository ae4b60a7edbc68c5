import type { FastifyInstance } from 'fastify'
import { fieldErrors } from '../../../platform/http/api.ts'
import { areaFilterItems } from '../../../platform/http/area-filter.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { pageOfList } from '../../../platform/http/pagination.ts'
import { exportHrefs, exportRoutes, pageBatches } from '../../../platform/http/record-export.ts'
import { mayDo, offendersAccess, rsoKind } from '../access.ts'
import { riskLabels, riskLevels, rsoStatuses, statusLabels } from '../rso.ts'
import { type RsoListItem, rsoListFilter } from '../service/lists.ts'
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
      const [boroughs, withRsos, managers, list] = await Promise.all([
        deps.organisation.boroughs(force.id),
        deps.offenders.boroughsWithRsos(),
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
        exportLinks: exportHrefs(offendersPath, query),
        canRegister: mayDo('write', principal.roles),
        filtered: filterNames.some((name) => chosen(name)),
        boroughItems: areaFilterItems(boroughs, withRsos, {
          any: 'Any borough',
          selected: chosen('borough'),
        }),
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

  // Every RSO the list finds with its filters, in its order, a batch of pages at a time.
  exportRoutes<RsoListItem>(app, offendersPath, {
    access: offendersAccess.read,
    accessLog: deps.accessLog,
    list: async ({ principal, query, request }) => {
      const filter = listFilterOf(query)
      const read = { query: `GET ${request.url}`, requestId: request.id, exported: true }
      return {
        fileName: 'kestrel-registered-sex-offenders',
        subjectKind: rsoKind.kind,
        idOf: (r) => r.id,
        batches: (size) =>
          pageBatches(
            async (page) => (await deps.offenders.list(principal, { ...filter, page }, read, size)).items,
            size,
          ),
        columns: [
          { header: 'RSO', value: (r) => r.ref },
          { header: 'name', value: (r) => r.name },
          { header: 'person reference', value: (r) => r.personRef },
          { header: 'status', value: (r) => statusLabels[r.status] },
          { header: 'risk level', value: (r) => riskLabels[r.riskLevel] },
          { header: 'borough', value: (r) => r.boroughName },
          { header: 'offender manager', value: (r) => r.managerName },
          { header: 'manager staff number', value: (r) => r.managerStaffNumber },
          { header: 'findings breached', value: (r) => r.breached },
          { header: 'findings due', value: (r) => r.due },
          { header: 'next due at', value: (r) => r.nextDueAt },
        ],
      }
    },
  })
}
