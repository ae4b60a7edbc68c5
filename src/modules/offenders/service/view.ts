import { sql } from 'kysely'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { childrenByRefOrId } from '../../children/service/find-people.ts'
import { investigationKind } from '../../investigations/access.ts'
import { rsoKind } from '../access.ts'
import type { NotificationKind, OrderKind, RiskLevel } from '../rso.ts'
import { noSuchRso, type OffendersDeps } from './dependencies.ts'
import { rsosByKey } from './records.ts'

/**
 * One RSO with everything the managers keep about them, for someone allowed to see it (404 otherwise, as
 * if it did not exist); the read is logged.
 */
export async function viewRso(
  q: Executor,
  deps: Pick<OffendersDeps, 'accessLog'>,
  key: string,
  principal: Principal,
) {
  const rso = (await rsosByKey(q, [key])).get(key)
  const reach = reachOf(principal)
  rsoKind.mustSee(reach, rso, noSuchRso)
  const id = rso.id
  const [
    person,
    offences,
    orders,
    addresses,
    allocations,
    arms,
    riskChanges,
    information,
    plans,
    visits,
    notifications,
    names,
    investigations,
    pacLinks,
  ] = await Promise.all([
    childrenByRefOrId(q, [rso.person_id]).then((m) => m.get(rso.person_id)),
    q.selectFrom('rso_offence').selectAll().where('rso_id', '=', id).orderBy('convicted_on').execute(),
    q.selectFrom('rso_order').selectAll().where('rso_id', '=', id).orderBy('starts_on').execute(),
    q
      .selectFrom('rso_address as a')
      .innerJoin('borough as b', 'b.id', 'a.borough_id')
      .select(['a.id', 'a.address', 'a.from_date', 'a.to_date', 'b.name as borough'])
      .where('a.rso_id', '=', id)
      .orderBy('a.from_date', 'desc')
      .execute(),
    q
      .selectFrom('rso_allocation as a')
      .innerJoin('staff as s', 's.id', 'a.staff_id')
      .select([
        'a.id',
        'a.ref',
        'a.from_at',
        'a.to_at',
        'a.reason',
        'a.allocated_by',
        's.name',
        's.staff_number',
      ])
      .where('a.rso_id', '=', id)
      .orderBy('a.from_at', 'desc')
      .execute(),
    q.selectFrom('rso_arms').selectAll().where('rso_id', '=', id).orderBy('assessed_on', 'desc').execute(),
    q
      .selectFrom('rso_risk_change')
      .selectAll()
      .where('rso_id', '=', id)
      .orderBy('changed_at', 'desc')
      .execute(),
    q
      .selectFrom('rso_information')
      .selectAll()
      .where('rso_id', '=', id)
      .orderBy('received_at', 'desc')
      .execute(),
    q.selectFrom('rso_plan').selectAll().where('rso_id', '=', id).orderBy('plan_number', 'desc').execute(),
    q
      .selectFrom('rso_visit')
      .selectAll()
      .where('rso_id', '=', id)
      .orderBy(sql`coalesce(visited_at, planned_on::timestamptz)`, 'desc')
      .execute(),
    q
      .selectFrom('rso_notification')
      .selectAll()
      .where('rso_id', '=', id)
      .orderBy('notified_at', 'desc')
      .execute(),
    sql<{ borough: string; ward: string | null; manager: string | null; team: string | null }>`
        select b.name as borough, w.name as ward, s.name as manager, t.name as team from borough b
        left join ward w on w.id = ${rso.ward_id}::uuid
        left join staff s on s.id = ${rso.manager_staff_id}::uuid left join team t on t.id = ${rso.team_id}::uuid
        where b.id = ${rso.borough_id}::uuid`
      .execute(q)
      .then((r) => r.rows[0]),
    // Their investigations as a suspect or a person posing a risk (decision record 0009), those the reader may see.
    q
      .selectFrom('investigation')
      .innerJoin('investigation_person as p', 'p.investigation_id', 'investigation.id')
      .select([
        'investigation.id',
        'investigation.ref',
        'investigation.case_type',
        'investigation.status',
        'investigation.opened_at',
        'investigation.offence',
        'p.role',
      ])
      .where('p.person_id', '=', rso.person_id)
      .where('p.role', 'in', ['suspect', 'person_posing_risk'])
      .where(investigationKind.where(reach))
      .orderBy('investigation.opened_at', 'desc')
      .execute(),
    // PACs raised for children the RSO has access to, by the visit or notification that found them (RSO-06).
    q
      .selectFrom('rso_pac as l')
      .innerJoin('pac', 'pac.id', 'l.pac_id')
      .select(['pac.id', 'pac.ref', 'l.visit_id', 'l.notification_id', 'l.linked_at'])
      .where('l.rso_id', '=', id)
      .orderBy('l.linked_at')
      .execute(),
  ])
  await deps.accessLog.record(
    {
      actorId: principal.id,
      actorName: principal.username,
      action: 'read',
      subjectKind: rsoKind.kind,
      subjectId: id,
    },
    q,
  )
  return {
    rso,
    person,
    boroughName: names?.borough ?? '',
    wardName: names?.ward ?? null,
    managerName: names?.manager ?? null,
    teamName: names?.team ?? null,
    offences,
    orders: orders.map((o) => ({ ...o, kind: o.kind as OrderKind })),
    addresses,
    allocations,
    arms: arms.map((a) => ({ ...a, priority: a.priority as RiskLevel })),
    riskChanges: riskChanges.map((c) => ({
      ...c,
      from_level: c.from_level as RiskLevel,
      to_level: c.to_level as RiskLevel,
    })),
    information,
    plans: plans.map((p) => ({
      ...p,
      risk_level: p.risk_level as RiskLevel,
      actions: p.actions as { action: string; owner: string; due: string }[],
    })),
    visits,
    notifications: notifications.map((n) => ({ ...n, kind: n.kind as NotificationKind })),
    investigations,
    pacLinks,
  }
}

export type RsoView = Awaited<ReturnType<typeof viewRso>>
