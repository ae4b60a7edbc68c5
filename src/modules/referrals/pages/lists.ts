import type { FastifyInstance } from 'fastify'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { areaFilterItems, boroughsWithRecords } from '../../../platform/http/area-filter.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { type FormBody, formText } from '../../../platform/http/form-body.ts'
import { page, view } from '../../../platform/http/page.ts'
import {
  pageAsked,
  pageOfList,
  type SortColumn,
  sortAsked,
  sortHeaders,
} from '../../../platform/http/pagination.ts'
import {
  exportHrefs,
  exportRoutes,
  offsetBatches,
  type RecordExport,
} from '../../../platform/http/record-export.ts'
import type { Services } from '../../../services.ts'
import { pacKind, pacMashRoles, pacRaisers, pacReaders, pacReviewers } from '../access.ts'
import { bragLabels, type PacStage, pacStages, stageLabels } from '../pac.ts'
import type { PacSortKey } from '../service/lists.ts'
import type { PacSummary } from '../service/records.ts'
import { logList, may, referralsPath } from './shared.ts'

const perPage = 50

/** The PAC list's sortable columns; the stage is a filter, not an order. */
const pacColumns: SortColumn<PacSortKey>[] = [
  { key: 'ref', text: 'PAC' },
  { key: 'child', text: 'Child' },
  { key: 'borough', text: 'Borough' },
  { key: 'raised', text: 'Raised', first: 'desc' },
]

/** The PAC lists: all PACs in reach, the supervisor's review queue, the MASH queue and a child's PACs. */
export function listPages(app: FastifyInstance, services: Services) {
  const { referrals } = services

  page(app, referralsPath, {
    access: pacReaders,
    get: async ({ request, query, principal }) => {
      const { stage, boroughId, search, sorted, boroughs, filter } = await pacListFilter(services, query)
      const pageNumber = pageAsked(query)
      const { items, total } = await referrals.list(
        { ...filter, limit: perPage, offset: (pageNumber - 1) * perPage },
        reachOf(principal),
      )
      await logList(services, request, items)
      return view('referrals/views/list.njk', {
        pageTitle: 'PACs',
        items,
        exportLinks: exportHrefs(referralsPath, query),
        search,
        filtered: !!(stage || boroughId || search),
        headers: sortHeaders(referralsPath, query, pacColumns, sorted),
        // Filtering again keeps the order chosen.
        ...(formText(query, 'sort') ? { sort: sorted.key, direction: sorted.direction } : {}),
        ...pageOfList({
          path: referralsPath,
          query,
          page: pageNumber,
          size: perPage,
          total,
          shown: items.length,
        }),
        stageItems: [
          { value: '', text: 'Any stage' },
          ...pacStages.map((s) => ({ value: s, text: stageLabels[s], selected: s === stage })),
        ],
        boroughOptions: boroughs,
        stageLabels,
        canRaise: may(principal, pacRaisers),
        canReview: may(principal, pacReviewers),
        canMash: may(principal, pacMashRoles),
      })
    },
  })

  page(app, `${referralsPath}/review`, {
    access: pacReviewers,
    get: async ({ request, query, principal }) => {
      const { staff, teamOnly, queue } = await reviewQueueOf(services, principal, query)
      const pageNumber = pageAsked(query)
      const { items, total } = await referrals.supervisorQueue({
        ...queue,
        limit: perPage,
        offset: (pageNumber - 1) * perPage,
      })
      await logList(services, request, items)
      return view('referrals/views/review-queue.njk', {
        pageTitle: 'PACs waiting for supervisor review',
        items,
        exportLinks: exportHrefs(`${referralsPath}/review`, query),
        teamOnly,
        hasTeam: !!staff?.teamId,
        ...pageOfList({
          path: `${referralsPath}/review`,
          page: pageNumber,
          size: perPage,
          total,
          shown: items.length,
          query,
        }),
      })
    },
  })

  page(app, `${referralsPath}/mash`, {
    access: pacMashRoles,
    get: async ({ request, query, principal }) => {
      const pageNumber = pageAsked(query)
      const { items, total } = await referrals.mashQueue(reachOf(principal), {
        limit: perPage,
        offset: (pageNumber - 1) * perPage,
      })
      await logList(services, request, items)
      return view('referrals/views/mash-queue.njk', {
        pageTitle: 'MASH queue',
        items,
        exportLinks: exportHrefs(`${referralsPath}/mash`, query),
        bragLabels,
        ...pageOfList({
          path: `${referralsPath}/mash`,
          query,
          page: pageNumber,
          size: perPage,
          total,
          shown: items.length,
        }),
      })
    },
  })

  page(app, '/people/:id/referrals', {
    access: pacReaders,
    get: async ({ request, params, principal }) => {
      const person = await referrals.people.find(params.id as string)
      if (!person) throw new NotFoundError('There is no such person')
      const items = await referrals.forPerson(person.id, reachOf(principal))
      await services.accessLog.record({
        actorId: principal.id,
        actorName: principal.username,
        action: 'read',
        subjectKind: 'person',
        subjectId: person.id,
        reason: 'referrals list',
      })
      await logList(services, request, items)
      return view('referrals/views/person-referrals.njk', {
        pageTitle: `Referrals: ${person.name}`,
        person,
        items,
        stageLabels,
        canRaise: may(principal, pacRaisers),
      })
    },
  })

  // Each list downloads whole, with the page's filters and through the page's own query and reach.
  exportRoutes(app, referralsPath, {
    access: pacReaders,
    accessLog: services.accessLog,
    list: async ({ principal, query }) => {
      const { filter } = await pacListFilter(services, query)
      return pacExport('kestrel-pacs', (offset, limit) =>
        referrals.list({ ...filter, limit, offset }, reachOf(principal)).then((p) => p.items),
      )
    },
  })
  exportRoutes(app, `${referralsPath}/review`, {
    access: pacReviewers,
    accessLog: services.accessLog,
    list: async ({ principal, query }) => {
      const { queue } = await reviewQueueOf(services, principal, query)
      return pacExport('kestrel-pacs-for-review', (offset, limit) =>
        referrals.supervisorQueue({ ...queue, limit, offset }).then((p) => p.items),
      )
    },
  })
  exportRoutes(app, `${referralsPath}/mash`, {
    access: pacMashRoles,
    accessLog: services.accessLog,
    list: async ({ principal }) =>
      pacExport('kestrel-mash-queue', (offset, limit) =>
        referrals.mashQueue(reachOf(principal), { limit, offset }).then((p) => p.items),
      ),
  })
}

