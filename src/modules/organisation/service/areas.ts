import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isIsoDate, londonDate } from '../../../platform/time.ts'
import type { MembershipPeriod } from '../organisation.ts'
import { type AreasAt, type Bcu, type Borough, calendarDay, type Force, fail } from './records.ts'

/** A day as 'YYYY-MM-DD': a string as given, an instant as its London calendar day. */
export const dayOf = (at: Date | string): string => (typeof at === 'string' ? at : londonDate(at))

/** The force this installation serves (one database per force; see DESIGN.md "National"). */
export async function force(q: Executor): Promise<Force> {
  const row = await q.selectFrom('force').select(['id', 'code', 'name']).orderBy('code').executeTakeFirst()
  if (!row) throw new Error('No force is set up: run the organisation seed')
  return row
}

export async function bcus(q: Executor, forceId: string): Promise<Bcu[]> {
  return q
    .selectFrom('bcu')
    .select(['id', 'code', 'name'])
    .where('force_id', '=', forceId)
    .orderBy('name')
    .execute()
}

export async function boroughs(q: Executor, forceId: string): Promise<Borough[]> {
  return q
    .selectFrom('borough')
    .select(['id', 'name'])
    .where('force_id', '=', forceId)
    .orderBy('name')
    .execute()
}

export async function borough(q: Executor, id: string): Promise<Borough | undefined> {
  if (!isUuid(id)) return undefined
  return q.selectFrom('borough').select(['id', 'name']).where('id', '=', id).executeTakeFirst()
}

/** A borough's memberships, oldest first, as the reorganisation plan reads them. */
export async function periodsOf(q: Executor, boroughId: string): Promise<MembershipPeriod[]> {
  const rows = await q
    .selectFrom('borough_bcu')
    .select(['id', 'bcu_id', 'effective_from', 'effective_to'])
    .where('borough_id', '=', boroughId)
    .orderBy('effective_from')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    bcuId: r.bcu_id,
    effectiveFrom: calendarDay(r.effective_from),
    effectiveTo: r.effective_to === null ? null : calendarDay(r.effective_to),
  }))
}

/** Every membership a borough has had, oldest first, with the BCU's name. */
export async function membershipsOf(q: Executor, boroughId: string) {
  if (!isUuid(boroughId)) return []
  const rows = await q
    .selectFrom('borough_bcu')
    .innerJoin('bcu', 'bcu.id', 'borough_bcu.bcu_id')
    .select([
      'borough_bcu.id',
      'bcu.id as bcuId',
      'bcu.code as bcuCode',
      'bcu.name as bcuName',
      'borough_bcu.effective_from as effectiveFrom',
      'borough_bcu.effective_to as effectiveTo',
    ])
    .where('borough_bcu.borough_id', '=', boroughId)
    .orderBy('borough_bcu.effective_from')
    .execute()
  return rows.map((r) => ({
    ...r,
    effectiveFrom: calendarDay(r.effectiveFrom),
    effectiveTo: r.effectiveTo === null ? null : calendarDay(r.effectiveTo),
  }))
}

/** The id of the BCU a borough was in on a day ('YYYY-MM-DD'), or null while it was its own command. */
export async function bcuIdForBorough(q: Executor, boroughId: string, day: string): Promise<string | null> {
  const row = await q
    .selectFrom('borough_bcu')
    .select('bcu_id')
    .where('borough_id', '=', boroughId)
    .where('effective_from', '<=', day)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', day)]))
    .executeTakeFirst()
  return row?.bcu_id ?? null
}

/** The BCU a borough was in at an instant (its London calendar day), or null while it was its own command. */
export async function bcuForBorough(q: Executor, boroughId: string, at: Date | string): Promise<Bcu | null> {
  if (!isUuid(boroughId)) return null
  const bcuId = await bcuIdForBorough(q, boroughId, dayOf(at))
  if (!bcuId) return null
  return (
    (await q.selectFrom('bcu').select(['id', 'code', 'name']).where('id', '=', bcuId).executeTakeFirst()) ??
    null
  )
}

