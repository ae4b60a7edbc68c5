import type { FastifyInstance } from 'fastify'
import { fieldErrors } from '../../../platform/http/api.ts'
import { areaFilterItems } from '../../../platform/http/area-filter.ts'
import { NotFoundError, ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { exportHrefs } from '../../../platform/http/record-export.ts'
import { mayDo, offendersAccess } from '../access.ts'
import { caseloadBand, riskLabels, riskLevels, statusLabels } from '../rso.ts'
import type { Caseload } from '../service/caseloads.ts'
import { caseloadFilter } from '../service/lists.ts'
import { type OffendersPageDeps, offendersPath } from './shared.ts'

const bandLabels = {
  over_breach: { text: 'Over the breach line', classes: 'govuk-tag--red' },
  over_warning: { text: 'Over the warning line', classes: 'govuk-tag--orange' },
  within: null,
} as const

/** The caseload filters from the query; '' (the filter's "any") is no filter. */
function filterOf(query: unknown) {
  const sent = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(
      ([key, value]) => ['team', 'bcu', 'manager'].includes(key) && value !== '',
    ),
  )
  const parsed = caseloadFilter.safeParse(sent)
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error, 'query'))
  return parsed.data
}

/**
 * Offender managers' caseloads: active RSOs by risk level and the work the rules find overdue, each manager
 * marked against RSO-05's warning and breach lines as configured today; `?manager=` is one manager's
 * caseload with their RSOs (RSO-05's link for a finding about a manager).
 */
export function caseloadPages(app: FastifyInstance, deps: OffendersPageDeps) {
  page(app, `${offendersPath}/caseloads`, {
    access: offendersAccess.read,
    get: async ({ principal, query, request }) => {
      const filter = filterOf(query)
      const force = await deps.organisation.force()
      const manager = filter.manager ? await deps.organisation.staffMember(filter.manager) : undefined
      if (filter.manager && !manager) throw new NotFoundError('There is no such offender manager')
      const [teams, bcus, withCaseloads, loads, lines] = await Promise.all([
        deps.organisation.teams(force.id, { activeOnly: true }),
        deps.organisation.bcus(force.id),
        deps.offenders.bcusWithCaseloads(),
        deps.offenders.caseloads(principal, {
          teamId: filter.team,
          bcuId: filter.bcu,
          staffId: filter.manager,
        }),
        deps.offenders.caseloadLines(),
      ])
      const rows = loads.map((c: Caseload) => ({
        ...c,
        href: `${offendersPath}/caseloads?manager=${c.staffId}`,
        band: bandLabels[caseloadBand(c.total, lines)],
      }))
      const theirs = manager
        ? await deps.offenders.list(
            principal,
            { manager: manager.id, status: 'active' },
            { query: `GET ${request.url}`, requestId: request.id },
          )
        : undefined
      const select = (all: string, options: { value: string; text: string }[], value: string | undefined) => [
        { value: '', text: all, selected: !value },
        ...options.map((o) => ({ ...o, selected: o.value === value })),
      ]
      return view('offenders/views/caseloads.njk', {
        pageTitle: manager ? `Caseload of ${manager.name}` : 'Offender managers’ caseloads',
        manager,
        lines,
        rows,
        overBreach: rows.filter((r) => r.band === bandLabels.over_breach).length,
        overWarning: rows.filter((r) => r.band === bandLabels.over_warning).length,
        totals: {
          active: rows.reduce((n, r) => n + r.active, 0),
          byRisk: riskLevels.map((l) => rows.reduce((n, r) => n + r.byRisk[l], 0)),
          visitsDue: rows.reduce((n, r) => n + r.visitsDue, 0),
          visitsOverdue: rows.reduce((n, r) => n + r.visitsOverdue, 0),
          armsOutOfDate: rows.reduce((n, r) => n + r.armsOutOfDate, 0),
          plansOutOfDate: rows.reduce((n, r) => n + r.plansOutOfDate, 0),
        },
        riskHeadings: riskLevels.map((l) => riskLabels[l]),
        riskLevels,
        teamItems: select(
          'Any Jigsaw team',
          teams.filter((t) => t.kind === 'jigsaw').map((t) => ({ value: t.id, text: t.name })),
          filter.team,
        ),
        bcuItems: areaFilterItems(bcus, withCaseloads, { any: 'Any BCU', selected: filter.bcu }),
        theirs: theirs
          ? {
              total: theirs.total,
              rows: theirs.items.map((r) => ({
                ...r,
                riskLabel: riskLabels[r.riskLevel],
                statusLabel: statusLabels[r.status],
              })),
              // The caseload's RSOs download through the RSO list's own export, with its filters.
              downloads: exportHrefs(offendersPath, { manager: manager?.id, status: 'active' }),
              more:
                theirs.total > theirs.items.length
                  ? `${offendersPath}?manager=${manager?.id}&status=active`
                  : null,
            }
          : null,
        canReallocate: mayDo('reallocate', principal.roles),
      })
    },
  })
}
