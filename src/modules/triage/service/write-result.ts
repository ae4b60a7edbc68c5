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
import { setStatusFromEvents } from './write-devices.ts'

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
  ref = `${device.ref}@${report.startedAt.toISOString()}`,
): Promise<{ id: string; ref: string }> {
  const now = deps.clock.now()
  await trx.deleteFrom('triage_result').where('ref', '=', ref).execute()
  const e = report.exactMatchesByCategory
  const n = report.nearMatchesByCategory
  const row = await trx
    .insertInto('triage_result')
    .values({
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
      received_by: actor.username,
      received_at: now,
      received_via: via,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
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
      select ${row.id}::uuid, t.kind, t.path, t.size, t.modified, t.md5, t.sha1, t.pdq, t.quality, t.distance,
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
  const next = statusAfterTriage(device.status as DeviceStatus)
  if (next) {
    const at = new Date(Math.max(report.finishedAt.getTime(), device.seized_at.getTime()))
    await trx
      .insertInto('device_status_event')
      .values({
        device_id: device.id,
        status: next,
        at,
        note: 'Triage result received',
        recorded_by: actor.username,
        recorded_at: now,
      })
      .execute()
    await setStatusFromEvents(trx, deps.clock, device.id)
  }
  await deps.accessLog.logChange(
    actor,
    { action: 'create', subjectKind: triageResultKind, subjectId: row.id, detail: { device: device.ref } },
    trx,
  )
  await deps.afterWrite(trx, deviceKind.kind, [device.id])
  return { id: row.id, ref }
}
