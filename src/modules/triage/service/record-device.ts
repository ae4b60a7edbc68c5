import type { z } from 'zod'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Executor } from '../../../platform/db/database.ts'
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  ValidationError,
} from '../../../platform/http/errors.ts'
import { placesByName } from '../../organisation/service/places.ts'
import { type DeviceReach, deviceKind, mustSeeDevice, seesDevice } from '../access.ts'
import { inTransaction, type TriageDeps } from './dependencies.ts'
import { checkDevice, type DeviceInput, type ResolvedDevice, type statusChangeInput } from './inputs.ts'
import { type Device, type DeviceRow, deviceRowByRef, mustGetDevice, toDevice } from './records.ts'
import { devicePlace, setStatusFromEvents, writeDevices } from './write-devices.ts'

/** The device's team, borough and owner named in the input, as ids; an unknown one is a ValidationError. */
async function resolveDevice(
  q: Executor,
  deps: Pick<TriageDeps, 'personIdByRef'>,
  ref: string,
  input: DeviceInput,
): Promise<ResolvedDevice> {
  const errors: FieldError[] = []
  const places = await placesByName(q, { team: input.team, borough: input.borough })
  for (const field of places.missing)
    errors.push({ field, reason: `there is no ${field} named ${input[field]}` })
  let ownerId: string | null = null
  if (input.owner) {
    ownerId = (await deps.personIdByRef(input.owner, q)) ?? null
    if (!ownerId) errors.push({ field: 'owner', reason: `there is no person ${input.owner}` })
  }
  if (errors.length) throw new ValidationError(errors)
  return { ref, input, ownerId, teamId: places.teamId, boroughId: places.boroughId }
}

/**
 * A device seized in a case another module keeps, given with no team or borough, is held where the case is:
 * by the team it is allocated to, in its borough. A case with no team yet cannot take devices.
 */
async function placedByCase(q: Executor, deps: TriageDeps, input: DeviceInput) {
  const cases = deps.cases()
  if (!cases || !input.caseRef || input.team || input.borough) return { input, unallocated: false }
  const holder = await cases.holderOf(q, input.caseRef)
  if (holder === undefined || holder === 'unallocated')
    return { input, unallocated: holder === 'unallocated' }
  return {
    input: {
      ...input,
      caseRef: holder.caseRef,
      team: holder.team,
      ...(holder.borough ? { borough: holder.borough } : {}),
    },
    unallocated: false,
  }
}

/**
 * Records a device, or replaces its facts and status history (a PUT by exhibit reference). A device held
 * outside the recorder's reach is a 404; one they would place outside it (a team, an area or a case not
 * theirs) is a 403. Both are refused before anything is written, not written and rolled back.
 */
export async function saveDevice(
  q: Executor,
  deps: TriageDeps,
  ref: string,
  given: DeviceInput,
  actor: Actor,
  reach: DeviceReach,
): Promise<Device> {
  const errors = checkDevice(given, deps.clock.now())
  if (errors.length) throw new ValidationError(errors)
  const { input, unallocated } = await placedByCase(q, deps, given)
  const resolved = await resolveDevice(q, deps, ref, input)
  return inTransaction(q, async (trx) => {
    const existing = await deviceRowByRef(trx, ref, true)
    if (existing) await mustSeeDevice(trx, reach, existing, `There is no device ${ref}`)
    const place = { ...(await devicePlace(trx, resolved)), case_ref: input.caseRef ?? null }
    if (!(await seesDevice(trx, reach, place)))
      throw new ForbiddenError('You can record devices only in your own cases, or for your own team or area')
    if (unallocated)
      throw new ValidationError([
        { field: 'caseRef', reason: 'Allocate the case before recording its devices' },
      ])
    await writeDevices(trx, deps, [resolved], actor)
    return toDevice((await deviceRowByRef(trx, ref)) as DeviceRow)
  })
}

/** Adds a status change (submitted, examined, returned...) at the time it happened. */
export function recordStatus(
  q: Executor,
  deps: TriageDeps,
  ref: string,
  change: z.output<typeof statusChangeInput>,
  version: number | undefined,
  actor: Actor,
  reach: DeviceReach,
): Promise<Device> {
  return inTransaction(q, async (trx) => {
    const device = await mustGetDevice(trx, ref, reach, true)
    if (version !== undefined && version !== device.version) throw new ConflictError()
    const now = deps.clock.now()
    const errors: FieldError[] = []
    if (change.at > now) errors.push({ field: 'at', reason: 'must not be in the future' })
    if (change.at < device.seized_at)
      errors.push({ field: 'at', reason: 'must not be before the device was seized' })
    if (errors.length) throw new ValidationError(errors)
    await trx
      .insertInto('device_status_event')
      .values({
        device_id: device.id,
        status: change.status,
        at: change.at,
        note: change.note ?? null,
        recorded_by: actor.username,
        recorded_at: now,
      })
      .execute()
    await setStatusFromEvents(trx, deps.clock, device.id)
    const after = (await deviceRowByRef(trx, ref)) as DeviceRow
    await deps.history.updateRecord(
      trx,
      'device',
      device.id,
      device.version,
      { status: after.status, status_at: after.status_at, updated_at: now },
      actor,
    )
    await deps.accessLog.logChange(
      actor,
      {
        action: 'update',
        subjectKind: deviceKind.kind,
        subjectId: device.id,
        detail: { status: change.status },
      },
      trx,
    )
    await deps.afterWrite(trx, deviceKind.kind, [device.id])
    return toDevice((await deviceRowByRef(trx, ref)) as DeviceRow)
  })
}