/**
 * The BCU of each borough on each day ('YYYY-MM-DD'), in one query: as `bcuForBorough`, for many records
 * at once. Keyed `${boroughId}|${day}`; a borough with no BCU that day is absent.
 */
export async function bcuIdsForBoroughs(
  q: Executor,
  asked: readonly { boroughId: string; day: string }[],
): Promise<Map<string, string>> {
  const pairs = [
    ...new Map(asked.filter((a) => isUuid(a.boroughId)).map((a) => [`${a.boroughId}|${a.day}`, a])).values(),
  ]
  if (pairs.length === 0) return new Map()
  const { rows } = await sql<{ borough_id: string; day: string; bcu_id: string }>`
    select distinct on (a.borough_id, a.day) a.borough_id::text as borough_id, a.day::text as day, bb.bcu_id
    from unnest(${pairs.map((p) => p.boroughId)}::uuid[], ${pairs.map((p) => p.day)}::date[]) as a(borough_id, day)
    join borough_bcu bb on bb.borough_id = a.borough_id and bb.effective_from <= a.day
      and (bb.effective_to is null or bb.effective_to >= a.day)`.execute(q)
  return new Map(rows.map((r) => [`${r.borough_id}|${r.day}`, r.bcu_id]))
}

/** The boroughs a BCU held on a day (a day 'YYYY-MM-DD' or an instant's London day), by name. */
export async function boroughIdsOfBcu(q: Executor, bcuId: string, at: Date | string): Promise<string[]> {
  if (!isUuid(bcuId)) return []
  const day = dayOf(at)
  const rows = await q
    .selectFrom('borough_bcu')
    .innerJoin('borough', 'borough.id', 'borough_bcu.borough_id')
    .select('borough.id')
    .where('borough_bcu.bcu_id', '=', bcuId)
    .where('borough_bcu.effective_from', '<=', day)
    .where((eb) =>
      eb.or([eb('borough_bcu.effective_to', 'is', null), eb('borough_bcu.effective_to', '>=', day)]),
    )
    .orderBy('borough.name')
    .execute()
  return rows.map((r) => r.id)
}

/**
 * Each BCU's go-live: the first day any borough was in it (before that its boroughs were borough commands),
 * so a trend can mark the restructure. A BCU that never held a borough is absent.
 */
export async function bcuGoLives(q: Executor, forceId: string): Promise<Map<string, string>> {
  const rows = await q
    .selectFrom('borough_bcu')
    .innerJoin('bcu', 'bcu.id', 'borough_bcu.bcu_id')
    .select(['bcu.id', (eb) => eb.fn.min('borough_bcu.effective_from').as('first')])
    .where('bcu.force_id', '=', forceId)
    .groupBy('bcu.id')
    .execute()
  return new Map(rows.map((r) => [r.id, calendarDay(r.first as unknown as Date | string)]))
}

/** The structure on a day: each BCU with its boroughs, and the boroughs still commanded on their own. */
export async function areasAt(q: Executor, forceId: string, at: Date | string): Promise<AreasAt> {
  const day = dayOf(at)
  if (!isIsoDate(day)) fail([{ field: 'date', reason: 'Enter a real date' }])
  const [forceBcus, rows] = await Promise.all([
    bcus(q, forceId),
    q
      .selectFrom('borough')
      .leftJoin('borough_bcu', (join) =>
        join
          .onRef('borough_bcu.borough_id', '=', 'borough.id')
          .on('borough_bcu.effective_from', '<=', day)
          .on((eb) =>
            eb.or([eb('borough_bcu.effective_to', 'is', null), eb('borough_bcu.effective_to', '>=', day)]),
          ),
      )
      .select(['borough.id', 'borough.name', 'borough_bcu.bcu_id'])
      .where('borough.force_id', '=', forceId)
      .orderBy('borough.name')
      .execute(),
  ])
  return {
    date: day,
    bcus: forceBcus.map((bcu) => ({
      ...bcu,
      boroughs: rows.filter((r) => r.bcu_id === bcu.id).map((r) => ({ id: r.id, name: r.name })),
    })),
    boroughCommands: rows.filter((r) => r.bcu_id === null).map((r) => ({ id: r.id, name: r.name })),
  }
}
