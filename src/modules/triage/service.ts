// Devices and their triage results in Kestrel: recording a seized device and its status history,
// storing the report `kestrel triage` produced (uploaded from a standalone laptop, imported, or
// written directly with --upload), and reading them back for the device list and page, with the
// match details only for the specialist team and every view of them in the access log.
import type { z } from 'zod'
import type { Actor } from '../../platform/access/access-log.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor, Transaction } from '../../platform/db/database.ts'
import { type DeviceReach, holdsDevicesByPlace, seesCase } from './access.ts'
import type { DeviceStatus } from './device.ts'
import { hashSetStore } from './hash-set-store.ts'
import type { TriageReportInput } from './result-schema.ts'
import type {
  DeviceCases,
  TriageDependencies,
  TriageDeps,
  WriterDependencies,
} from './service/dependencies.ts'
import { device, deviceById, listDevices, recordView, statusHistory } from './service/devices.ts'
import type { DeviceInput, ResolvedDevice, statusChangeInput } from './service/inputs.ts'
import { recordStatus, saveDevice } from './service/record-device.ts'
import type { DeviceRow } from './service/records.ts'
import { matchDetails, resultDevice, results, storeResult } from './service/results.ts'
import { setStatusFromEvents, writeDevices } from './service/write-devices.ts'
import { type ResultToWrite, writeResult, writeResults } from './service/write-result.ts'

export type { DeviceCases, TriageDependencies, WriterDependencies } from './service/dependencies.ts'
export {
  checkDevice,
  type DeviceInput,
  deviceInput,
  deviceRef,
  type ResolvedDevice,
  statusChangeInput,
} from './service/inputs.ts'
export type { Device, MatchDetail, ResultSummary } from './service/records.ts'

/** Writing devices and results inside a caller's transaction: shared by the service, the API and the imports. */
export function triageWriters(clock: Clock, deps: WriterDependencies) {
  const on = { ...deps, clock }
  return {
    writeDevices: (trx: Transaction, devices: readonly ResolvedDevice[], actor: Actor) =>
      writeDevices(trx, on, devices, actor),
    writeResult: (
      trx: Transaction,
      device: DeviceRow,
      report: TriageReportInput,
      actor: Actor,
      via: 'upload' | 'import' | 'cli',
      ref?: string,
    ) => writeResult(trx, on, device, report, actor, via, ref),
    writeResults: (
      trx: Transaction,
      results: readonly ResultToWrite[],
      actor: Actor,
      via: 'upload' | 'import' | 'cli',
    ) => writeResults(trx, on, results, actor, via),
    setStatusFromEvents: (trx: Executor, deviceId: string) => setStatusFromEvents(trx, clock, deviceId),
  }
}

/**
 * The triage module's service: the hash set store and each use case (in `service/`) bound to the database
 * and the module's dependencies. A caller holding a transaction calls the use cases themselves with it.
 */
export function triageService(db: Database, clock: Clock, deps: TriageDependencies) {
  let cases: DeviceCases | undefined
  const on: TriageDeps = { ...deps, clock, cases: () => cases }
  const { writeDevices, writeResult } = triageWriters(clock, deps)

  return {
    hashSets: hashSetStore(db, clock),
    writeDevices,
    writeResult,

    /** The module that keeps the cases devices are seized in registers them here (the online module). */
    registerCases(registered: DeviceCases) {
      cases = registered
    },

    /**
     * A person's reach over devices: the kernel's over the devices' places for the roles that hold devices by
     * place, and for everyone the devices of the cases within their need to know.
     */
    reachOf: async (principal: Principal): Promise<DeviceReach> => {
      const reach = reachOf(principal)
      const own = principal.roles.some((r) => holdsDevicesByPlace.includes(r))
        ? reach
        : { ...reach, forceWide: false, boroughIds: [], teamIds: [] }
      return { ...own, throughCase: await cases?.visibleWhere(db, principal) }
    },

    /** Whether the reference names a case within the reader's reach whose devices they may see. */
    seesCase: (caseRef: string, reach: DeviceReach) => seesCase(db, reach, caseRef),

    /** Records a device, or replaces its facts and status history (a PUT by exhibit reference). */
    saveDevice: (ref: string, input: DeviceInput, actor: Actor, reach: DeviceReach) =>
      saveDevice(db, on, ref, input, actor, reach),

    /** Adds a status change (submitted, examined, returned...) at the time it happened. */
    recordStatus: (
      ref: string,
      change: z.output<typeof statusChangeInput>,
      version: number | undefined,
      actor: Actor,
      reach: DeviceReach,
    ) => recordStatus(db, on, ref, change, version, actor, reach),

    /** Stores an uploaded report against the device named in the path (force-wide at the command line). */
    storeResult: (
      ref: string,
      report: TriageReportInput,
      actor: Actor,
      via: 'upload' | 'cli',
      reach?: DeviceReach,
    ) => storeResult(db, on, ref, report, actor, via, reach),

    /** A device by exhibit reference; 404 outside the reader's reach. */
    device: (ref: string, reach: DeviceReach) => device(db, ref, reach),

    /** A device by id for its page; 404 outside the reader's reach. */
    deviceById: (id: string, reach: DeviceReach) => deviceById(db, id, reach),

    /** The device a result belongs to, so a page can check the result is the device's. */
    resultDevice: (resultId: string) => resultDevice(db, resultId),

    statusHistory: (deviceId: string) => statusHistory(db, deviceId),

    /** Every triage result of a device, the latest first: counts and the recommendation, no match details. */
    results: (deviceId: string) => results(db, deviceId),

    /** The match details of a result, for the specialist team only; each view is logged with the reason. */
    matchDetails: (resultId: string, principal: Principal, requestId: string | null | undefined) =>
      matchDetails(db, on, resultId, principal, requestId),

    /**
     * The device list within the reader's reach, with each device's latest recommendation; the read is logged.
     * `caseRef` narrows it to one case's exhibits (the online module lists a case's devices with it).
     */
    list: (
      filter: {
        status?: DeviceStatus | undefined
        decision?: string | undefined
        caseRef?: string | undefined
      },
      reach: DeviceReach,
      read: { actor: Actor; query: string; requestId?: string | null },
      limit?: number,
    ) => listDevices(db, on, filter, reach, read, limit),

    /** A read of a device's record (it concerns a person: its owner, a suspect) for the access log. */
    recordView: (actor: Actor, deviceId: string, requestId: string | null | undefined) =>
      recordView(db, on, actor, deviceId, requestId),
  }
}

export type TriageService = ReturnType<typeof triageService>
