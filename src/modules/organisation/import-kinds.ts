import { sql } from 'kysely'
import { z } from 'zod'
import type { Transaction } from '../../platform/db/database.ts'
import { type FieldChanges, recordMany } from '../../platform/db/history.ts'
import { ImportRejected } from '../../platform/import/importer.ts'
import { defineImportKind } from '../../platform/import/kinds.ts'
import { londonDate } from '../../platform/time.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { courses, ranks, teamKinds } from './organisation.ts'

/**
 * Organisation and staff come first in any import: boroughs and BCUs by name, teams by name, staff by
 * staff number with their training. Every other module's records point at these.
 */

const isoDate = isoDay('must be a date as YYYY-MM-DD')

async function forceId(trx: Transaction): Promise<string> {
  const row = await trx.selectFrom('force').select('id').orderBy('code').executeTakeFirst()
  if (row) return row.id
  // A force without the London seed: the first import creates it.
  return (
    await trx
      .insertInto('force')
      .values({ code: 'FORCE', name: 'Police force' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
}

/** A row per record an upsert wrote: version 1 is a create, a later one an update. */
async function history(
  trx: Transaction,
  table: string,
  rows: { id: string; version: number }[],
  actor: string,
  at: Date,
  changes: FieldChanges[],
) {
  await recordMany(
    trx,
    rows.map((r, i) => ({
      table,
      id: r.id,
      version: r.version,
      action: r.version === 1 ? 'create' : 'update',
      changedBy: actor,
      changedAt: at,
      changes: changes[i] ?? {},
    })),
  )
}

export const bcuKind = defineImportKind({
  kind: 'bcu',
  refSchema: z.string().regex(/^[A-Z0-9]{1,10}$/, 'a BCU ref is its code: 1 to 10 capital letters or digits'),
  schema: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('bcu').select(['id', 'code']).where('code', 'in', refs).execute()
    return new Map(rows.map((r) => [r.code, r.id]))
  },
  async write(lines, { trx }) {
    const force = await forceId(trx)
    const ids = new Map<string, string>()
    for (const line of lines) {
      const row = await trx
        .insertInto('bcu')
        .values({ force_id: force, code: line.ref, name: line.record.name })
        .onConflict((oc) =>
          oc
            .columns(['force_id', 'code'])
            .doUpdateSet({ name: line.record.name, version: sql`bcu.version + 1` }),
        )
        .returning('id')
        .executeTakeFirstOrThrow()
      ids.set(line.ref, row.id)
    }
    return ids
  },
  describe: {
    summary: 'A basic command unit, by its code.',
    example: { kind: 'bcu', ref: 'CN', name: 'Central North' },
  },
})

export const boroughKind = defineImportKind({
  kind: 'borough',
  // A borough's first BCU is set by its line: the rules reading a borough's BCU judge its staff again.
  table: 'borough',
  schema: z.object({ bcu: z.string().min(1).optional(), bcuFrom: isoDate.optional() }).strict(),
  refersTo: ['bcu'],
  references: (record) => (record.bcu ? [{ field: 'bcu', kind: 'bcu', ref: record.bcu }] : []),
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('borough').select(['id', 'name']).where('name', 'in', refs).execute()
    return new Map(rows.map((r) => [r.name, r.id]))
  },
  async write(lines, { trx, idOf }) {
    const force = await forceId(trx)
    const ids = new Map<string, string>()
    for (const line of lines) {
      const inserted = await trx
        .insertInto('borough')
        .values({ force_id: force, name: line.ref })
        .onConflict((oc) => oc.columns(['force_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst()
      const id =
        inserted?.id ??
        (
          await trx
            .selectFrom('borough')
            .select('id')
            .where('force_id', '=', force)
            .where('name', '=', line.ref)
            .executeTakeFirstOrThrow()
        ).id
      ids.set(line.ref, id)
      // A borough's first BCU is set here; moving it later is a reorganisation, made on its own page.
      if (line.record.bcu) {
        const current = await trx
          .selectFrom('borough_bcu')
          .select('id')
          .where('borough_id', '=', id)
          .executeTakeFirst()
        if (!current) {
          await trx
            .insertInto('borough_bcu')
            .values({
              borough_id: id,
              bcu_id: idOf('bcu', line.record.bcu),
              effective_from: line.record.bcuFrom ?? '2019-02-01',
            })
            .execute()
        }
      }
    }
    return ids
  },
  describe: {
    summary: 'A borough, by its name, and the BCU it first belongs to (later moves are reorganisations).',
    example: { kind: 'borough', ref: 'Camden', bcu: 'CN', bcuFrom: '2017-01-01' },
  },
})

export const wardKind = defineImportKind({
  kind: 'ward',
  schema: z.object({ borough: z.string().min(1) }).strict(),
  refersTo: ['borough'],
  references: (record) => [{ field: 'borough', kind: 'borough', ref: record.borough }],
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('ward').select(['id', 'name']).where('name', 'in', refs).execute()
    return new Map(rows.map((r) => [r.name, r.id]))
  },
  async write(lines, { trx, idOf, actor, clock }) {
    // Lines and teams name a ward by its name alone, so a name may be used in one borough only.
    const { rows: clashes } = await sql<{ name: string; borough: string }>`
      select w.name, b.name as borough from ward w join borough b on b.id = w.borough_id
      join unnest(${lines.map((l) => l.ref)}::text[], ${lines.map((l) => idOf('borough', l.record.borough))}::uuid[])
        as t(name, borough_id) on t.name = w.name and t.borough_id <> w.borough_id`.execute(trx)
    if (clashes.length)
      throw new ImportRejected(
        clashes.map((c) => ({
          line: lines.find((l) => l.ref === c.name)?.lineNumber ?? 0,
          field: 'ref',
          reason: `a ward named ${c.name} is already in ${c.borough}: give this one a name of its own, like "${c.name} (${lines.find((l) => l.ref === c.name)?.record.borough})"`,
        })),
      )
    const { rows } = await sql<{ id: string; name: string; version: number }>`
      insert into ward (borough_id, name)
      select t.borough_id, t.name
      from unnest(${lines.map((l) => l.ref)}::text[], ${lines.map((l) => idOf('borough', l.record.borough))}::uuid[])
        as t(name, borough_id)
      on conflict (borough_id, name) do update set version = ward.version + 1
      returning id, name, version`.execute(trx)
    await history(
      trx,
      'ward',
      rows,
      actor,
      clock.now(),
      rows.map((r) => ({ imported: [null, r.name] })),
    )
    return new Map(rows.map((r) => [r.name, r.id]))
  },
  describe: {
    summary:
      'A ward of a borough, by its name (unique across the force): the area a safer neighbourhood team serves ' +
      'and its RSO briefing covers.',
    example: { kind: 'ward', ref: 'Brixton Hill', borough: 'Lambeth' },
  },
})

export const teamKind = defineImportKind({
  kind: 'team',
  // A cadence changed by import judges again the cases the team holds (INV-04's dependsOn).
  table: 'team',
  schema: z
    .object({
      teamKind: z.enum(teamKinds),
      borough: z.string().min(1).optional(),
      bcu: z.string().min(1).optional(),
      ward: z.string().min(1).optional(),
      capacity: z.number().int().min(1).max(1000).nullable().optional(),
      reviewCadenceDays: z.number().int().min(1).max(365).nullable().optional(),
      active: z.boolean().default(true),
    })
    .strict()
    .refine((t) => !(t.borough && t.bcu), {
      message: 'a team serves a borough or a BCU, not both',
      path: ['bcu'],
    })
    .refine((t) => !t.ward || t.borough, {
      message: 'a team that serves a ward names its borough',
      path: ['ward'],
    }),
  refersTo: ['borough', 'bcu', 'ward'],
  references: (record) => [
    ...(record.borough ? [{ field: 'borough', kind: 'borough', ref: record.borough }] : []),
    ...(record.bcu ? [{ field: 'bcu', kind: 'bcu', ref: record.bcu }] : []),
    ...(record.ward ? [{ field: 'ward', kind: 'ward', ref: record.ward }] : []),
  ],
  async lookup(trx, refs) {
    const rows = await trx.selectFrom('team').select(['id', 'name']).where('name', 'in', refs).execute()
    return new Map(rows.map((r) => [r.name, r.id]))
  },
  async write(lines, { trx, idOf, actor, clock }) {
    const force = await forceId(trx)
    const wardIds = lines.map((l) => (l.record.ward ? idOf('ward', l.record.ward) : null))
    const { rows: outside } = await sql<{ i: number }>`
      select t.i::int from unnest(${wardIds}::uuid[], ${lines.map((l) => (l.record.borough ? idOf('borough', l.record.borough) : null))}::uuid[])
        with ordinality as t(ward_id, borough_id, i)
      join ward w on w.id = t.ward_id where w.borough_id <> t.borough_id`.execute(trx)
    if (outside.length)
      throw new ImportRejected(
        outside.map((o) => ({
          line: lines[o.i - 1]?.lineNumber ?? 0,
          field: 'ward',
          reason: `${lines[o.i - 1]?.record.ward} is not a ward of ${lines[o.i - 1]?.record.borough}`,
        })),
      )
    const { rows } = await sql<{ id: string; name: string; version: number }>`
      insert into team (force_id, name, kind, borough_id, bcu_id, ward_id, capacity, review_cadence_days, active)
      select ${force}, t.name, t.kind, t.borough_id, t.bcu_id, t.ward_id, t.capacity, t.review_cadence_days, t.active
      from unnest(
        ${lines.map((l) => l.ref)}::text[], ${lines.map((l) => l.record.teamKind)}::text[],
        ${lines.map((l) => (l.record.borough ? idOf('borough', l.record.borough) : null))}::uuid[],
        ${lines.map((l) => (l.record.bcu ? idOf('bcu', l.record.bcu) : null))}::uuid[], ${wardIds}::uuid[],
        ${lines.map((l) => l.record.capacity ?? null)}::int[], ${lines.map((l) => l.record.reviewCadenceDays ?? null)}::int[],
        ${lines.map((l) => l.record.active)}::boolean[]
      ) as t(name, kind, borough_id, bcu_id, ward_id, capacity, review_cadence_days, active)
      on conflict (force_id, name) do update set kind = excluded.kind, borough_id = excluded.borough_id,
        bcu_id = excluded.bcu_id, ward_id = excluded.ward_id, capacity = excluded.capacity, review_cadence_days = excluded.review_cadence_days,
        active = excluded.active, version = team.version + 1
      returning id, name, version`.execute(trx)
    await history(
      trx,
      'team',
      rows,
      actor,
      clock.now(),
      rows.map((r) => ({ imported: [null, r.name] })),
    )
    return new Map(rows.map((r) => [r.name, r.id]))
  },
  describe: {
    summary: 'A team, by its name: its kind, the borough or BCU it serves, its capacity and review cadence.',
    example: {
      kind: 'team',
      ref: 'Camden CAIT',
      teamKind: 'cait',
      borough: 'Camden',
      capacity: 12,
      reviewCadenceDays: 28,
    },
  },
})

export const staffKind = defineImportKind({
  kind: 'staff',
  table: 'staff',
  refSchema: z
    .string()
    .regex(/^[A-Za-z0-9]{1,20}$/, 'a staff ref is the staff number: 1 to 20 letters or digits'),
  schema: z
    .object({
      name: z.string().trim().min(1).max(200),
      rank: z.enum(ranks),
      role: z.string().max(200).default(''),
      team: z.string().min(1).nullable().optional(),
      startDate: isoDate,
      active: z.boolean().default(true),
      training: z.array(z.object({ course: z.enum(courses), completedOn: isoDate }).strict()).optional(),
    })
    .strict(),
  refersTo: ['team'],
  references: (record) => (record.team ? [{ field: 'team', kind: 'team', ref: record.team }] : []),
  async lookup(trx, refs) {
    const rows = await trx
      .selectFrom('staff')
      .select(['id', 'staff_number'])
      .where('staff_number', 'in', refs)
      .execute()
    return new Map(rows.map((r) => [r.staff_number, r.id]))
  },
  async write(lines, { trx, idOf, actor, clock }) {
    // As on the training page: a course is recorded once done. (STF-01 is swept by its due times and clock
    // instants, which a completion dated ahead would escape.)
    const today = londonDate(clock.now())
    const ahead = lines.flatMap((l) =>
      (l.record.training ?? []).flatMap((t, i) =>
        t.completedOn > today
          ? [{ line: l.lineNumber, field: `training.${i}.completedOn`, reason: 'must not be in the future' }]
          : [],
      ),
    )
    if (ahead.length) throw new ImportRejected(ahead)
    const force = await forceId(trx)
    const { rows } = await sql<{ id: string; staff_number: string; version: number }>`
      insert into staff (force_id, staff_number, name, rank, role, team_id, start_date, active)
      select ${force}, s.staff_number, s.name, s.rank, s.role, s.team_id, s.start_date, s.active
      from unnest(
        ${lines.map((l) => l.ref)}::text[], ${lines.map((l) => l.record.name)}::text[], ${lines.map((l) => l.record.rank)}::text[],
        ${lines.map((l) => l.record.role)}::text[], ${lines.map((l) => (l.record.team ? idOf('team', l.record.team) : null))}::uuid[],
        ${lines.map((l) => l.record.startDate)}::date[], ${lines.map((l) => l.record.active)}::boolean[]
      ) as s(staff_number, name, rank, role, team_id, start_date, active)
      on conflict (force_id, staff_number) do update set name = excluded.name, rank = excluded.rank, role = excluded.role,
        team_id = excluded.team_id, start_date = excluded.start_date, active = excluded.active, version = staff.version + 1
      returning id, staff_number, version`.execute(trx)
    const ids = new Map(rows.map((r) => [r.staff_number, r.id]))
    await history(
      trx,
      'staff',
      rows,
      actor,
      clock.now(),
      rows.map((r) => ({ imported: [null, r.staff_number] })),
    )
    // Training listed on a line replaces that person's training records: the sending system holds the full list.
    const withTraining = lines.filter((l) => l.record.training)
    if (withTraining.length) {
      const staffIds = withTraining.map((l) => ids.get(l.ref) as string)
      await trx.deleteFrom('training_record').where('staff_id', 'in', staffIds).execute()
      const training = withTraining.flatMap((l) =>
        (l.record.training ?? []).map((t) => ({
          staff_id: ids.get(l.ref) as string,
          course: t.course,
          completed_on: t.completedOn,
        })),
      )
      if (training.length) await trx.insertInto('training_record').values(training).execute()
    }
    return ids
  },
  describe: {
    summary: 'A member of staff, by staff number, with rank, team and the training they have completed.',
    example: {
      kind: 'staff',
      ref: 'MP100234',
      name: 'Sam Okafor',
      rank: 'constable',
      role: 'Investigator',
      team: 'Camden CAIT',
      startDate: '2016-04-01',
      training: [{ course: 'abe_interviewing', completedOn: '2017-03-10' }],
    },
  },
})

export const organisationImportKinds = [bcuKind, boroughKind, wardKind, teamKind, staffKind]
