import { sql } from 'kysely'
import { z } from 'zod'
import { defineImportKind } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import {
  isoDate,
  lastPerRef,
  logImported,
  notInFuture,
  type Row,
  refText,
  rejectIf,
  writeHistory,
} from './import-kinds.ts'
import { relationshipKinds } from './person.ts'

/**
 * `relationship` lines: who is whose parent, carer, sibling or associate, from another system (documented in
 * docs/import-format.md). REF-06 reaches other children through these: an adult who is the parent, carer
 * or associate of two children gives each access to the same adult. Written as the household kinds are:
 * set-wise, keyed by the line's ref, with history and an access-log entry for both people.
 */

const relationshipSchema = z
  .object({
    person: refText,
    relatedPerson: refText,
    relationship: z.enum(relationshipKinds, { message: `must be one of: ${relationshipKinds.join(', ')}` }),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict()
  .refine((r) => !r.to || !r.from || r.to >= r.from, { path: ['to'], message: 'must be on or after from' })
  .refine((r) => r.person !== r.relatedPerson, {
    path: ['relatedPerson'],
    message: 'must be another person than person',
  })
export type RelationshipLine = z.infer<typeof relationshipSchema>

export const relationshipImportKind = defineImportKind<RelationshipLine>({
  // Logs both people each line relates (logImported).
  logsItsOwnAccess: true,
  kind: 'relationship',
  schema: relationshipSchema as z.ZodType<RelationshipLine>,
  refersTo: ['person'],
  references: (record) => [
    { field: 'person', kind: 'person', ref: record.person },
    { field: 'relatedPerson', kind: 'person', ref: record.relatedPerson },
  ],
  // A relationship links the children around both people: rules reading it (REF-06's dependsOn) judge the
  // records it touches again with the import, not only at the next sweep.
  table: 'relationship',
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('relationship').select(['id', 'ref']).where('ref', 'in', refs).execute()
    return new Map(rows.map((r) => [r.ref as string, r.id]))
  },
  async write(allLines, { trx, clock, actor, idOf }) {
    const today = londonDate(clock.now())
    const errors = notInFuture(allLines, today, [['from', 'from']])
    // Two refs merged into one person name the same record: a person is not related to themselves.
    for (const line of allLines)
      if (idOf('person', line.record.person) === idOf('person', line.record.relatedPerson))
        errors.push({
          line: line.lineNumber,
          field: 'relatedPerson',
          reason: `${line.record.relatedPerson} and ${line.record.person} are one person in Kestrel (merged)`,
        })
    rejectIf(errors)
    const lines = lastPerRef(allLines)
    const now = clock.now()
    const before = await trx
      .selectFrom('relationship')
      .selectAll()
      .where(
        'ref',
        'in',
        lines.map((l) => l.ref),
      )
      .forUpdate()
      .execute()
    const as = lines.map((l) => idOf('person', l.record.person))
    const bs = lines.map((l) => idOf('person', l.record.relatedPerson))
    const { rows } = await sql<Row & { ref: string; person_a: string; person_b: string }>`
      insert into relationship (ref, person_a, person_b, kind, from_date, to_date, created_at)
      select *, ${now}::timestamptz from unnest(${lines.map((l) => l.ref)}::text[], ${as}::uuid[], ${bs}::uuid[],
        ${lines.map((l) => l.record.relationship)}::text[], ${lines.map((l) => l.record.from ?? null)}::date[],
        ${lines.map((l) => l.record.to ?? null)}::date[])
      on conflict (ref) do update set person_a = excluded.person_a, person_b = excluded.person_b,
        kind = excluded.kind, from_date = excluded.from_date, to_date = excluded.to_date,
        version = relationship.version + 1
      where (relationship.person_a, relationship.person_b, relationship.kind, relationship.from_date, relationship.to_date)
        is distinct from (excluded.person_a, excluded.person_b, excluded.kind, excluded.from_date, excluded.to_date)
      returning *`.execute(trx)
    await writeHistory(
      trx,
      'relationship',
      new Map(before.map((r) => [r.id, r as unknown as Row])),
      rows,
      actor,
      now,
    )
    await logImported(
      trx,
      clock,
      actor,
      rows.flatMap((r) => [r.person_a, r.person_b]),
      'relationship',
    )
    const ids = new Map(before.map((r) => [r.ref as string, r.id]))
    for (const row of rows) ids.set(row.ref, row.id)
    return ids
  },
  describe: {
    summary:
      'A relationship between two people: `person` is the parent, carer, sibling or associate of `relatedPerson`, ' +
      'from a date to a date when known. REF-06 finds other children through the adults related to a child.',
    example: {
      kind: 'relationship',
      ref: 'REL-000321',
      person: 'MERLIN-P-000125',
      relatedPerson: 'MERLIN-P-000123',
      relationship: 'parent',
      from: '2009-04-17',
    },
  },
})