/** The PAC list's filters from the query, as the page reads them. */
async function pacListFilter(services: Services, query: FormBody) {
  const chosen = formText(query, 'stage')
  const stage = pacStages.includes(chosen as PacStage) ? (chosen as PacStage) : undefined
  // A borough the list does not offer (a hand-written or stale link) is no filter, as an unknown stage
  // is; sent on as it came, a value that is not an id failed in the database, a 500.
  const asked = formText(query, 'borough')
  const force = await services.organisation.force()
  const boroughs = areaFilterItems(
    await services.organisation.boroughs(force.id),
    await boroughsWithRecords(services.db, 'pac'),
    { any: 'Any borough', selected: asked },
  )
  const boroughId = boroughs.some((o) => o.value !== '' && o.value === asked) ? asked : undefined
  const search = formText(query, 'q').slice(0, 100)
  const sorted = sortAsked(query, pacColumns, { key: 'raised', direction: 'desc' })
  const filter = { stage, boroughId, q: search || undefined, sort: sorted.key, direction: sorted.direction }
  return { stage, boroughId, search, sorted, boroughs, filter }
}

/** The supervisor's review queue: their team's unless they ask for all they may see. */
async function reviewQueueOf(services: Services, principal: Principal, query: FormBody) {
  const staff = principal.staffId ? await services.organisation.staffMember(principal.staffId) : undefined
  const teamOnly = formText(query, 'all') !== 'yes' && !!staff?.teamId
  return { staff, teamOnly, queue: { teamId: teamOnly ? staff?.teamId : null, reach: reachOf(principal) } }
}

/** PACs as rows of a download: what the lists show, and where each stands. */
function pacExport(
  fileName: string,
  read: (offset: number, limit: number) => Promise<readonly PacSummary[]>,
): RecordExport<PacSummary> {
  return {
    fileName,
    subjectKind: pacKind.kind,
    idOf: (p) => p.id,
    batches: (size) => offsetBatches(read, size),
    columns: [
      { header: 'PAC', value: (p) => p.ref },
      { header: 'child', value: (p) => p.childName },
      { header: 'child reference', value: (p) => p.childRef },
      { header: 'borough', value: (p) => p.boroughName },
      { header: 'raised at', value: (p) => p.createdAt },
      { header: 'submitted at', value: (p) => p.submittedAt },
      { header: 'stage', value: (p) => stageLabels[p.stage] ?? p.stage },
      { header: 'risk level', value: (p) => p.riskLevel },
      { header: 'MASH BRAG', value: (p) => p.mashBrag },
    ],
  }
}
