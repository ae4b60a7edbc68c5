import type { Actor } from '../../../platform/access/access-log.ts'
import { forceWideReach } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { canSeeMatchDetails, type DeviceReach } from '../access.ts'
import type { KnownCategory } from '../categories.ts'
import { triageResultKind } from '../device.ts'
import type { TriageReportInput } from '../result-schema.ts'
import { inTransaction, type TriageDeps, type WriterDeps } from './dependencies.ts'
import { type MatchDetail, mustGetDevice, type ResultSummary, summariseResult } from './records.ts'
import { writeResult } from './write-result.ts'

/**
 * Stores an uploaded report against the device named in the path; the report must name the same device.
 * An operator storing a report at the command line acts for the force, so reach defaults to force-wide.
 */
export async function storeResult(
  q: Executor,
  deps: WriterDeps,
  ref: string,
  report: TriageReportInput,
  actor: Actor,
  via: 'upload' | 'cli',
  reach: DeviceReach = forceWideReach,
): Promise<{ id: string; ref: string }> {
  if (report.device !== ref)
    throw new ValidationError([
      { field: 'device', reason: `names device ${report.device}, but the report was sent for ${ref}` },
    ])
  return inTransaction(q, async (trx) => {
    const device = await mustGetDevice(trx, ref, reach, true)
    return writeResult(trx, deps, device, report, actor, via)
  })
}

/** The device a result belongs to, so a page can check the result is the device's. */
export async function resultDevice(q: Executor, resultId: string): Promise<string | undefined> {
  if (!isUuid(resultId)) return undefined
  const row = await q
    .selectFrom('triage_result')
    .select('device_id')
    .where('id', '=', resultId)
    .executeTakeFirst()
  return row?.device_id
}

/** Every triage result of a device, the latest first: counts and the recommendation, no match details. */
export async function results(q: Executor, deviceId: string): Promise<ResultSummary[]> {
  const rows = await q
    .selectFrom('triage_result')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('run_at', 'desc')
    .execute()
  return rows.map((r) => summariseResult(r as unknown as Record<string, unknown>))
}

/**
 * The match details of a result: paths, hashes, distances. Only the specialist team and the DIT may see them,
 * and each view is written to the access log with the reason. Anyone else gets a ForbiddenError.
 */
export async function matchDetails(
  q: Executor,
  deps: Pick<TriageDeps, 'accessLog'>,
  resultId: string,
  principal: Principal,
  requestId: string | null | undefined,
): Promise<MatchDetail[]> {
  if (!canSeeMatchDetails(principal.roles))
    throw new ForbiddenError('Match details are shown to the online CSAE team and the DIT only')
  const rows = await q
    .selectFrom('triage_match')
    .selectAll()
    .where('triage_result_id', '=', resultId)
    .orderBy('match_kind')
    .orderBy('path')
    .execute()
  await deps.accessLog.logRead(principal, triageResultKind, resultId, requestId, 'match details viewed', q)
  return rows.map((m) => ({
    kind: m.match_kind as 'exact' | 'near',
    path: m.path,
    size: Number(m.size),
    modifiedAt: m.modified_at,
    md5: m.md5,
    sha1: m.sha1,
    pdq: m.pdq,
    quality: m.quality,
    distance: m.distance,
    orientation: m.orientation,
    category: m.category as KnownCategory,
    hashSets: m.hash_sets,
    mediaId: m.media_id,
  }))
}
