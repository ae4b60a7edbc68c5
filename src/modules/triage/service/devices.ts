import type { Actor } from '../../../platform/access/access-log.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { type DeviceReach, deviceKind, devicesVisible, mustSeeDevice } from '../access.ts'
import type { DeviceStatus } from '../device.ts'
import type { TriageDeps } from './dependencies.ts'
import { type Device, type DeviceRow, mustGetDevice, toDevice } from './records.ts'

/* Reading devices: one by exhibit reference or id, its status history, and the device list. */

/** A device by exhibit reference; 404 outside the reader's reach. */
export async function device(q: Executor, ref: string, reach: DeviceReach): Promise<Device> {
  return toDevice(await mustGetDevice(q, ref, reach))
}

/** A device by id for its page; 404 outside the reader's reach. */
export async function deviceById(q: Executor, id: string, reach: DeviceReach): Promise<Device> {
  const row = isUuid(id)
    ? ((await q.selectFrom('device').selectAll().where('id', '=', id).executeTakeFirst()) as
        | DeviceRow
        | undefined)
    : undefined
  return toDevice(await mustSeeDevice(q, reach, row, 'There is no such device'))
}

/** A device's status changes in the order they happened. */
export function statusHistory(q: Executor, deviceId: string) {
  return q
    .selectFrom('device_status_event')
    .select(['status', 'at', 'note', 'recorded_by', 'recorded_at'])
    .where('device_id', '=', deviceId)
    .orderBy('at')
    .orderBy('recorded_at')
    .execute()
}

/**
 * The device list within the reader's reach: filtered and sorted in the database, with each device's latest
 * recommendation. The read is logged as one row naming `read.query` and every device shown.
 */
export async function listDevices(
  q: Executor,
  deps: Pick<TriageDeps, 'accessLog'>,
  filter: { status?: DeviceStatus | undefined; decision?: string | undefined; caseRef?: string | undefined },
  reach: DeviceReach,
  read: { actor: Actor; query: string; requestId?: string | null },
  limit = 500,
) {
  let query = q
    .selectFrom('device as d')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('triage_result as r')
          .select(['r.decision', 'r.run_at', 'r.exact_matches', 'r.near_matches'])
          .whereRef('r.device_id', '=', 'd.id')
          .orderBy('r.run_at', 'desc')
          .limit(1)
          .as('latest'),
      (join) => join.onTrue(),
    )
    .select([
      'd.id',
      'd.ref',
      'd.description',
      'd.device_kind',
      'd.case_ref',
      'd.seized_at',
      'd.status',
      'd.status_at',
      'latest.decision',
      'latest.run_at',
      'latest.exact_matches',
      'latest.near_matches',
      // Whether it was ever sent for or given full examination, for the counts an online case shows.
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('device_status_event as e')
              .whereRef('e.device_id', '=', 'd.id')
              .where('e.status', '=', 'submitted'),
          )
          .as('ever_submitted'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('device_status_event as e')
              .whereRef('e.device_id', '=', 'd.id')
              .where('e.status', '=', 'examined'),
          )
          .as('ever_examined'),
    ])
    .where(devicesVisible(reach, 'd'))
  if (filter.status) query = query.where('d.status', '=', filter.status)
  if (filter.caseRef) query = query.where('d.case_ref', '=', filter.caseRef)
  if (filter.decision === 'none') query = query.where('latest.decision', 'is', null)
  else if (filter.decision) query = query.where('latest.decision', '=', filter.decision)
  const rows = await query.orderBy('d.status_at', 'desc').orderBy('d.ref').limit(limit).execute()
  await deps.accessLog.recordList(
    {
      actorId: read.actor.id,
      actorName: read.actor.username,
      subjectKind: deviceKind.kind,
      query: read.query,
      ids: rows.map((r) => r.id),
      requestId: read.requestId ?? null,
    },
    q,
  )
  return rows
}

/** A read of a device's record (it concerns a person: its owner, a suspect) for the access log. */
export function recordView(
  q: Executor,
  deps: Pick<TriageDeps, 'accessLog'>,
  actor: Actor,
  deviceId: string,
  requestId: string | null | undefined,
) {
  return deps.accessLog.logRead(actor, deviceKind.kind, deviceId, requestId, undefined, q)
}

/**
 * For each case reference asked, the devices seized under it and how many of them have a triage result, on the
 * caller's executor (the online module's measures of devices per case and the share triaged).
 */
export async function deviceCountsByCase(
  q: Executor,
  caseRefs: readonly string[],
): Promise<Map<string, { seized: number; triaged: number }>> {
  if (caseRefs.length === 0) return new Map()
  const rows = await q
    .selectFrom('device as d')
    .select((eb) => [
      'd.case_ref',
      eb.fn.countAll<number>().as('seized'),
      eb.fn
        .count<number>('d.id')
        .filterWhere((w) => w.exists(w.selectFrom('triage_result as r').whereRef('r.device_id', '=', 'd.id')))
        .as('triaged'),
    ])
    .where('d.case_ref', 'in', [...new Set(caseRefs)])
    .groupBy('d.case_ref')
    .execute()
  return new Map(
    rows.map((r) => [r.case_ref as string, { seized: Number(r.seized), triaged: Number(r.triaged) }]),
  )
}
