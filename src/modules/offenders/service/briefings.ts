import { sql } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import { type Reach, reachOf, visibleWhere } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import {
  type Database,
  type Executor,
  inTransaction,
  type Transaction,
} from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import { ForbiddenError } from '../../../platform/http/errors.ts'
import type { ScheduledJob } from '../../../platform/jobs.ts'
import { londonDate } from '../../../platform/time.ts'
import { briefingKind, rsoKind } from '../access.ts'
import type { RiskLevel } from '../rso.ts'
import type { OffendersDeps, WriterDeps } from './dependencies.ts'

/** An area a briefing covers: a borough, or one of its wards. */
export interface BriefingArea {
  boroughId: string
  wardId: string | null
}

interface Entry {
  rso_id: string
  name: string
  address: string
  risk_level: RiskLevel
  conditions: string
  on_contact: string
}

/**
 * Who a briefing lists: `now`, every active RSO living in the area; `day`, those who lived there as the day
 * began, and any newcomer already on the area's current version. The scheduled run briefs by the day, so
 * officers read one list at parade rather than a new version at each arrival; an RSO whose address there
 * began today joins the next day's, and until then RSO-08 shows the gap to whoever can brief the area now.
 */
export type BriefingCut = 'now' | 'day'

/**
 * Every active RSO living in the area (as `cut` says), at every risk level (the report: briefings that
 * covered only high and very high risk left officers unaware of most RSOs), with their current orders'
 * conditions and whom to tell of any contact.
 */
async function entriesFor(
  q: Executor,
  area: BriefingArea,
  today: string,
  cut: BriefingCut,
  currentId: string | null,
) {
  const { rows } = await sql<Entry & { team_id: string | null }>`
    select r.id as rso_id, upper(p.family_name) || case when p.given_names <> '' then ', ' || p.given_names else '' end as name,
      r.address, r.risk_level,
      coalesce((select string_agg(o.conditions, '; ' order by o.starts_on) from rso_order o
        where o.rso_id = r.id and o.starts_on <= ${today}::date and (o.ends_on is null or o.ends_on >= ${today}::date)),
        'No civil order in force') as conditions,
      'Tell the offender manager of any contact or sighting: ' || coalesce(s.name || ' (' || t.name || ')', 'the Jigsaw team') as on_contact,
      r.team_id
    from rso r join person p on p.id = r.person_id
    left join staff s on s.id = r.manager_staff_id left join team t on t.id = r.team_id
    where r.status = 'active' and r.borough_id = ${area.boroughId}::uuid
      and (${area.wardId}::uuid is null or r.ward_id = ${area.wardId}::uuid)
      and (${cut} = 'now'
        or not exists (select 1 from rso_address a where a.rso_id = r.id and a.to_date is null
          and a.borough_id = r.borough_id and a.from_date >= ${today}::date)
        or exists (select 1 from rso_briefing_entry e where e.briefing_id = ${currentId}::uuid and e.rso_id = r.id))
    order by case r.risk_level when 'very_high' then 0 when 'high' then 1 when 'medium' then 2 else 3 end, name`.execute(
    q,
  )
  return {
    entries: rows.map(({ team_id: _, ...entry }) => entry),
    managerTeamIds: [...new Set(rows.flatMap((r) => (r.team_id ? [r.team_id] : [])))],
  }
}

/** The areas to brief: every borough with active RSOs or a briefing already, and every ward a neighbourhood team serves. */
async function areasToBrief(q: Executor): Promise<BriefingArea[]> {
  const { rows } = await sql<{ borough_id: string; ward_id: string | null }>`
    select distinct borough_id, null::uuid as ward_id from rso where status = 'active'
    union select distinct borough_id, null::uuid from rso_briefing
    union select distinct t.borough_id, t.ward_id from team t
      where t.kind = 'neighbourhood' and t.active and t.ward_id is not null`.execute(q)
  return rows.map((r) => ({ boroughId: r.borough_id, wardId: r.ward_id }))
}

const sameEntries = (a: readonly Entry[], b: readonly Entry[]) =>
  JSON.stringify(
    a.map(({ rso_id, address, risk_level, conditions, on_contact }) => [
      rso_id,
      address,
      risk_level,
      conditions,
      on_contact,
    ]),
  ) ===
  JSON.stringify(
    b.map(({ rso_id, address, risk_level, conditions, on_contact }) => [
      rso_id,
      address,
      risk_level,
      conditions,
      on_contact,
    ]),
  )

/**
 * Generates a new version of each area's briefing whose RSOs changed since its current version (or every
 * area's, when none are named), sends it to the active staff of the area's neighbourhood teams (a borough's
 * briefing to all of its teams, a ward's to that ward's), and runs the RSOs' rules (RSO-08). Returns the
 * briefings made; an area whose briefing is still right gets no new version.
 */
