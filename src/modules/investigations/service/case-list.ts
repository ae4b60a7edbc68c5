import { sql } from 'kysely'
import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { investigationKind } from '../access.ts'
import type { CaseType } from '../investigation.ts'
import type { InvestigationActor } from './dependencies.ts'

export const sortKeys = ['opened', 'ref', 'caseType', 'officer', 'lastReview'] as const
export type SortKey = (typeof sortKeys)[number]

/** Who asked for a list and how, for the access log's one row per list read. */
export interface ListReader {
  actor: InvestigationActor
  /** The route or command with its filters: 'GET /investigations?status=open'. */
  query: string
  requestId?: string
}

export interface InvestigationFilter {
  teamId?: string
  officerStaffId?: string
  caseType?: CaseType
  status?: 'open' | 'closed'
  unallocated?: boolean
  q?: string
  sort?: SortKey
  direction?: 'asc' | 'desc'
  limit?: number
  offset?: number
}

const lastReview = sql<Date | null>`(select max(r.reviewed_at) from supervisory_review r where r.investigation_id = i.id)`

/**
 * The investigations within the reader's need to know, filtered and sorted in the database. The read is
 * logged as one row naming the query and every case it showed.
 */
export async function listInvestigations(
  q: Executor,
  accessLog: AccessLogService,
  filter: InvestigationFilter,
  reach: Reach,
  reader: ListReader,
) {
  let query = q.selectFrom('investigation as i').where(investigationKind.where(reach, 'i'))
  if (filter.teamId) query = query.where('i.team_id', '=', filter.teamId)
  if (filter.officerStaffId) query = query.where('i.officer_staff_id', '=', filter.officerStaffId)
  if (filter.caseType) query = query.where('i.case_type', '=', filter.caseType)
  if (filter.status) query = query.where('i.status', '=', filter.status)
  if (filter.unallocated) query = query.where('i.officer_staff_id', 'is', null)
  if (filter.q)
    query = query.where((eb) =>
      eb.or([eb('i.ref', 'ilike', `%${filter.q}%`), eb('i.summary', 'ilike', `%${filter.q}%`)]),
    )
  const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
  const direction = filter.direction === 'asc' ? 'asc' : 'desc'
  const ordered = query
    .leftJoin('staff as s', 's.id', 'i.officer_staff_id')
    .leftJoin('team as t', 't.id', 'i.team_id')
    .selectAll('i')
    .select(['s.name as officer_name', 't.name as team_name'])
    .select(lastReview.as('last_review_at'))
    .orderBy(
      filter.sort === 'ref'
        ? sql`i.ref`
        : filter.sort === 'caseType'
          ? sql`i.case_type`
          : filter.sort === 'officer'
            ? sql`s.name`
            : filter.sort === 'lastReview'
              ? lastReview
              : sql`i.opened_at`,
      (ob) => (direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()),
    )
    .orderBy('i.id')
    .limit(Math.min(filter.limit ?? 50, 500))
    .offset(filter.offset ?? 0)
  const items = await ordered.execute()
  await accessLog.recordList(
    {
      actorId: reader.actor.id,
      actorName: reader.actor.username,
      subjectKind: investigationKind.kind,
      query: reader.query,
      ids: items.map((i) => i.id),
      requestId: reader.requestId ?? null,
    },
    q,
  )
  return { items, total: total.n }
}
