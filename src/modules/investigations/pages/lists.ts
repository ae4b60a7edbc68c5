import type { FastifyInstance } from 'fastify'
import { permits } from '../../../platform/access/access.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { page, view } from '../../../platform/http/page.ts'
import {
  pageAsked,
  pageOfList,
  type SortColumn,
  sortAsked,
  sortHeaders,
} from '../../../platform/http/pagination.ts'
import type { Services } from '../../../services.ts'
import { parametersAt } from '../../../standards/parameters.ts'
import { investigationReaders, investigationWorkers, workloadViewers } from '../access.ts'
import { type CaseType, caseTypeLabels, caseTypes } from '../investigation.ts'
import type { SortKey } from '../service.ts'
import { actorOf, investigationsPath } from './shared.ts'

/** The teams whose cases the list can be filtered by: those that investigate. */
const investigatingKinds = [
  'cait',
  'sapphire',
  'online_csae',
  'missing_persons_unit',
  'response_neighbourhood',
  'jigsaw',
]
const pageSize = 50

/** The list's sortable columns, dates newest first on a first click. */
const columns: SortColumn<SortKey>[] = [
  { key: 'ref', text: 'Reference' },
  { key: 'caseType', text: 'Case type' },
  { key: 'officer', text: 'Officer' },
  { key: 'opened', text: 'Opened', first: 'desc' },
  { key: 'lastReview', text: 'Last review', first: 'desc' },
]

/** The list of investigations, filtered and sorted, and a team's workload. */
export function listPages(app: FastifyInstance, services: Services) {
  const { investigations, organisation } = services

  page(app, investigationsPath, {
    access: investigationReaders,
    get: async ({ query, principal, request }) => {
      const q = (key: string) => formText(query, key)
      const force = await organisation.force()
      const teams = (await organisation.teams(force.id, { activeOnly: true })).filter((t) =>
        investigatingKinds.includes(t.kind),
      )
      const sorted = sortAsked(query, columns, { key: 'opened', direction: 'desc' })
      const pageNumber = pageAsked(query)
      const filter = {
        teamId: teams.some((t) => t.id === q('team')) ? q('team') : undefined,
        caseType: (caseTypes as readonly string[]).includes(q('caseType'))
          ? (q('caseType') as CaseType)
          : undefined,
        status:
          q('status') === 'closed'
            ? ('closed' as const)
            : q('status') === 'all'
              ? undefined
              : ('open' as const),
        unallocated: q('unallocated') === 'yes',
        q: q('q').slice(0, 100) || undefined,
        sort: sorted.key,
        direction: sorted.direction,
        limit: pageSize,
        offset: (pageNumber - 1) * pageSize,
      }
      const { items, total } = await investigations.list(filter, reachOf(principal), {
        actor: actorOf(principal),
        query: `GET ${request.url}`,
        requestId: request.id,
      })
      return view('investigations/views/list.njk', {
        pageTitle: 'Investigations',
        items: items.map((r) => ({ ...r, caseTypeLabel: caseTypeLabels[r.case_type as CaseType] })),
        values: { ...(query ?? {}), status: q('status') || 'open' },
        teamItems: [
          { value: '', text: 'All teams' },
          ...teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === q('team') })),
        ],
        caseTypeItems: [
          { value: '', text: 'All case types' },
          ...caseTypes.map((t) => ({ value: t, text: caseTypeLabels[t], selected: t === q('caseType') })),
        ],
        headers: sortHeaders(investigationsPath, query, columns, sorted),
        // Filtering again keeps the order chosen.
        ...(q('sort') ? { sort: sorted.key, direction: sorted.direction } : {}),
        ...pageOfList({
          path: investigationsPath,
          query,
          page: pageNumber,
          size: pageSize,
          total,
          shown: items.length,
        }),
        teamWorkload: filter.teamId ? `${investigationsPath}/workload?team=${filter.teamId}` : null,
        canOpen: permits(investigationWorkers, principal.roles),
      })
    },
  })

  page(app, `${investigationsPath}/workload`, {
    access: workloadViewers,
    get: async ({ query, principal }) => {
      const chosen = formText(query, 'team')
      const force = await organisation.force()
      const own = principal.staffId ? (await organisation.staffMember(principal.staffId))?.teamId : undefined
      // The teams that investigate, and the viewer's own whatever its kind: the page opens on their team,
      // and the list must offer the team it shows (it showed one team and named another).
      const teams = (await organisation.teams(force.id, { activeOnly: true }))
        .filter((t) => investigatingKinds.includes(t.kind) || t.id === own)
        .sort((a, b) => a.name.localeCompare(b.name))
      const teamId = teams.some((t) => t.id === chosen) ? chosen : (own ?? teams[0]?.id)
      const team = teamId ? await organisation.team(teamId) : undefined
      const rows = teamId ? await investigations.workload(teamId, reachOf(principal)) : []
      // Reviews fall due at the team's own cadence, or INV-04's days as configured.
      const inv04 = services.standards.rule('INV-04')
      if (!inv04) throw new Error('INV-04 is not registered')
      const forceCadence = (await parametersAt<{ days: number }>(services.db, inv04, services.clock.now()))
        .forceWide.days
      return view('investigations/views/workload.njk', {
        pageTitle: team ? `Workload: ${team.name}` : 'Team workload',
        team,
        ownTeam: !!team && team.id === own,
        cadence: team?.reviewCadenceDays ?? forceCadence,
        ownCadence: team?.reviewCadenceDays != null,
        rows,
        teamItems: teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === teamId })),
      })
    },
  })
}
