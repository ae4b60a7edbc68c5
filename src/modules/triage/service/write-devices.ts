import { sql } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import { londonDate } from '../../../platform/time.ts'
import { areaOf } from '../../organisation/service/places.ts'
import { deviceKind } from '../access.ts'
import type { WriterDeps } from './dependencies.ts'
import type { ResolvedDevice } from './inputs.ts'
import { deviceRowByRef } from './records.ts'

/** The device's status and its time: those of its latest status event. */
export async function setStatusFromEvents(trx: Executor, clock: Clock, deviceId: string) {
  await sql`
    update device d set status = e.status, status_at = e.at, updated_at = ${clock.now()}
    from (select status, at from device_status_event where device_id = ${deviceId}
      order by at desc, recorded_at desc limit 1) e
    where d.id = ${deviceId}`.execute(trx)
}

/**
 * Where a device lies, as it will be written: its team, and the borough (with its BCU) of the team or the
 * one given, on the day it was seized. Asked before writing, so a recorder is refused before anything is.
 */
export async function devicePlace(trx: Executor, d: ResolvedDevice) {
  const area = await areaOf(trx, { teamId: d.teamId, boroughId: d.boroughId }, londonDate(d.input.seizedAt))
  return { team_id: d.teamId, borough_id: area.boroughId, bcu_id: area.bcuId }
}

/**
 * Inserts or replaces devices by ref, set by set, in the caller's transaction: the facts, the seizure as
 * the first status event and the status history given (which replaces any earlier history). Returns ids.
 */
export async function writeDevices(
  trx: Transaction,
  deps: WriterDeps,
  devices: readonly ResolvedDevice[],
  actor: Actor,
): Promise<Map<string, string>> {
  const now = deps.clock.now()
  const ids = new Map<string, string>()
  for (const d of devices) {
    const place = await devicePlace(trx, d)
    const values = {
      description: d.input.description,
      device_kind: d.input.deviceKind,
      case_ref: d.input.caseRef ?? null,
      seized_at: d.input.seizedAt,
      owner_person_id: d.ownerId,
      ...place,
      status: 'seized',
      status_at: d.input.seizedAt,
      updated_at: now,
    }
    const existing = await deviceRowByRef(trx, d.ref, true)
    let id: string
    if (existing) {
      id = existing.id
      await deps.history.updateRecord(trx, 'device', id, existing.version, values, actor)
      await trx
        .deleteFrom('device_status_event')
        .where('device_id', '=', id)
        .where('status', '<>', 'triaged')
        .execute()
    } else {
      const row = await deps.history.insertRecord(
        trx,
        'device',
        { ref: d.ref, ...values, created_at: now },
        actor,
      )
      id = row.id
    }
    await trx
      .insertInto('device_status_event')
      .values([
        {
          device_id: id,
          status: 'seized',
          at: d.input.seizedAt,
          recorded_by: actor.username,
          recorded_at: now,
        },
        ...d.input.statusHistory.map((e) => ({
          device_id: id,
          status: e.status,
          at: e.at,
          note: e.note ?? null,
          recorded_by: actor.username,
          recorded_at: now,
        })),
      ])
      .execute()
    await setStatusFromEvents(trx, deps.clock, id)
    await deps.accessLog.logChange(
      actor,
      { action: existing ? 'update' : 'create', subjectKind: deviceKind.kind, subjectId: id },
      trx,
    )
    ids.set(d.ref, id)
  }
  await deps.afterWrite(trx, deviceKind.kind, [...ids.values()])
  return ids
}
