import type { Executor } from '../../../platform/db/database.ts'
import { type DeviceReach, mustSeeDevice } from '../access.ts'
import type { KnownCategory } from '../categories.ts'
import type { DeviceKind, DeviceStatus } from '../device.ts'

/* Devices and triage results as the code reads them, from their rows. */

export interface Device {
  id: string
  ref: string
  description: string
  kind: DeviceKind
  caseRef: string | null
  seizedAt: Date
  ownerPersonId: string | null
  teamId: string | null
  boroughId: string | null
  bcuId: string | null
  status: DeviceStatus
  statusAt: Date
  version: number
}

export interface ResultSummary {
  id: string
  ref: string
  startedAt: Date
  runAt: Date
  complete: boolean
  interruption: string | null
  toolVersion: string
  hashSets: { name: string; from?: string; version?: number; importedAt?: string; records?: number }[]
  knownRecords: number
  threshold: number
  dihedral: boolean
  counts: { files: number; images: number; videos: number; unreadable: number; problems: number }
  exactMatches: number
  nearMatches: number
  exactByCategory: Record<KnownCategory, number>
  nearByCategory: Record<KnownCategory, number>
  decision: string
  reason: string
  receivedBy: string
  receivedAt: Date
  receivedVia: string
}

export interface MatchDetail {
  kind: 'exact' | 'near'
  path: string
  size: number
  modifiedAt: Date | null
  md5: string | null
  sha1: string | null
  pdq: string | null
  quality: number | null
  distance: number | null
  orientation: string | null
  category: KnownCategory
  hashSets: string[]
  mediaId: string | null
}

export type DeviceRow = {
  id: string
  ref: string
  description: string
  device_kind: string
  case_ref: string | null
  seized_at: Date
  owner_person_id: string | null
  team_id: string | null
  borough_id: string | null
  bcu_id: string | null
  status: string
  status_at: Date
  version: number
}

export const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  ref: r.ref,
  description: r.description,
  kind: r.device_kind as DeviceKind,
  caseRef: r.case_ref,
  seizedAt: r.seized_at,
  ownerPersonId: r.owner_person_id,
  teamId: r.team_id,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  status: r.status as DeviceStatus,
  statusAt: r.status_at,
  version: r.version,
})

export async function deviceRowByRef(q: Executor, ref: string, lock = false) {
  let query = q.selectFrom('device').selectAll().where('ref', '=', ref)
  if (lock) query = query.forUpdate()
  return (await query.executeTakeFirst()) as DeviceRow | undefined
}

/** A device by exhibit reference, for a reader who may see it (404 otherwise). */
export async function mustGetDevice(q: Executor, ref: string, reach: DeviceReach, lock = false) {
  return mustSeeDevice(q, reach, await deviceRowByRef(q, ref, lock), `There is no device ${ref}`)
}

export function summariseResult(r: Record<string, unknown>): ResultSummary {
  const n = (k: string) => Number(r[k])
  const hs = typeof r.hash_sets === 'string' ? JSON.parse(r.hash_sets) : r.hash_sets
  return {
    id: String(r.id),
    ref: String(r.ref),
    startedAt: r.started_at as Date,
    runAt: r.run_at as Date,
    complete: Boolean(r.complete),
    interruption: (r.interruption as string | null) ?? null,
    toolVersion: String(r.tool_version),
    hashSets: hs as ResultSummary['hashSets'],
    knownRecords: n('known_records'),
    threshold: n('threshold'),
    dihedral: Boolean(r.dihedral),
    counts: {
      files: n('files'),
      images: n('images'),
      videos: n('videos'),
      unreadable: n('unreadable'),
      problems: n('problems'),
    },
    exactMatches: n('exact_matches'),
    nearMatches: n('near_matches'),
    exactByCategory: {
      A: n('exact_a'),
      B: n('exact_b'),
      C: n('exact_c'),
      ungraded: n('exact_ungraded'),
      ignorable: n('exact_ignorable'),
    },
    nearByCategory: {
      A: n('near_a'),
      B: n('near_b'),
      C: n('near_c'),
      ungraded: n('near_ungraded'),
      ignorable: n('near_ignorable'),
    },
    decision: String(r.decision),
    reason: String(r.reason),
    receivedBy: String(r.received_by),
    receivedAt: r.received_at as Date,
    receivedVia: String(r.received_via),
  }
}
