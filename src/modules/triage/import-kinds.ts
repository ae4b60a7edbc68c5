import { z } from 'zod'
import { accessLogService } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Transaction } from '../../platform/db/database.ts'
import { historyService } from '../../platform/db/history.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind } from '../../platform/import/kinds.ts'
import { deviceKind } from './access.ts'
import { triageReportInput } from './result-schema.ts'
import type { DeviceRow } from './service/records.ts'
import { checkDevice, deviceInput, deviceRef, triageWriters } from './service.ts'

/**
 * The module's writers on the importer's transaction and clock. The importer evaluates the rules for what a
 * batch wrote before it commits, so the writers' own after-write step is not needed here.
 */
function writers(trx: Transaction, clock: Clock) {
  return triageWriters(clock, {
    history: historyService(trx, clock),
    accessLog: accessLogService(trx, clock),
    afterWrite: async () => {},
  })
}

/** `device`: a seized device by exhibit reference, with its status history. Re-importing replaces both. */
export const deviceImportKind = defineImportKind({
  // The triage service logs each device and result it writes.
  logsItsOwnAccess: true,
  kind: 'device',
  subjectKind: deviceKind.kind,
  refSchema: deviceRef,
  schema: deviceInput,
  refersTo: ['person', 'team', 'borough'],
  references: (r) => [
    ...(r.owner ? [{ field: 'owner', kind: 'person', ref: r.owner }] : []),
    ...(r.team ? [{ field: 'team', kind: 'team', ref: r.team }] : []),
    ...(r.borough ? [{ field: 'borough', kind: 'borough', ref: r.borough }] : []),
  ],
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('device').select(['id', 'ref']).where('ref', 'in', refs).execute()
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  async write(lines, { trx, clock, actor, idOf }) {
    const now = clock.now()
    const errors = lines.flatMap((l) =>
      checkDevice(l.record, now).map((e) => ({ line: l.lineNumber, field: e.field, reason: e.reason })),
    )
    if (errors.length) throw new ImportRejected(errors)
    return writers(trx, clock).writeDevices(
      trx,
      lines.map((l) => ({
        ref: l.ref,
        input: l.record,
        ownerId: l.record.owner ? idOf('person', l.record.owner) : null,
        teamId: l.record.team ? idOf('team', l.record.team) : null,
        boroughId: l.record.borough ? idOf('borough', l.record.borough) : null,
      })),
      { id: actor, username: actor },
    )
  },
  describe: {
    summary:
      'A seized device (phone, laptop, storage...) by its exhibit reference, with its status history. Rules ' +
      'ONL-05 to ONL-07 are evaluated on the devices written.',
    example: {
      kind: 'device',
      ref: 'EXH/2018/0042-3',
      description: 'Black Samsung phone found in the bedroom',
      deviceKind: 'phone',
      caseRef: 'OP-BELLONA-2018-118',
      seizedAt: '2018-08-01T07:30:00+01:00',
      owner: 'MERLIN-P-000200',
      team: 'Online CSAE team',
      statusHistory: [{ status: 'submitted', at: '2018-08-03T10:00:00+01:00' }],
    },
  },
})

/**
 * `triage-result`: the JSON report `kestrel triage` writes, as one line, with `device` naming the device.
 * The line's `ref` names the result; importing it again replaces that result.
 */
export const triageResultImportKind = defineImportKind({
  // The triage service logs each device and result it writes.
  logsItsOwnAccess: true,
  kind: 'triage-result',
  subjectKind: deviceKind.kind,
  refSchema: z.string().trim().min(1).max(300),
  schema: triageReportInput,
  refersTo: ['device'],
  references: (r) => [{ field: 'device', kind: 'device', ref: r.device }],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('triage_result')
      .select(['id', 'ref'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref, r.id]))
  },
  // The importer evaluates rules for the ids a kind returns under its subjectKind. The rules are the device's,
  // so this kind returns each result's DEVICE id: nothing points at a triage result by ref, so the map is
  // used for nothing else.
  async write(lines, { trx, clock, actor, idOf }) {
    const deviceIds = [...new Set(lines.map((l) => idOf('device', l.record.device)))]
    const devices = new Map(
      (await trx.selectFrom('device').selectAll().where('id', 'in', deviceIds).forUpdate().execute()).map(
        (d) => [d.id, d],
      ),
    )
    await writers(trx, clock).writeResults(
      trx,
      lines.map((l) => ({
        device: devices.get(idOf('device', l.record.device)) as DeviceRow,
        report: l.record,
        ref: l.ref,
      })),
      { id: actor, username: actor },
      'import',
    )
    return new Map(lines.map((l) => [l.ref, idOf('device', l.record.device)]))
  },
  describe: {
    summary:
      'A triage result: the triage-report.json that kestrel triage writes, on one line, with a ref of its own. ' +
      'Counts, the recommendation and the matches (paths, sizes, times, hashes; never image content).',
    example: {
      kind: 'triage-result',
      ref: 'EXH/2018/0042-3@2018-08-02T09:00:00.000Z',
      version: 1,
      tool: 'kestrel-triage 0.1.0',
      device: 'EXH/2018/0042-3',
      startedAt: '2018-08-02T09:00:00Z',
      finishedAt: '2018-08-02T09:12:00Z',
      complete: true,
      settings: { threshold: 31, dihedral: false, hashSets: ['caid-2018-07'], knownRecords: 1200000 },
      counts: {
        files: 48211,
        bytes: 31500000000,
        images: 9120,
        videos: 88,
        unreadable: 0,
        problems: 0,
        exactMatches: 0,
        nearMatches: 0,
      },
      exactMatchesByCategory: { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 },
      nearMatchesByCategory: { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 },
      exactMatches: [],
      nearMatches: [],
      recommendation: { decision: 'no-known-material-found', reason: 'No file matched ...' },
    },
  },
})

export const triageImportKinds = [deviceImportKind, triageResultImportKind]