export async function generateBriefings(
  trx: Transaction,
  deps: WriterDeps,
  actor: Actor,
  options: { areas?: readonly BriefingArea[]; cut?: BriefingCut } = {},
): Promise<{ id: string; ref: string; area: BriefingArea; entries: number }[]> {
  const { areas, cut = 'now' } = options
  const now = deps.clock.now()
  const today = londonDate(now)
  const made: { id: string; ref: string; area: BriefingArea; entries: number }[] = []
  const touched = new Set<string>()
  for (const area of areas ?? (await areasToBrief(trx))) {
    const current = await trx
      .selectFrom('rso_briefing')
      .select(['id', 'area_version'])
      .where('borough_id', '=', area.boroughId)
      .where((eb) => (area.wardId ? eb('ward_id', '=', area.wardId) : eb('ward_id', 'is', null)))
      .orderBy('area_version', 'desc')
      .limit(1)
      .executeTakeFirst()
    const { entries, managerTeamIds } = await entriesFor(trx, area, today, cut, current?.id ?? null)
    const before = current
      ? ((await trx
          .selectFrom('rso_briefing_entry')
          .select(['rso_id', 'name', 'address', 'risk_level', 'conditions', 'on_contact'])
          .where('briefing_id', '=', current.id)
          .execute()) as Entry[])
      : []
    if (current && sameEntries(before, entries)) continue
    const briefing = await trx
      .insertInto('rso_briefing')
      .values({
        borough_id: area.boroughId,
        ward_id: area.wardId,
        area_version: (current?.area_version ?? 0) + 1,
        generated_at: now,
        generated_by: actor.username,
        manager_team_ids: managerTeamIds,
      })
      .returning(['id', 'ref', 'version'])
      .executeTakeFirstOrThrow()
    if (entries.length)
      await trx
        .insertInto('rso_briefing_entry')
        .values(entries.map((e) => ({ ...e, briefing_id: briefing.id })))
        .execute()
    await sql`
      insert into rso_briefing_receipt (briefing_id, staff_id, sent_at)
      select ${briefing.id}::uuid, s.id, ${now}::timestamptz from staff s join team t on t.id = s.team_id
      where s.active and t.active and t.kind = 'neighbourhood' and t.borough_id = ${area.boroughId}::uuid
        and (${area.wardId}::uuid is null or t.ward_id = ${area.wardId}::uuid)`.execute(trx)
    await recordMany(trx, [
      {
        table: 'rso_briefing',
        id: briefing.id,
        version: briefing.version,
        action: 'create',
        changedBy: actor.id,
        changedAt: now,
        changes: { ref: [null, briefing.ref], entries: [before.length, entries.length] },
      },
    ])
    for (const e of [...before, ...entries]) touched.add(e.rso_id)
    made.push({ id: briefing.id, ref: briefing.ref, area, entries: entries.length })
  }
  if (touched.size) await deps.afterWrite?.(trx, rsoKind.kind, [...touched])
  return made
}

/** A borough or ward the reader may brief, as the briefings page offers it. */
export interface BriefingChoice extends BriefingArea {
  id: string
  name: string
}

/**
 * The boroughs of the reader's area and their wards, each borough followed by its wards: what a manager or
 * lead may brief now. A force-wide reader may brief every one.
 */
export async function briefingChoices(q: Executor, reach: Reach): Promise<BriefingChoice[]> {
  const { rows } = await sql<{ id: string; name: string; borough_id: string; ward_id: string | null }>`
    select b.id, b.name, b.id as borough_id, null::uuid as ward_id, b.name as borough_name, 0 as is_ward
    from borough b where ${visibleWhere(reach, { borough: 'b.id' })}
    union all
    select w.id, b.name || ': ' || w.name, b.id, w.id, b.name, 1
    from ward w join borough b on b.id = w.borough_id
    where ${visibleWhere(reach, { borough: 'b.id' })}
    order by borough_name, is_ward, name`.execute(q)
  return rows.map((r) => ({ id: r.id, name: r.name, boroughId: r.borough_id, wardId: r.ward_id }))
}

/** Generates briefings now, for someone who may (an area outside their reach is not theirs to brief). */
export function generateNow(
  q: Executor,
  deps: OffendersDeps,
  area: BriefingArea,
  actor: Actor,
  reach: Reach,
) {
  if (!briefingKind.canSee(reach, { borough_id: area.boroughId, manager_team_ids: [] }))
    return Promise.reject(new ForbiddenError('You can brief only the boroughs of your own area'))
  return inTransaction(q, async (trx) => {
    const made = await generateBriefings(trx, deps, actor, { areas: [area] })
    for (const b of made)
      await deps.accessLog.logChange(
        actor,
        { action: 'create', subjectKind: briefingKind.kind, subjectId: b.id },
        trx,
      )
    return made
  })
}

/**
 * One briefing for someone allowed to read it (404 otherwise): its entries and receipts. The read is
 * logged, and an officer it was sent to is recorded as having read it.
 */
