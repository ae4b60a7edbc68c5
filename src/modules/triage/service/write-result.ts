import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Transaction } from '../../../platform/db/database.ts'
import { deviceKind } from '../access.ts'
import type { KnownCategory } from '../categories.ts'
import { type DeviceStatus, statusAfterTriage, triageResultKind } from '../device.ts'
import { worstCategory } from '../report.ts'
import type { TriageReportInput } from '../result-schema.ts'
import type { WriterDeps } from './dependencies.ts'
import type { DeviceRow } from './records.ts'
import { setStatusesFromEvents } from './write-devices.ts'

/** One report to store: its device (as read, locked, by the caller), the report, and the result's ref. */
export interface ResultToWrite {
  device: DeviceRow
  report: TriageReportInput
  /** Defaults to the device's ref and the run's start, so uploading the same report twice leaves one result. */
  ref?: string
}

/**
 * Stores a triage report against its device, replacing a result with the same ref (device and start time),
 * so uploading the same report twice leaves one result. A device only seized becomes "triaged".
 */
export async function writeResult(
  trx: Transaction,
  deps: WriterDeps,
  device: DeviceRow,
  report: TriageReportInput,
  actor: Actor,
  via: 'upload' | 'import' | 'cli',
  ref?: string,
): Promise<{ id: string; ref: string }> {
  const [written] = await writeResults(trx, deps, [{ device, report, ref }], actor, via)
  return written as { id: string; ref: string }
}

/**
 * Stores many reports in a few statements (an import's thousands), in the order given: a device's status
 * moves on at its first result, as one upload after another would move it. Returns each result's id and ref.
 */
export async function writeResults(
  trx: Transaction,
  deps: WriterDeps,
  results: readonly ResultToWrite[],
  actor: Actor,
  via: 'upload' | 'import' | 'cli',
): Promise<{ id: string; ref: string }[]> {
  if (results.length === 0) return []
  const now = deps.clock.now()
  const received = { by: actor.username, at: now, via }
  const refOf = (r: ResultToWrite) => r.ref ?? `${r.device.ref}@${r.report.startedAt.toISOString()}`
  // The same ref twice in a batch: the later report replaces the earlier, as a second upload would.
  const byRef = new Map(results.map((r) => [refOf(r), { ...r, id: randomUUID() }]))
  const rows = [...byRef.entries()]
  await trx
    .deleteFrom('triage_result')
    .where(
      'ref',
      'in',
      rows.map(([ref]) => ref),
    )
    .execute()
  for (let at = 0; at < rows.length; at += 500)
    await trx
      .insertInto('triage_result')
      .values(
        rows
          .slice(at, at + 500)
          .map(([ref, { id, device, report }]) => resultRow(id, ref, device, report, received)),
      )
      .execute()
  for (const [, { id, report }] of rows) await writeMatches(trx, id, report)
  // Each device's status as the batch moves it: a device seized and triaged twice is triaged once.
  const status = new Map(rows.map(([, r]) => [r.device.id, r.device.status as DeviceStatus]))
  const events = rows.flatMap(([, { device, report }]) => {
    const next = statusAfterTriage(status.get(device.id) as DeviceStatus)
    if (!next) return []
    status.set(device.id, next)
    const at = new Date(Math.max(report.finishedAt.getTime(), device.seized_at.getTime()))
    const event = { device_id: device.id, status: next, at, note: 'Triage result received' }
    return [{ ...event, recorded_by: actor.username, recorded_at: now }]
  })
  if (events.length) {
    await trx.insertInto('device_status_event').values(events).execute()
    await setStatusesFromEvents(
      trx,
      deps.clock,
      events.map((e) => e.device_id),
    )
  }
  await deps.accessLog.recordMany(
    rows.map(([, { id, device }]) => ({
      actorId: actor.id,
      actorName: actor.username,
      action: 'create',
      subjectKind: triageResultKind,
      subjectId: id,
      detail: { device: device.ref },
    })),
    trx,
  )
  await deps.afterWrite(trx, deviceKind.kind, [...status.keys()])
  return results.map((r) => {
    const ref = refOf(r)
    return { id: byRef.get(ref)?.id as string, ref }
  })
}

