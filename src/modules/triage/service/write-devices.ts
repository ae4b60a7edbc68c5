import { randomUUID } from 'node:crypto'
import { type Insertable, sql } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor, Transaction } from '../../../platform/db/database.ts'
import { insertRecords } from '../../../platform/db/history.ts'
import type { DB } from '../../../platform/db/schema.ts'
import { londonDate } from '../../../platform/time.ts'
import { areasOf } from '../../organisation/service/places.ts'
import { deviceKind } from '../access.ts'
import type { WriterDeps } from './dependencies.ts'
import type { ResolvedDevice } from './inputs.ts'

/** The device's status and its time: those of its latest status event. */
export async function setStatusFromEvents(trx: Executor, clock: Clock, deviceId: string) {
  await setStatusesFromEvents(trx, clock, [deviceId])
}

/** Each device's status and its time: those of its latest status event, for a batch in one statement. */
export async function setStatusesFromEvents(trx: Executor, clock: Clock, deviceIds: readonly string[]) {
  if (deviceIds.length === 0) return
  await sql`
    update device d set status = e.status, status_at = e.at, updated_at = ${clock.now()}
    from (select distinct on (device_id) device_id, status, at from device_status_event
      where device_id = any(${deviceIds}::uuid[]) order by device_id, at desc, recorded_at desc) e
    where d.id = e.device_id`.execute(trx)
}

/**
 * Where a device lies, as it will be written: its team, and the borough (with its BCU) of the team or the
 * one given, on the day it was seized. Asked before writing, so a recorder is refused before anything is.
 */
export async function devicePlace(trx: Executor, d: ResolvedDevice) {
  const [place] = await devicePlaces(trx, [d])
  return place as DevicePlace
}

type DevicePlace = { team_id: string | null; borough_id: string | null; bcu_id: string | null }

async function devicePlaces(trx: Executor, devices: readonly ResolvedDevice[]): Promise<DevicePlace[]> {
  const areas = await areasOf(
    trx,
    devices.map((d) => ({ teamId: d.teamId, boroughId: d.boroughId, day: londonDate(d.input.seizedAt) })),
  )
  return devices.map((d, i) => ({
    team_id: d.teamId,
    borough_id: areas[i]?.boroughId ?? null,
    bcu_id: areas[i]?.bcuId ?? null,
  }))
}

/**
 * Inserts or replaces devices by ref, set by set, in the caller's transaction: the facts, the seizure as
 * the first status event and the status history given (which replaces any earlier history, bar the
 * triage results' events). New devices go in a few statements for the batch (an import's thousands); a ref
 * Kestrel holds is updated one by one, with its version checked. A ref given twice: the later line wins,
 * as two imports one after the other would leave it. Returns ids by ref.
 */
export async function writeDevices(
  trx: Transaction,
  deps: WriterDeps,
  given: readonly ResolvedDevice[],
  actor: Actor,
): Promise<Map<string, string>> {
  const now = deps.clock.now()
  const devices = [...new Map(given.map((d) => [d.ref, d])).values()]
  const places = await devicePlaces(trx, devices)
  const held = new Map(
    devices.length === 0
      ? []
      : (
          await trx
            .selectFrom('device')
            .select(['id', 'ref', 'version'])
            .where(
              'ref',
              'in',
              devices.map((d) => d.ref),
            )
            .forUpdate()
            .execute()
        ).map((r) => [r.ref, r]),
  )
  const ids = new Map<string, string>()
  const inserts: (Insertable<DB['device']> & { id: string })[] = []
  for (const [i, d] of devices.entries()) {
    const values = {
      description: d.input.description,
      device_kind: d.input.deviceKind,
      case_ref: d.input.caseRef ?? null,
      seized_at: d.input.seizedAt,
      owner_person_id: d.ownerId,
      ...places[i],
      status: 'seized',
      status_at: d.input.seizedAt,
      updated_at: now,
    }
    const existing = held.get(d.ref)
    if (existing) {
      await deps.history.updateRecord(trx, 'device', existing.id, existing.version, values, actor)
      await trx
        .deleteFrom('device_status_event')
        .where('device_id', '=', existing.id)
        .where('status', '<>', 'triaged')
        .execute()
      ids.set(d.ref, existing.id)
    } else {
      const id = randomUUID()
      inserts.push({ id, ref: d.ref, ...values, created_at: now })
      ids.set(d.ref, id)
    }
  }
  await insertRecords(trx, 'device', inserts, actor, now)
  const events = devices.flatMap((d) => {
    const id = ids.get(d.ref) as string
    return [
      { device_id: id, status: 'seized', at: d.input.seizedAt, note: null as string | null },
      ...d.input.statusHistory.map((e) => ({
        device_id: id,
        status: e.status,
        at: e.at,
        note: e.note ?? null,
      })),
    ].map((e) => ({ ...e, recorded_by: actor.username, recorded_at: now }))
  })
  for (let at = 0; at < events.length; at += 1000)
    await trx
      .insertInto('device_status_event')
      .values(events.slice(at, at + 1000))
      .execute()
  await setStatusesFromEvents(trx, deps.clock, [...ids.values()])
  await deps.accessLog.recordMany(
    devices.map((d) => ({
      actorId: actor.id,
      actorName: actor.username,
      action: held.has(d.ref) ? 'update' : 'create',
      subjectKind: deviceKind.kind,
      subjectId: ids.get(d.ref) as string,
    })),
    trx,
  )
  await deps.afterWrite(trx, deviceKind.kind, [...ids.values()])
  return new Map(given.map((d) => [d.ref, ids.get(d.ref) as string]))
}
