// Devices and their triage results in Kestrel: recording a seized device and its status history,
// storing the report `kestrel triage` produced (uploaded from a standalone laptop, imported, or
// written directly with --upload), and reading them back for the device list and page, with the
// match details only for the specialist team and every view of them in the access log.
import { sql } from 'kysely'
import { z } from 'zod'
import type { AccessLogService, Actor } from '../../platform/access/access-log.ts'
import { forceWideReach, type Reach } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor, Transaction } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  ValidationError,
} from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { londonDate } from '../../platform/time.ts'
import { areaOf, placesByName } from '../organisation/lookups.ts'
import { canSeeMatchDetails, deviceKind } from './access.ts'
import type { KnownCategory } from './categories.ts'
import {
  type DeviceKind,
  type DeviceStatus,
  deviceKinds,
  deviceStatuses,
  statusAfterTriage,
  triageResultKind,
} from './device.ts'
import { hashSetStore } from './hash-set-store.ts'
import { worstCategory } from './report.ts'
import type { TriageReportInput } from './result-schema.ts'

const DEVICE_REF = /^[\p{L}\p{N}][\p{L}\p{N} ._/-]{0,99}$/u
export const deviceRef = z
  .string()
  .trim()
  .regex(DEVICE_REF, 'must be 1-100 letters, digits, spaces or . _ / - (the exhibit reference)')

const laterStatuses = deviceStatuses.filter((s) => s !== 'seized') as [DeviceStatus, ...DeviceStatus[]]

export const statusChangeInput = z
  .object({
    status: z.enum(laterStatuses),
    at: z.coerce.date({ message: 'must be a date-time with offset' }),
    note: z.string().trim().max(2000).optional(),
  })
  .strict()

/** A device as the import format and the API give it; refs by name as docs/import-format.md says. */
export const deviceInput = z
  .object({
    description: z.string().trim().min(1).max(500),
    // `kind` names the line in the import format, so the device's own kind is `deviceKind`.
    deviceKind: z.enum(deviceKinds),
    caseRef: z.string().trim().min(1).max(200).optional(),
    seizedAt: z.coerce.date({ message: 'must be a date-time with offset' }),
    owner: z.string().trim().min(1).max(200).optional(),
    team: z.string().trim().min(1).max(200).optional(),
    borough: z.string().trim().min(1).max(200).optional(),
    statusHistory: z.array(statusChangeInput).max(100).default([]),
  })
  .strict()
export type DeviceInput = z.output<typeof deviceInput>

/** A device with its references resolved to ids (by the importer, or by the API through the services). */
export interface ResolvedDevice {
  ref: string
  input: DeviceInput
  ownerId: string | null
  teamId: string | null
  boroughId: string | null
}

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