export function viewBriefing(q: Executor, deps: OffendersDeps, key: string, principal: Principal) {
  return inTransaction(q, async (trx) => {
    const briefing = await trx
      .selectFrom('rso_briefing as b')
      .innerJoin('borough', 'borough.id', 'b.borough_id')
      .leftJoin('ward', 'ward.id', 'b.ward_id')
      .select([
        'b.id',
        'b.ref',
        'b.borough_id',
        'b.ward_id',
        'b.area_version',
        'b.generated_at',
        'b.generated_by',
        'b.manager_team_ids',
        'borough.name as borough',
        'ward.name as ward',
      ])
      .where((eb) =>
        /^[0-9a-f-]{36}$/i.test(key) ? eb('b.id', '=', key) : eb('b.ref', '=', key.toUpperCase()),
      )
      .executeTakeFirst()
    briefingKind.mustSee(reachOf(principal), briefing, 'There is no such briefing')
    const latest = await trx
      .selectFrom('rso_briefing')
      .select((eb) => eb.fn.max('area_version').as('v'))
      .where('borough_id', '=', briefing.borough_id)
      .where((eb) => (briefing.ward_id ? eb('ward_id', '=', briefing.ward_id) : eb('ward_id', 'is', null)))
      .executeTakeFirstOrThrow()
    const now = deps.clock.now()
    if (principal.staffId)
      await trx
        .updateTable('rso_briefing_receipt')
        .set((eb) => ({ read_at: now, version: eb('version', '+', 1) }))
        .where('briefing_id', '=', briefing.id)
        .where('staff_id', '=', principal.staffId)
        .where('read_at', 'is', null)
        .execute()
    const [entries, receipts] = await Promise.all([
      trx
        .selectFrom('rso_briefing_entry as e')
        .innerJoin('rso', 'rso.id', 'e.rso_id')
        .select([
          'e.rso_id',
          'rso.ref',
          'e.name',
          'e.address',
          'e.risk_level',
          'e.conditions',
          'e.on_contact',
        ])
        .where('e.briefing_id', '=', briefing.id)
        .orderBy(
          sql`case e.risk_level when 'very_high' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`,
        )
        .orderBy('e.name')
        .execute(),
      trx
        .selectFrom('rso_briefing_receipt as r')
        .innerJoin('staff as s', 's.id', 'r.staff_id')
        .select(['s.name', 's.staff_number', 'r.sent_at', 'r.read_at'])
        .where('r.briefing_id', '=', briefing.id)
        .orderBy('s.name')
        .execute(),
    ])
    await deps.accessLog.record(
      {
        actorId: principal.id,
        actorName: principal.username,
        action: 'read',
        subjectKind: briefingKind.kind,
        subjectId: briefing.id,
        detail: { rsos: entries.map((e) => e.rso_id) },
      },
      trx,
    )
    return {
      briefing,
      current: briefing.area_version === latest.v,
      entries: entries.map((e) => ({ ...e, risk_level: e.risk_level as RiskLevel })),
      receipts,
    }
  })
}

/** The current briefing of each area the reader may see, with how many have read it; the list is logged. */
export async function currentBriefings(q: Executor, deps: OffendersDeps, principal: Principal) {
  const reach = reachOf(principal)
  const { rows } = await sql<{
    id: string
    ref: string
    borough: string
    ward: string | null
    area_version: number
    generated_at: Date
    entries: number
    sent: number
    read: number
  }>`
    select rso_briefing.id, rso_briefing.ref, b.name as borough, w.name as ward, rso_briefing.area_version,
      rso_briefing.generated_at,
      (select count(*)::int from rso_briefing_entry e where e.briefing_id = rso_briefing.id) as entries,
      (select count(*)::int from rso_briefing_receipt r where r.briefing_id = rso_briefing.id) as sent,
      (select count(*)::int from rso_briefing_receipt r where r.briefing_id = rso_briefing.id and r.read_at is not null) as read
    from rso_briefing join borough b on b.id = rso_briefing.borough_id left join ward w on w.id = rso_briefing.ward_id
    where ${briefingKind.where(reach)} and rso_briefing.area_version = (select max(x.area_version) from rso_briefing x
      where x.borough_id = rso_briefing.borough_id and x.ward_id is not distinct from rso_briefing.ward_id)
    order by b.name, w.name nulls first`.execute(q)
  await deps.accessLog.recordList(
    {
      actorId: principal.id,
      actorName: principal.username,
      subjectKind: briefingKind.kind,
      query: 'current briefings',
      ids: rows.map((r) => r.id),
    },
    q,
  )
  return rows
}

/** Who the schedule acts as in history and the access log. */
const scheduler = { id: 'kestrel', username: 'kestrel (scheduled briefing)' }

/**
 * Briefings kept current on a schedule: every hour each area whose RSOs changed gets a new version (and
 * its officers a receipt to read); an area whose briefing is still right is left alone.
 */
export function briefingJob(db: Database, deps: OffendersDeps): ScheduledJob {
  return {
    name: 'rso-briefings',
    everyMinutes: 60,
    run: async () => {
      await db.transaction().execute(async (trx) => {
        const made = await generateBriefings(trx, deps, scheduler, { cut: 'day' })
        for (const b of made)
          await deps.accessLog.logChange(
            scheduler,
            { action: 'create', subjectKind: briefingKind.kind, subjectId: b.id },
            trx,
          )
      })
    },
    failed: (error) => console.error(`Briefings failed: ${error.message}`),
  }
}
