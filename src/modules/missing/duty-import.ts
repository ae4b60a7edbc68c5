import { z } from 'zod'
import { changedFields, historyService, recordMany } from '../../platform/db/history.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type ImportLine } from '../../platform/import/kinds.ts'
import { coercedInstant } from '../../platform/time-schemas.ts'
import { teamKinds } from '../organisation/service/places.ts'

/**
 * `missing-unit-duty`: how many staff a missing persons unit has on duty from a moment on (MIS-11), as the
 * unit's page records it: the latest entry at or before a time counts until the next. A roster system or a
 * spreadsheet of shifts can load a unit's history at once; the same ref again updates its entry.
 */
export const unitDutyInput = z
  .object({
    unit: z
      .string()
      .trim()
      .min(1, 'enter the missing persons unit')
      .max(200)
      .describe('The missing persons unit: its team name (the team’s ref in imports)'),
    from: coercedInstant('must be a date and time').describe('On duty from this time'),
    staffOnDuty: z
      .number({ message: 'must be a whole number of staff, like 3' })
      .int('must be a whole number of staff, like 3')
      .min(0, 'cannot be negative')
      .max(500, 'must be 500 or fewer'),
    names: z
      .string()
      .trim()
      .max(2000, 'must be 2000 characters or fewer')
      .optional()
      .describe('Who is on duty, as the unit writes it'),
  })
  .strict()
type DutyLine = z.output<typeof unitDutyInput>

/** The last line of each ref: a later line with the same ref updates the earlier one. */
function lastPerRef<T>(lines: ImportLine<T>[]): ImportLine<T>[] {
  return [...new Map(lines.map((l) => [l.ref, l])).values()]
}

export const unitDutyImport = defineImportKind<DutyLine>({
  kind: 'missing-unit-duty',
  table: 'missing_unit_duty',
  schema: unitDutyInput as z.ZodType<DutyLine>,
  refersTo: ['team'],
  references: (r) => [{ field: 'unit', kind: 'team', ref: r.unit }],
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('missing_unit_duty')
      .select(['id', 'ref'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref as string, r.id]))
  },
  async write(allLines, { trx, clock, actor, idOf }) {
    const now = clock.now()
    const lines = lastPerRef(allLines)
    const teamIds = [...new Set(lines.map((l) => idOf('team', l.record.unit)))]
    const kinds = await teamKinds(trx, teamIds)
    const units = new Set(teamIds.filter((id) => kinds.get(id) === 'missing_persons_unit'))
    const errors = lines.flatMap((l) => [
      ...(units.has(idOf('team', l.record.unit))
        ? []
        : [{ line: l.lineNumber, field: 'unit', reason: `${l.record.unit} is not a missing persons unit` }]),
      ...(l.record.from > now
        ? [{ line: l.lineNumber, field: 'from', reason: 'The time on duty from is in the future' }]
        : []),
    ])
    if (errors.length) throw new ImportRejected(errors)

    const values = (l: ImportLine<DutyLine>) => ({
      team_id: idOf('team', l.record.unit),
      on_duty_from: l.record.from,
      staff_on_duty: l.record.staffOnDuty,
      names: l.record.names || null,
    })
    const existing = new Map(
      (
        await trx
          .selectFrom('missing_unit_duty')
          .select(['id', 'ref', 'version'])
          .where(
            'ref',
            'in',
            lines.map((l) => l.ref),
          )
          .execute()
      ).map((r) => [r.ref as string, r]),
    )
    const ids = new Map<string, string>()
    const fresh = lines.filter((l) => !existing.has(l.ref))
    if (fresh.length) {
      // One insert and one history insert for the batch: a year's roster is thousands of lines.
      const rows = await trx
        .insertInto('missing_unit_duty')
        .values(fresh.map((l) => ({ ...values(l), ref: l.ref, recorded_by: actor, recorded_at: now })))
        .returningAll()
        .execute()
      await recordMany(
        trx,
        rows.map((row) => ({
          table: 'missing_unit_duty',
          id: row.id,
          version: row.version,
          action: 'create' as const,
          changedBy: actor,
          changedAt: now,
          changes: changedFields({}, row, Object.keys(row)),
        })),
      )
      for (const row of rows) ids.set(row.ref as string, row.id)
    }
    const history = historyService(trx, clock)
    for (const l of lines) {
      const before = existing.get(l.ref)
      if (!before) continue
      await history.updateRecord(trx, 'missing_unit_duty', before.id, before.version, values(l), {
        id: actor,
      })
      ids.set(l.ref, before.id)
    }
    return ids
  },
  describe: {
    summary:
      'Staff on duty in a missing persons unit from a time on (MIS-11 counts open episodes per member of staff ' +
      'on duty): the unit (its team name), from, the number of staff and, optionally, their names. The latest ' +
      'entry at or before a time counts until the next; there is no end time.',
    example: {
      kind: 'missing-unit-duty',
      ref: 'DUTY-LAMBETH-2018-08-01-AM',
      unit: 'Lambeth missing persons unit',
      from: '2018-08-01T07:00:00Z',
      staffOnDuty: 3,
      names: 'DS Example, DC Example, PC Example',
    },
  },
})
