import type { FastifyInstance } from 'fastify'
import { fieldErrors } from '../../../platform/http/api.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
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
      const pages = Math.max(1, Math.ceil(list.total / list.size))
      const link = (n: number) =>
        `${offendersPath}?${new URLSearchParams([
          ...filterNames.flatMap((name): [string, string][] => (chosen(name) ? [[name, chosen(name)]] : [])),
          ['page', String(n)] as [string, string],
        ]).toString()}`
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
        total: list.total,
        shownFrom: list.items.length ? (list.page - 1) * list.size + 1 : 0,
        shownTo: (list.page - 1) * list.size + list.items.length,
        pagination:
          pages > 1
            ? {
                ...(list.page > 1 ? { previous: { href: link(Math.min(list.page - 1, pages)) } } : {}),
                ...(list.page < pages ? { next: { href: link(list.page + 1) } } : {}),
                items: Array.from({ length: pages }, (_, i) => i + 1)
                  .filter((n) => n === 1 || n === pages || Math.abs(n - list.page) <= 2)
                  .flatMap((n, i, shown) => [
                    ...(i > 0 && n - (shown[i - 1] as number) > 1 ? [{ ellipsis: true }] : []),
                    { number: n, href: link(n), current: n === list.page },
                  ]),
              }
            : undefined,
      })
    },
  })
}