type DeviceRow = {
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

const toDevice = (r: DeviceRow): Device => ({
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

/** Problems with a device's facts, named by field; the same for the API and the import. */
export function checkDevice(input: DeviceInput, now: Date): FieldError[] {
  const errors: FieldError[] = []
  if (input.seizedAt > now) errors.push({ field: 'seizedAt', reason: 'must not be in the future' })
  input.statusHistory.forEach((e, i) => {
    if (e.at > now) errors.push({ field: `statusHistory.${i}.at`, reason: 'must not be in the future' })
    if (e.at < input.seizedAt)
      errors.push({ field: `statusHistory.${i}.at`, reason: 'must not be before the device was seized' })
  })
  return errors
}

export interface TriageDependencies {
  accessLog: AccessLogService
  history: HistoryService
  /** Re-evaluates the device rules for what was written, in the same transaction. */
  afterWrite: (trx: Transaction, kind: string, ids: readonly string[]) => Promise<unknown>
  /** A person's id by ref (the person index), for a device's owner given through the API. */
  personIdByRef: (ref: string) => Promise<string | undefined>
}

/** What the writers need; the import kinds build one from the importer's transaction and clock. */
export type WriterDependencies = Pick<TriageDependencies, 'accessLog' | 'history' | 'afterWrite'>

async function deviceRowByRef(q: Executor, ref: string, lock = false) {
  let query = q.selectFrom('device').selectAll().where('ref', '=', ref)
  if (lock) query = query.forUpdate()
  return (await query.executeTakeFirst()) as DeviceRow | undefined
}

/** Writing devices and results inside a caller's transaction: shared by the service, the API and the imports. */
export function triageWriters(clock: Clock, deps: WriterDependencies) {
  async function setStatusFromEvents(trx: Executor, deviceId: string) {
    await sql`
      update device d set status = e.status, status_at = e.at, updated_at = ${clock.now()}
      from (select status, at from device_status_event where device_id = ${deviceId}
        order by at desc, recorded_at desc limit 1) e
      where d.id = ${deviceId}`.execute(trx)
  }

  /**
   * Inserts or replaces devices by ref, set by set, in the caller's transaction: the facts, the seizure as
   * the first status event and the status history given (which replaces any earlier history). Returns ids.
   */
  async function writeDevices(
    trx: Transaction,
    devices: readonly ResolvedDevice[],
    actor: Actor,
  ): Promise<Map<string, string>> {
    const now = clock.now()
    const ids = new Map<string, string>()
    for (const d of devices) {
      const area = await areaOf(
        trx,
        { teamId: d.teamId, boroughId: d.boroughId },
        londonDate(d.input.seizedAt),
      )
      const values = {
        description: d.input.description,
        device_kind: d.input.deviceKind,
        case_ref: d.input.caseRef ?? null,
        seized_at: d.input.seizedAt,
        owner_person_id: d.ownerId,
        team_id: d.teamId,
        borough_id: area.boroughId,
        bcu_id: area.bcuId,
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
      await setStatusFromEvents(trx, id)
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

  /**
   * Stores a triage report against its device, replacing a result with the same ref (device and start time),
   * so uploading the same report twice leaves one result. A device only seized becomes "triaged".
   */
  async function writeResult(
    trx: Transaction,
    device: DeviceRow,
    report: TriageReportInput,
    actor: Actor,
    via: 'upload' | 'import' | 'cli',
    ref = `${device.ref}@${report.startedAt.toISOString()}`,
  ): Promise<{ id: string; ref: string }> {
    const now = clock.now()
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
      await setStatusFromEvents(trx, device.id)
    }
    await deps.accessLog.logChange(
      actor,
      { action: 'create', subjectKind: triageResultKind, subjectId: row.id, detail: { device: device.ref } },
      trx,
    )
    await deps.afterWrite(trx, deviceKind.kind, [device.id])
    return { id: row.id, ref }
  }

  return { writeDevices, writeResult, setStatusFromEvents }
}

export function triageService(db: Database, clock: Clock, deps: TriageDependencies) {
  const hashSets = hashSetStore(db, clock)
  const { writeDevices, writeResult, setStatusFromEvents } = triageWriters(clock, deps)

  async function mustGetDevice(q: Executor, ref: string, reach: Reach, lock = false) {
    const row = await deviceRowByRef(q, ref, lock)
    // Outside the reader's reach a device is as good as absent: its existence is not confirmed.
    deviceKind.mustSee(reach, row, `There is no device ${ref}`)
    return row
  }

  function summariseResult(r: Record<string, unknown>): ResultSummary {
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

  async function resolveDevice(ref: string, input: DeviceInput): Promise<ResolvedDevice> {
    const errors: FieldError[] = []
    const places = await placesByName(db, { team: input.team, borough: input.borough })
    for (const field of places.missing)
      errors.push({ field, reason: `there is no ${field} named ${input[field]}` })
    let ownerId: string | null = null
    if (input.owner) {
      ownerId = (await deps.personIdByRef(input.owner)) ?? null
      if (!ownerId) errors.push({ field: 'owner', reason: `there is no person ${input.owner}` })
    }
    if (errors.length) throw new ValidationError(errors)
    return { ref, input, ownerId, teamId: places.teamId, boroughId: places.boroughId }
  }

  const service = {
    hashSets,
    writeDevices,
    writeResult,

    /**
     * Records a device, or replaces its facts and status history (a PUT by exhibit reference). A device held
     * outside the recorder's reach is a 404; one they would place outside it is refused and nothing is kept.
     */
    async saveDevice(ref: string, input: DeviceInput, actor: Actor, reach: Reach): Promise<Device> {
      const errors = checkDevice(input, clock.now())
      if (errors.length) throw new ValidationError(errors)
      const resolved = await resolveDevice(ref, input)
      return db.transaction().execute(async (trx) => {
        const existing = await deviceRowByRef(trx, ref, true)
        if (existing) deviceKind.mustSee(reach, existing, `There is no device ${ref}`)
        await writeDevices(trx, [resolved], actor)
        const saved = (await deviceRowByRef(trx, ref)) as DeviceRow
        if (!deviceKind.canSee(reach, saved))
          throw new ForbiddenError('You can record devices only for your own team or area')
        return toDevice(saved)
      })
    },

    /** Adds a status change (submitted, examined, returned...) at the time it happened. */
    async recordStatus(
      ref: string,
      change: z.output<typeof statusChangeInput>,
      version: number | undefined,
      actor: Actor,
      reach: Reach,
    ): Promise<Device> {
      return db.transaction().execute(async (trx) => {
        const device = await mustGetDevice(trx, ref, reach, true)
        if (version !== undefined && version !== device.version) throw new ConflictError()
        const now = clock.now()
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
        await setStatusFromEvents(trx, device.id)
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
    },

    /**
     * Stores an uploaded report against the device named in the path; the report must name the same device.
     * An operator storing a report at the command line acts for the force, so reach defaults to force-wide.
     */
    async storeResult(
      ref: string,
      report: TriageReportInput,
      actor: Actor,
      via: 'upload' | 'cli',
      reach: Reach = forceWideReach,
    ): Promise<{ id: string; ref: string }> {
      if (report.device !== ref)
        throw new ValidationError([
          { field: 'device', reason: `names device ${report.device}, but the report was sent for ${ref}` },
        ])
      return db.transaction().execute(async (trx) => {
        const device = await mustGetDevice(trx, ref, reach, true)
        return writeResult(trx, device, report, actor, via)
      })
    },

    /** A device by exhibit reference; 404 outside the reader's reach. */
    async device(ref: string, reach: Reach): Promise<Device> {
      return toDevice(await mustGetDevice(db, ref, reach))
    },

    /** A device by id for its page; 404 outside the reader's reach. */
    async deviceById(id: string, reach: Reach): Promise<Device> {
      const row = isUuid(id)
        ? ((await db.selectFrom('device').selectAll().where('id', '=', id).executeTakeFirst()) as
            | DeviceRow
            | undefined)
        : undefined
      deviceKind.mustSee(reach, row, 'There is no such device')
      return toDevice(row)
    },

    /** The device a result belongs to, so a page can check the result is the device's. */
    async resultDevice(resultId: string): Promise<string | undefined> {
      if (!isUuid(resultId)) return undefined
      const row = await db
        .selectFrom('triage_result')
        .select('device_id')
        .where('id', '=', resultId)
        .executeTakeFirst()
      return row?.device_id
    },

    async statusHistory(deviceId: string) {
      return db
        .selectFrom('device_status_event')
        .select(['status', 'at', 'note', 'recorded_by', 'recorded_at'])
        .where('device_id', '=', deviceId)
        .orderBy('at')
        .orderBy('recorded_at')
        .execute()
    },

    /** Every triage result of a device, the latest first: counts and the recommendation, no match details. */
    async results(deviceId: string): Promise<ResultSummary[]> {
      const rows = await db
        .selectFrom('triage_result')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('run_at', 'desc')
        .execute()
      return rows.map((r) => summariseResult(r as unknown as Record<string, unknown>))
    },

    /**
     * The match details of a result: paths, hashes, distances. Only the specialist team may see them, and each
     * view is written to the access log with the reason. Anyone else gets a ForbiddenError.
     */
    async matchDetails(
      resultId: string,
      principal: Principal,
      requestId: string | null | undefined,
    ): Promise<MatchDetail[]> {
      if (!canSeeMatchDetails(principal.roles))
        throw new ForbiddenError('Match details are shown to the online CSAE team only')
      const rows = await db
        .selectFrom('triage_match')
        .selectAll()
        .where('triage_result_id', '=', resultId)
        .orderBy('match_kind')
        .orderBy('path')
        .execute()
      await deps.accessLog.logRead(principal, triageResultKind, resultId, requestId, 'match details viewed')
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
    },

    /**
     * The device list within the reader's reach: filtered and sorted in the database, with each device's latest
     * recommendation. The read is logged as one row naming `read.query` and every device shown.
     */
    async list(
      filter: { status?: DeviceStatus | undefined; decision?: string | undefined },
      reach: Reach,
      read: { actor: Actor; query: string; requestId?: string | null },
      limit = 500,
    ) {
      let q = db
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
        ])
        .where(deviceKind.where(reach, 'd'))
      if (filter.status) q = q.where('d.status', '=', filter.status)
      if (filter.decision === 'none') q = q.where('latest.decision', 'is', null)
      else if (filter.decision) q = q.where('latest.decision', '=', filter.decision)
      const rows = await q.orderBy('d.status_at', 'desc').orderBy('d.ref').limit(limit).execute()
      await deps.accessLog.recordList({
        actorId: read.actor.id,
        actorName: read.actor.username,
        subjectKind: deviceKind.kind,
        query: read.query,
        ids: rows.map((r) => r.id),
        requestId: read.requestId ?? null,
      })
      return rows
    },

    /** A read of a device's record (it concerns a person: its owner, a suspect) for the access log. */
    recordView(actor: Actor, deviceId: string, requestId: string | null | undefined) {
      return deps.accessLog.logRead(actor, deviceKind.kind, deviceId, requestId)
    },
  }
  return service
}

export type TriageService = ReturnType<typeof triageService>
