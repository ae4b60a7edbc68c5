import type { FastifyInstance } from 'fastify'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
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
import { pacMashRoles, pacRaisers, pacReaders, pacReviewers } from '../access.ts'
import { bragLabels, type PacStage, pacStages, stageLabels } from '../pac.ts'
import type { PacSortKey } from '../service/lists.ts'
import { boroughOptions, logList, may, referralsPath } from './shared.ts'

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
  const { referrals, organisation } = services

  page(app, referralsPath, {
    access: pacReaders,
    get: async ({ request, query, principal }) => {
      const chosen = formText(query, 'stage')
      const stage = pacStages.includes(chosen as PacStage) ? (chosen as PacStage) : undefined
      // A borough the list does not offer (a hand-written or stale link) is no filter, as an unknown stage
      // is; sent on as it came, a value that is not an id failed in the database, a 500.
      const asked = formText(query, 'borough')
      const boroughs = await boroughOptions(services, asked)
      const boroughId = boroughs.some((o) => o.value !== '' && o.value === asked) ? asked : undefined
      const search = formText(query, 'q').slice(0, 100)
      const sorted = sortAsked(query, pacColumns, { key: 'raised', direction: 'desc' })
      const pageNumber = pageAsked(query)
      const { items, total } = await referrals.list(
        {
          stage,
          boroughId,
          q: search || undefined,
          sort: sorted.key,
          direction: sorted.direction,
          limit: perPage,
          offset: (pageNumber - 1) * perPage,
        },
        reachOf(principal),
      )
      await logList(services, request, items)
      return view('referrals/views/list.njk', {
        pageTitle: 'PACs',
        items,
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
        boroughOptions: boroughs.map((o, i) => (i === 0 ? { ...o, text: 'Any borough' } : o)),
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
      const staff = principal.staffId ? await organisation.staffMember(principal.staffId) : undefined
      const all = formText(query, 'all') === 'yes'
      const teamOnly = !all && !!staff?.teamId
      const pageNumber = pageAsked(query)
      const { items, total } = await referrals.supervisorQueue({
        teamId: teamOnly ? staff?.teamId : null,
        reach: reachOf(principal),
        limit: perPage,
        offset: (pageNumber - 1) * perPage,
      })
      await logList(services, request, items)
      return view('referrals/views/review-queue.njk', {
        pageTitle: 'PACs waiting for supervisor review',
        items,
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
}