/** A result's row: the run, its settings, its counts by category and the recommendation. */
function resultRow(
  id: string,
  ref: string,
  device: DeviceRow,
  report: TriageReportInput,
  received: { by: string; at: Date; via: string },
) {
  const e = report.exactMatchesByCategory
  const n = report.nearMatchesByCategory
  return {
    id,
    ref,
    device_id: device.id,
    started_at: report.startedAt,
    run_at: report.finishedAt,
    complete: report.complete,
    interruption: report.interruption ?? null,
    tool_version: report.tool ?? 'kestrel-triage (version not given)',
    hash_sets: JSON.stringify(
      report.settings.hashSetVersions ?? report.settings.hashSets.map((name) => ({ name })),
    ),
    known_records: report.settings.knownRecords,
    threshold: report.settings.threshold,
    dihedral: report.settings.dihedral,
    files: report.counts.files,
    bytes: report.counts.bytes,
    images: report.counts.images,
    videos: report.counts.videos,
    unreadable: report.counts.unreadable,
    problems: report.counts.problems,
    exact_matches: report.counts.exactMatches,
    near_matches: report.counts.nearMatches,
    exact_a: e.A,
    exact_b: e.B,
    exact_c: e.C,
    exact_ungraded: e.ungraded,
    exact_ignorable: e.ignorable,
    near_a: n.A,
    near_b: n.B,
    near_c: n.C,
    near_ungraded: n.ungraded,
    near_ignorable: n.ignorable,
    decision: report.recommendation.decision,
    reason: report.recommendation.reason,
    received_by: received.by,
    received_at: received.at,
    received_via: received.via,
  }
}

/** A result's matches (paths, sizes, times, hashes; never image content), a thousand rows a statement. */
async function writeMatches(trx: Transaction, resultId: string, report: TriageReportInput) {
  const matches = [
    ...report.exactMatches.map((m) => ({
      kind: 'exact',
      path: m.path,
      size: m.size,
      modified: m.modified,
      md5: m.md5,
      sha1: m.sha1,
      pdq: null,
      quality: null,
      distance: null,
      orientation: null,
      category: worstCategory(m.known.map((k) => k.category as KnownCategory)),
      sets: [...new Set(m.known.map((k) => k.set))],
      mediaId: m.known.find((k) => k.mediaId)?.mediaId ?? null,
      knownPdq: null,
    })),
    ...report.nearMatches.map((m) => ({
      kind: 'near',
      path: m.path,
      size: m.size,
      modified: m.modified,
      md5: null,
      sha1: null,
      pdq: m.pdq,
      quality: m.quality,
      distance: m.distance,
      orientation: m.orientation,
      category: worstCategory(m.known.map((k) => k.category as KnownCategory)),
      sets: [...new Set(m.known.map((k) => k.set))],
      mediaId: m.known.find((k) => k.mediaId)?.mediaId ?? null,
      knownPdq: m.known[0]?.pdq ?? null,
    })),
  ]
  for (let i = 0; i < matches.length; i += 1000) {
    const chunk = matches.slice(i, i + 1000)
    const col = <T>(f: (m: (typeof chunk)[number]) => T) => chunk.map(f)
    await sql`
      insert into triage_match (triage_result_id, match_kind, path, size, modified_at, md5, sha1, pdq, quality,
        distance, orientation, category, hash_sets, media_id, known_pdq)
      select ${resultId}::uuid, t.kind, t.path, t.size, t.modified, t.md5, t.sha1, t.pdq, t.quality, t.distance,
        t.orientation, t.category, string_to_array(t.sets, chr(31)), t.media_id, t.known_pdq
      from unnest(${col((m) => m.kind)}::text[], ${col((m) => m.path)}::text[], ${col((m) => m.size)}::bigint[],
        ${col((m) => m.modified.toISOString())}::timestamptz[], ${col((m) => m.md5)}::text[],
        ${col((m) => m.sha1)}::text[], ${col((m) => m.pdq)}::text[], ${col((m) => m.quality)}::int[],
        ${col((m) => m.distance)}::int[], ${col((m) => m.orientation)}::text[], ${col((m) => m.category)}::text[],
        ${col((m) => m.sets.join('\u001f'))}::text[], ${col((m) => m.mediaId)}::text[],
        ${col((m) => m.knownPdq)}::text[])
        as t(kind, path, size, modified, md5, sha1, pdq, quality, distance, orientation, category, sets,
          media_id, known_pdq)`.execute(trx)
  }
}
