import { sql } from 'kysely'
import { z } from 'zod'
import { appendAccessLog } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import { changedFields, type HistoryRow, recordMany } from '../../platform/db/history.ts'
import { type ImportError, ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind, type ImportLine, type Transaction } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { boroughsOf, matchBoroughNames } from './boroughs.ts'
import { ethnicityCodes, flagKinds, genders, householdRoles, protectionPlanCategories } from './person.ts'

/**
 * The person index's JSON Lines kinds: `person`, `household-membership` and `person-flag` (documented in
 * docs/import-format.md). Each kind writes all its lines in a few set-wise statements (unnest), keyed by
 * ref, so re-importing a line updates the record; every create and change gets a change_history row and
 * every person touched an access log entry, in the import's transaction.
 */

export const isoDate = isoDay('must be a date as YYYY-MM-DD')
export const refText = z.string().trim().min(1, 'is required').max(200, 'must be 200 characters or fewer')

const personSchema = z
  .object({
    familyName: z.string().trim().min(1, 'is required').max(200),
    givenNames: z.string().trim().max(200).default(''),
    dateOfBirth: isoDate.optional(),
    estimatedAge: z.number().int('must be a whole number of years').min(0).max(120).optional(),
    gender: z.enum(genders, { message: `must be one of: ${genders.join(', ')}` }).default('not known'),
    ethnicity: z
      .enum(ethnicityCodes as [string, ...string[]], {
        message: 'must be an ethnicity code (see docs/import-format.md)',
      })
      .default('NS'),
    address: z
      .object({
        address: z.string().trim().min(1, 'is required').max(500),
        postcode: z.string().trim().max(10).optional(),
        borough: z.string().trim().min(1, 'is required'),
        from: isoDate,
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((p) => p.dateOfBirth !== undefined || p.estimatedAge !== undefined, {
    path: ['dateOfBirth'],
    message: 'give dateOfBirth or estimatedAge',
  })
export type PersonLine = z.infer<typeof personSchema>

const period = { from: isoDate, to: isoDate.optional() }
const toAfterFrom = { path: ['to'], message: 'must be on or after from' }

const membershipSchema = z
  .object({
    household: refText,
    person: refText,
    role: z.enum(householdRoles, { message: `must be one of: ${householdRoles.join(', ')}` }),
    ...period,
  })
  .strict()
  .refine((m) => !m.to || m.to >= m.from, toAfterFrom)
export type MembershipLine = z.infer<typeof membershipSchema>

const flagSchema = z
  .object({
    person: refText,
    flag: z.enum(flagKinds, { message: `must be one of: ${flagKinds.join(', ')}` }),
    detail: z.string().trim().min(1).max(200).optional(),
    ...period,
  })
  .strict()
  .refine((f) => !f.to || f.to >= f.from, toAfterFrom)
  .refine(
    (f) =>
      f.flag !== 'child_protection_plan' ||
      !f.detail ||
      (protectionPlanCategories as readonly string[]).includes(f.detail),
    {
      path: ['detail'],
      message: `the category of a child protection plan must be one of: ${protectionPlanCategories.join(', ')}`,
    },
  )
export type FlagLine = z.infer<typeof flagSchema>

/** The last line for each ref: "a later line with the same ref updates the earlier one". */
export function lastPerRef<T>(lines: ImportLine<T>[]): ImportLine<T>[] {
  return [...new Map(lines.map((l) => [l.ref, l])).values()]
}

export function rejectIf(errors: ImportError[]) {
  if (errors.length) throw new ImportRejected(errors.sort((a, b) => a.line - b.line))
}

/** Nothing imported may start after today (the injected clock's London day). */
export function notInFuture<T>(
  lines: ImportLine<T>[],
  today: string,
  fields: [keyof T & string, string][],
): ImportError[] {
  const errors: ImportError[] = []
  for (const line of lines) {
    for (const [field, label] of fields) {
      const value = line.record[field]
      if (typeof value === 'string' && value > today)
        errors.push({
          line: line.lineNumber,
          field: label,
          reason: `must not be in the future (today is ${today})`,
        })
    }
  }
  return errors
}

export type Row = Record<string, unknown> & { id: string; version: number }

/** change_history rows for what a set-wise upsert created or changed. */
export async function writeHistory(
  trx: Transaction,
  table: string,
  before: Map<string, Row>,
  after: Row[],
  actor: string,
  at: Date,
) {
  const rows = after.flatMap((row): HistoryRow[] => {
    const old = before.get(row.id)
    const changes = changedFields(old ?? {}, row, Object.keys(row))
    if (old && Object.keys(changes).length === 0) return []
    return [
      {
        table,
        id: row.id,
        version: row.version,
        action: old ? 'update' : 'create',
        changedBy: actor,
        changedAt: at,
        changes,
      },
    ]
  })
  await recordMany(trx, rows)
}

export async function logImported(
  trx: Transaction,
  clock: Clock,
  actor: string,
  personIds: Iterable<string>,
  what: string,
) {
  const entries = [...new Set(personIds)].map((id) => ({
    actorId: actor,
    actorName: actor,
    action: 'import',
    subjectKind: 'person',
    subjectId: id,
    detail: { kind: what },
  }))
  await appendAccessLog(trx, clock, entries)
}

async function lookupByRef(trx: Transaction, table: 'household_membership' | 'person_flag', refs: string[]) {
  const rows = await trx.selectFrom(table).select(['id', 'ref']).where('ref', 'in', refs).execute()
  return new Map(rows.map((r) => [r.ref as string, r.id]))
}

export const personImportKind = defineImportKind<PersonLine>({
  // Logs the people each line touched (logImported).
  logsItsOwnAccess: true,
  kind: 'person',
  subjectKind: 'person',
  // A name, an age or a merge read by other rules (REF-06's dependsOn) is judged again with the import.
  table: 'person',
  schema: personSchema as z.ZodType<PersonLine>,
  // A merged record's ref finds the survivor, so flags and memberships land on the one record.
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('person')
      .select(['id', 'ref', 'merged_into'])
      .where('ref', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.ref, r.merged_into ?? r.id]))
  },
  async write(allLines, { trx, clock, actor }) {
    const today = londonDate(clock.now())
    const errors = notInFuture(allLines, today, [['dateOfBirth', 'dateOfBirth']])
    for (const line of allLines) {
      if (line.record.address && line.record.address.from > today)
        errors.push({
          line: line.lineNumber,
          field: 'address.from',
          reason: `must not be in the future (today is ${today})`,
        })
    }
    const boroughNames = [
      ...new Set(allLines.flatMap((l) => (l.record.address ? [l.record.address.borough] : []))),
    ]
    const boroughIds = boroughNames.length
      ? matchBoroughNames(await boroughsOf(trx), boroughNames)
      : new Map<string, string>()
    for (const line of allLines) {
      const borough = line.record.address?.borough
      if (borough && !boroughIds.has(borough))
        errors.push({
          line: line.lineNumber,
          field: 'address.borough',
          reason: `no borough named "${borough}" in this force`,
        })
    }
    const lines = lastPerRef(allLines)
    const existing = await trx
      .selectFrom('person')
      .selectAll()
      .where(
        'ref',
        'in',
        lines.map((l) => l.ref),
      )
      .forUpdate()
      .execute()
    const byRef = new Map(existing.map((r) => [r.ref, r]))
    for (const line of lines) {
      const merged = byRef.get(line.ref)?.merged_into
      if (merged) {
        const survivor = await trx
          .selectFrom('person')
          .select('ref')
          .where('id', '=', merged)
          .executeTakeFirst()
        errors.push({
          line: line.lineNumber,
          field: 'ref',
          reason: `person ${line.ref} was merged into ${survivor?.ref}; import the surviving record's ref`,
        })
      }
    }
    rejectIf(errors)

    const now = clock.now()
    const column = <T>(pick: (r: PersonLine) => T) => lines.map((l) => pick(l.record))
    const { rows } = await sql<Row & { ref: string }>`
      insert into person (ref, family_name, given_names, date_of_birth, estimated_age_years, estimated_age_on,
                          gender, ethnicity, created_at, updated_at)
      select t.ref, t.family_name, t.given_names, t.dob, t.estimate,
             case when t.estimate is null then null else ${today}::date end, t.gender, t.ethnicity, ${now}, ${now}
      from unnest(${lines.map((l) => l.ref)}::text[], ${column((r) => r.familyName)}::text[],
                  ${column((r) => r.givenNames.replace(/\s+/g, ' '))}::text[], ${column((r) => r.dateOfBirth ?? null)}::date[],
                  ${column((r) => r.estimatedAge ?? null)}::int[], ${column((r) => r.gender)}::text[],
                  ${column((r) => r.ethnicity)}::text[])
        as t(ref, family_name, given_names, dob, estimate, gender, ethnicity)
      on conflict (ref) do update set
        family_name = excluded.family_name, given_names = excluded.given_names,
        date_of_birth = excluded.date_of_birth, estimated_age_years = excluded.estimated_age_years,
        -- An unchanged estimate keeps the day it was made.
        estimated_age_on = case when excluded.estimated_age_years is not distinct from person.estimated_age_years
                                then person.estimated_age_on else excluded.estimated_age_on end,
        gender = excluded.gender, ethnicity = excluded.ethnicity,
        updated_at = excluded.updated_at, version = person.version + 1
      where (person.family_name, person.given_names, person.date_of_birth, person.estimated_age_years, person.gender, person.ethnicity)
        is distinct from (excluded.family_name, excluded.given_names, excluded.date_of_birth, excluded.estimated_age_years,
                          excluded.gender, excluded.ethnicity)
      returning *`.execute(trx)
    await writeHistory(
      trx,
      'person',
      new Map(existing.map((r) => [r.id, r as unknown as Row])),
      rows,
      actor,
      now,
    )
    const ids = new Map(existing.map((r) => [r.ref, r.id]))
    for (const row of rows) ids.set(row.ref, row.id)

    const withAddress = lines.filter((l) => l.record.address)
    if (withAddress.length) {
      const personIds = withAddress.map((l) => ids.get(l.ref) as string)
      const froms = withAddress.map((l) => l.record.address?.from as string)
      const before = await trx
        .selectFrom('person_address')
        .selectAll()
        .where('person_id', 'in', personIds)
        .forUpdate()
        .execute()
      const { rows: written } = await sql<Row>`
        insert into person_address (person_id, address, postcode, borough_id, from_date, created_at)
        select * , ${now}::timestamptz from unnest(${personIds}::uuid[], ${withAddress.map((l) => l.record.address?.address)}::text[],
          ${withAddress.map((l) => l.record.address?.postcode?.toUpperCase() || null)}::text[],
          ${withAddress.map((l) => boroughIds.get(l.record.address?.borough as string))}::uuid[], ${froms}::date[])
        on conflict (person_id, from_date) do update set
          address = excluded.address, postcode = excluded.postcode, borough_id = excluded.borough_id,
          version = person_address.version + 1
        where (person_address.address, person_address.postcode, person_address.borough_id)
          is distinct from (excluded.address, excluded.postcode, excluded.borough_id)
        returning *`.execute(trx)
      // The imported address is current from its date: an earlier open address ends the day before.
      const { rows: closed } = await sql<Row>`
        update person_address a set to_date = n.from_date - 1, version = a.version + 1
        from unnest(${personIds}::uuid[], ${froms}::date[]) as n(person_id, from_date)
        where a.person_id = n.person_id and a.to_date is null and a.from_date < n.from_date
        returning a.*`.execute(trx)
      const beforeById = new Map(before.map((r) => [r.id, r as unknown as Row]))
      await writeHistory(trx, 'person_address', beforeById, written, actor, now)
      await writeHistory(trx, 'person_address', beforeById, closed, actor, now)
    }
    await logImported(
      trx,
      clock,
      actor,
      rows.map((r) => r.id),
      'person',
    )
    return ids
  },
  describe: {
    summary: 'A person (child or adult) in the person index, with their current address if known.',
    example: {
      kind: 'person',
      ref: 'MERLIN-P-000123',
      familyName: 'Smith',
      givenNames: 'Amy Louise',
      dateOfBirth: '2009-04-17',
      gender: 'female',
      ethnicity: 'W1',
      address: {
        address: '12 Example Road, London',
        postcode: 'N1 9AA',
        borough: 'Islington',
        from: '2016-09-01',
      },
    },
  },
})

export const householdMembershipImportKind = defineImportKind<MembershipLine>({
  // Logs the people each line touched (logImported).
  logsItsOwnAccess: true,
  kind: 'household-membership',
  schema: membershipSchema as z.ZodType<MembershipLine>,
  // Living together links children: rules reading memberships (REF-06's dependsOn) judge again the records
  // it touches with the import.
  table: 'household_membership',
  refersTo: ['person'],
  references: (record) => [{ field: 'person', kind: 'person', ref: record.person }],
  lookup: (trx, refs) => lookupByRef(trx, 'household_membership', refs),
  async write(allLines, { trx, clock, actor, idOf }) {
    const today = londonDate(clock.now())
    rejectIf(notInFuture(allLines, today, [['from', 'from']]))
    const lines = lastPerRef(allLines)
    const now = clock.now()
    const householdRefs = [...new Set(lines.map((l) => l.record.household))]
    const { rows: newHouseholds } = await sql<Row>`
      insert into household (ref, created_at) select ref, ${now}::timestamptz from unnest(${householdRefs}::text[]) as t(ref)
      on conflict (ref) do nothing returning *`.execute(trx)
    await writeHistory(trx, 'household', new Map(), newHouseholds, actor, now)
    const households = await trx
      .selectFrom('household')
      .select(['id', 'ref'])
      .where('ref', 'in', householdRefs)
      .execute()
    const householdId = new Map(households.map((h) => [h.ref, h.id]))

    const before = await trx
      .selectFrom('household_membership')
      .selectAll()
      .where(
        'ref',
        'in',
        lines.map((l) => l.ref),
      )
      .forUpdate()
      .execute()
    const personIds = lines.map((l) => idOf('person', l.record.person))
    const { rows } = await sql<Row & { ref: string }>`
      insert into household_membership (ref, household_id, person_id, role, from_date, to_date, created_at)
      select *, ${now}::timestamptz from unnest(${lines.map((l) => l.ref)}::text[],
        ${lines.map((l) => householdId.get(l.record.household))}::uuid[], ${personIds}::uuid[],
        ${lines.map((l) => l.record.role)}::text[], ${lines.map((l) => l.record.from)}::date[],
        ${lines.map((l) => l.record.to ?? null)}::date[])
      on conflict (ref) do update set household_id = excluded.household_id, person_id = excluded.person_id,
        role = excluded.role, from_date = excluded.from_date, to_date = excluded.to_date,
        version = household_membership.version + 1
      where (household_membership.household_id, household_membership.person_id, household_membership.role,
             household_membership.from_date, household_membership.to_date)
        is distinct from (excluded.household_id, excluded.person_id, excluded.role, excluded.from_date, excluded.to_date)
      returning *`.execute(trx)
    await writeHistory(
      trx,
      'household_membership',
      new Map(before.map((r) => [r.id, r as unknown as Row])),
      rows,
      actor,
      now,
    )
    await logImported(
      trx,
      clock,
      actor,
      rows.map((r) => r.person_id as string),
      'household-membership',
    )
    const ids = new Map(before.map((r) => [r.ref as string, r.id]))
    for (const row of rows) ids.set(row.ref, row.id)
    return ids
  },
  describe: {
    summary:
      'A person living in a household from a date (to a date when they left). The household is named by its own ref and created the first time it appears.',
    example: {
      kind: 'household-membership',
      ref: 'HM-000456',
      household: 'H-000078',
      person: 'MERLIN-P-000123',
      role: 'child',
      from: '2016-09-01',
    },
  },
})

export const personFlagImportKind = defineImportKind<FlagLine>({
  // Logs the people each line touched (logImported).
  logsItsOwnAccess: true,
  kind: 'person-flag',
  schema: flagSchema as z.ZodType<FlagLine>,
  refersTo: ['person'],
  references: (record) => [{ field: 'person', kind: 'person', ref: record.person }],
  lookup: (trx, refs) => lookupByRef(trx, 'person_flag', refs),
  async write(allLines, { trx, clock, actor, idOf }) {
    const today = londonDate(clock.now())
    rejectIf(notInFuture(allLines, today, [['from', 'from']]))
    const lines = lastPerRef(allLines)
    const now = clock.now()
    const before = await trx
      .selectFrom('person_flag')
      .selectAll()
      .where(
        'ref',
        'in',
        lines.map((l) => l.ref),
      )
      .forUpdate()
      .execute()
    const personIds = lines.map((l) => idOf('person', l.record.person))
    const { rows } = await sql<Row & { ref: string }>`
      insert into person_flag (ref, person_id, flag, detail, from_date, to_date, created_at)
      select *, ${now}::timestamptz from unnest(${lines.map((l) => l.ref)}::text[], ${personIds}::uuid[],
        ${lines.map((l) => l.record.flag)}::text[], ${lines.map((l) => l.record.detail ?? null)}::text[],
        ${lines.map((l) => l.record.from)}::date[], ${lines.map((l) => l.record.to ?? null)}::date[])
      on conflict (ref) do update set person_id = excluded.person_id, flag = excluded.flag, detail = excluded.detail,
        from_date = excluded.from_date, to_date = excluded.to_date, version = person_flag.version + 1
      where (person_flag.person_id, person_flag.flag, person_flag.detail, person_flag.from_date, person_flag.to_date)
        is distinct from (excluded.person_id, excluded.flag, excluded.detail, excluded.from_date, excluded.to_date)
      returning *`.execute(trx)
    await writeHistory(
      trx,
      'person_flag',
      new Map(before.map((r) => [r.id, r as unknown as Row])),
      rows,
      actor,
      now,
    )
    await logImported(
      trx,
      clock,
      actor,
      rows.map((r) => r.person_id as string),
      'person-flag',
    )
    const ids = new Map(before.map((r) => [r.ref as string, r.id]))
    for (const row of rows) ids.set(row.ref, row.id)
    return ids
  },
  describe: {
    summary:
      'A flag on a person from a date (to a date when it ended): looked after, child protection plan, CSE risk and others.',
    example: {
      kind: 'person-flag',
      ref: 'F-000901',
      person: 'MERLIN-P-000123',
      flag: 'child_protection_plan',
      detail: 'neglect',
      from: '2017-03-01',
    },
  },
})

/** In dependency order: people first, then what points at them (`relationship` is in relationship-import.ts). */
export const childrenImportKinds = [personImportKind, householdMembershipImportKind, personFlagImportKind]
