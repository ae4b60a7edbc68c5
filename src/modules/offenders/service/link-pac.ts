import type { Actor } from '../../../platform/access/access-log.ts'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import { type Executor, inTransaction } from '../../../platform/db/database.ts'
import { recordMany } from '../../../platform/db/history.ts'
import { ConflictError, ValidationError } from '../../../platform/http/errors.ts'
import type { PacLinkedRecord } from '../../referrals/service/linked-records.ts'
import { pacByRefOrId } from '../../referrals/service/links.ts'
import { rsoKind } from '../access.ts'
import { noSuchRso, type OffendersDeps } from './dependencies.ts'
import { rsosByKey } from './records.ts'

/**
 * Links a PAC raised for a child an RSO has access to, to the visit that found the child or the notification
 * of the household (RSO-06 is met by it). The visit must have found children, the notification be of a
 * household with a child, and both be the RSO's; a PAC linked there already is a conflict.
 */
export function linkPac(
  q: Executor,
  deps: OffendersDeps,
  input: { rso: string; record: string; pac: string },
  actor: Actor,
  reach: Reach,
) {
  return inTransaction(q, async (trx) => {
    const rso = (await rsosByKey(trx, [input.rso])).get(input.rso)
    rsoKind.mustSee(reach, rso, noSuchRso)
    const ref = input.record.trim().toUpperCase()
    const [visit, notification, pac] = await Promise.all([
      trx
        .selectFrom('rso_visit')
        .select(['id', 'rso_id', 'children_present'])
        .where('ref', '=', ref)
        .executeTakeFirst(),
      trx
        .selectFrom('rso_notification')
        .select(['id', 'rso_id', 'kind'])
        .where('ref', '=', ref)
        .executeTakeFirst(),
      pacByRefOrId(trx, input.pac),
    ])
    const errors = []
    const found = visit ?? notification
    if (!found || found.rso_id !== rso.id)
      errors.push({ field: 'record', reason: `${rso.ref} has no visit or notification ${input.record}` })
    else if (visit && !visit.children_present)
      errors.push({ field: 'record', reason: `Visit ${input.record} found no children present` })
    else if (notification && notification.kind !== 'household_with_child')
      errors.push({
        field: 'record',
        reason: `Notification ${input.record} is not of a household with a child`,
      })
    if (!pac) errors.push({ field: 'pac', reason: `There is no PAC ${input.pac}` })
    if (errors.length) throw new ValidationError(errors)
    const held = await trx
      .selectFrom('rso_pac')
      .select('id')
      .where('pac_id', '=', pac?.id as string)
      .where((eb) =>
        visit ? eb('visit_id', '=', visit.id) : eb('notification_id', '=', notification?.id as string),
      )
      .executeTakeFirst()
    if (held) throw new ConflictError(`${pac?.ref} is already linked to ${input.record}`)
    const now = deps.clock.now()
    const link = await trx
      .insertInto('rso_pac')
      .values({
        rso_id: rso.id,
        pac_id: pac?.id as string,
        visit_id: visit?.id ?? null,
        notification_id: visit ? null : (notification?.id ?? null),
        linked_at: now,
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow()
    await recordMany(trx, [
      {
        table: 'rso_pac',
        id: link.id,
        version: link.version,
        action: 'create',
        changedBy: actor.id,
        changedAt: now,
        changes: { pac: [null, pac?.ref], record: [null, ref] },
      },
    ])
    await deps.accessLog.logChange(
      actor,
      {
        action: 'update',
        subjectKind: rsoKind.kind,
        subjectId: rso.id,
        detail: { linkedPac: pac?.ref, record: ref },
      },
      trx,
    )
    await deps.afterWrite?.(trx, rsoKind.kind, [rso.id])
    return { rso: rso.ref, pac: pac?.ref as string, record: ref }
  })
}

/**
 * The RSO records a PAC is linked to (RSO-06), for the PAC page: the visit or notification that found the
 * child. Whoever may read the PAC learns the child has access to an RSO (that is why it was raised); only
 * a reader whose need to know covers the RSO gets the link to their record.
 */
export async function linksToPac(q: Executor, pacId: string, reach: Reach): Promise<PacLinkedRecord[]> {
  const rows = await q
    .selectFrom('rso_pac as l')
    .innerJoin('rso', 'rso.id', 'l.rso_id')
    .leftJoin('rso_visit as v', 'v.id', 'l.visit_id')
    .leftJoin('rso_notification as n', 'n.id', 'l.notification_id')
    .select([
      'rso.id',
      'rso.ref',
      'rso.borough_id',
      'rso.manager_staff_id',
      'rso.team_id',
      'v.visited_at',
      'n.notified_at',
    ])
    .where('l.pac_id', '=', pacId)
    .orderBy('l.linked_at')
    .execute()
  return rows.map((r) => {
    const visible = rsoKind.canSee(reach, r)
    const what = r.visited_at
      ? `Visit to registered sex offender ${r.ref} that found children present`
      : `Notification by registered sex offender ${r.ref} of a household with a child`
    return {
      text: visible ? what : `${what} (their record is held by their offender manager)`,
      at: (r.visited_at ?? r.notified_at) as Date,
      href: visible ? `/offenders/${r.id}` : null,
    }
  })
}
