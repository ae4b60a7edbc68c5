import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { testDatabase } from '../../../test/database.ts'
import { propertySeed, seededRandom, seedNote } from '../../../test/property.ts'
import { fixedClock } from '../clock.ts'
import type { DatabaseHandle } from '../db/database.ts'
import { ImportRejected, importer } from './importer.ts'
import { defineImportKind } from './kinds.ts'

// Two test kinds over tables made for this test: a household, and a child who points at one.
const isoDate = z.iso.date({ message: 'must be a date as YYYY-MM-DD' })

function kinds() {
  const household = defineImportKind({
    kind: 'test-household',
    schema: z.object({ name: z.string().min(1) }).strict(),
    async lookup(trx, refs) {
      const { rows } = await sql<{
        id: string
        ref: string
      }>`select id, ref from test_household where ref = any(${refs})`.execute(trx)
      return new Map(rows.map((r) => [r.ref, r.id]))
    },
    async write(lines, { trx }) {
      const { rows } = await sql<{ id: string; ref: string }>`
        insert into test_household (ref, name)
        select * from unnest(${lines.map((l) => l.ref)}::text[], ${lines.map((l) => l.record.name)}::text[])
        on conflict (ref) do update set name = excluded.name
        returning id, ref`.execute(trx)
      return new Map(rows.map((r) => [r.ref, r.id]))
    },
    describe: { summary: 'test', example: {} },
  })
  const child = defineImportKind({
    kind: 'test-child',
    subjectKind: 'test-child',
    schema: z.object({ name: z.string().min(1), born: isoDate, household: z.string().min(1) }).strict(),
    refersTo: ['test-household'],
    references: (record) => [{ field: 'household', kind: 'test-household', ref: record.household }],
    async lookup(trx, refs) {
      const { rows } = await sql<{
        id: string
        ref: string
      }>`select id, ref from test_child where ref = any(${refs})`.execute(trx)
      return new Map(rows.map((r) => [r.ref, r.id]))
    },
    async write(lines, { trx, idOf }) {
      const ids = new Map<string, string>()
      for (const line of lines) {
        const { rows } = await sql<{ id: string }>`
          insert into test_child (ref, name, born, household_id)
          values (${line.ref}, ${line.record.name}, ${line.record.born}, ${idOf('test-household', line.record.household)})
          on conflict (ref) do update set name = excluded.name, born = excluded.born, household_id = excluded.household_id
          returning id`.execute(trx)
        ids.set(line.ref, (rows[0] as { id: string }).id)
      }
      return ids
    },
    describe: { summary: 'test', example: {} },
  })
  return [household, child]
}

describe('importer', () => {
  let handle: DatabaseHandle
  const evaluated: Map<string, string[]>[] = []
  let run: ReturnType<typeof importer>['run']

  beforeAll(async () => {
    handle = await testDatabase()
    await sql`create table test_household (id uuid primary key default gen_random_uuid(), ref text unique not null, name text not null)`.execute(
      handle.db,
    )
    await sql`create table test_child (id uuid primary key default gen_random_uuid(), ref text unique not null, name text not null, born date not null, household_id uuid not null references test_household(id))`.execute(
      handle.db,
    )
    run = importer(handle.db, fixedClock('2026-01-01T00:00:00Z'), kinds() as never, {
      after: async (_trx, written) => {
        evaluated.push(written)
      },
    }).run
  })
  afterAll(() => handle.close())
  beforeEach(async () => {
    await sql`truncate test_child, test_household`.execute(handle.db)
    evaluated.length = 0
  })

  const count = async (table: string) =>
    Number(
      (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(handle.db))
        .rows[0]?.n,
    )

  const jsonl = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n')

  it('writes a valid batch, resolving references to records earlier in the same batch', async () => {
    const outcome = await run(
      jsonl(
        { kind: 'test-child', ref: 'C-1', name: 'Amy', born: '2012-03-04', household: 'H-1' },
        { kind: 'test-household', ref: 'H-1', name: 'Flat 1' },
      ),
      'tester',
    )
    expect(outcome).toEqual({ lines: 2, written: { 'test-household': 1, 'test-child': 1 } })
    expect(await count('test_child')).toBe(1)
    expect(evaluated[0]?.get('test-child')).toHaveLength(1)
  })

  it('updates a record when the same ref is imported again', async () => {
    await run(jsonl({ kind: 'test-household', ref: 'H-1', name: 'Flat 1' }), 'tester')
    await run(jsonl({ kind: 'test-household', ref: 'H-1', name: 'Flat 2' }), 'tester')
    const { rows } = await sql<{ name: string }>`select name from test_household`.execute(handle.db)
    expect(rows).toEqual([{ name: 'Flat 2' }])
  })

  it('resolves references to records already in the database', async () => {
    await run(jsonl({ kind: 'test-household', ref: 'H-9', name: 'House' }), 'tester')
    await run(
      jsonl({ kind: 'test-child', ref: 'C-9', name: 'Bo', born: '2015-01-01', household: 'H-9' }),
      'tester',
    )
    expect(await count('test_child')).toBe(1)
  })

  const rejections: [string, string, { line: number; field?: string; reason: RegExp }][] = [
    [
      'an unknown kind',
      jsonl({ kind: 'test-household', ref: 'H-1', name: 'x' }, { kind: 'spaceship', ref: 'S-1' }),
      { line: 2, field: 'kind', reason: /unknown kind "spaceship"/ },
    ],
    [
      'a missing required field',
      jsonl(
        { kind: 'test-household', ref: 'H-1', name: 'x' },
        { kind: 'test-child', ref: 'C-1', born: '2012-01-01', household: 'H-1' },
      ),
      { line: 2, field: 'name', reason: /./ },
    ],
    [
      'a bad date',
      jsonl(
        { kind: 'test-household', ref: 'H-1', name: 'x' },
        { kind: 'test-child', ref: 'C-1', name: 'A', born: '2012-13-45', household: 'H-1' },
      ),
      { line: 2, field: 'born', reason: /YYYY-MM-DD/ },
    ],
    [
      'a ref pointing nowhere',
      jsonl(
        { kind: 'test-household', ref: 'H-1', name: 'x' },
        { kind: 'test-child', ref: 'C-1', name: 'A', born: '2012-01-01', household: 'H-404' },
      ),
      { line: 2, field: 'household', reason: /no test-household with ref "H-404"/ },
    ],
    [
      'a line that is not JSON',
      `${jsonl({ kind: 'test-household', ref: 'H-1', name: 'x' })}\n{oops`,
      { line: 2, reason: /not valid JSON/ },
    ],
    ['a missing ref', jsonl({ kind: 'test-household', name: 'x' }), { line: 1, field: 'ref', reason: /./ }],
    [
      'a NUL in a field, which the database cannot store',
      jsonl(
        { kind: 'test-household', ref: 'H-1', name: 'x' },
        { kind: 'test-child', ref: 'C-1', name: 'A\u0000', born: '2012-01-01', household: 'H-1' },
      ),
      { line: 2, field: 'name', reason: /NUL character/ },
    ],
    [
      'half a surrogate pair in a ref',
      jsonl({ kind: 'test-household', ref: 'H-\ud800', name: 'x' }),
      { line: 1, field: 'ref', reason: /surrogate/ },
    ],
    [
      'an unknown field',
      jsonl({ kind: 'test-household', ref: 'H-1', name: 'x', colour: 'red' }),
      { line: 1, reason: /colour/ },
    ],
  ]

  it.each(rejections)(
    'rejects the whole batch for %s, naming the line, and writes nothing',
    async (_name, text, expected) => {
      const error = await run(text, 'tester').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ImportRejected)
      const first = (error as ImportRejected).errors[0]
      expect(first?.line).toBe(expected.line)
      if (expected.field) expect(first?.field).toBe(expected.field)
      expect(first?.reason).toMatch(expected.reason)
      expect(await count('test_household')).toBe(0)
      expect(await count('test_child')).toBe(0)
    },
  )

  it('rolls back what was written when a write fails part way', async () => {
    // Two children with the same ref and different households pass validation; a constraint fails in write.
    await sql`alter table test_child add constraint test_child_name check (name <> 'Boom')`.execute(handle.db)
    try {
      const error = await run(
        jsonl(
          { kind: 'test-household', ref: 'H-1', name: 'x' },
          { kind: 'test-child', ref: 'C-1', name: 'Fine', born: '2012-01-01', household: 'H-1' },
          { kind: 'test-child', ref: 'C-2', name: 'Boom', born: '2012-01-01', household: 'H-1' },
        ),
        'tester',
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(Error)
      expect(await count('test_household')).toBe(0)
      expect(await count('test_child')).toBe(0)
    } finally {
      await sql`alter table test_child drop constraint test_child_name`.execute(handle.db)
    }
  })

  // Property: random valid batches import whole; the same batches with one line corrupted are rejected whole.
  // The real kinds have the same property in real-kinds.test.ts.
  const seed = propertySeed()
  it(`imports random valid batches and rejects every corrupted one whole ${seedNote(seed)}`, async () => {
    const random = seededRandom(seed)
    const corruptions: ((r: Record<string, unknown>) => Record<string, unknown>)[] = [
      (r) => ({ ...r, kind: 'nope' }),
      (r) => ({ ...r, ref: '' }),
      (r) => (r.kind === 'test-child' ? { ...r, born: '31/12/2012' } : { ...r, name: 42 }),
      (r) => (r.kind === 'test-child' ? { ...r, household: 'H-missing' } : { ...r, extra: true }),
    ]
    for (let round = 0; round < 15; round++) {
      await sql`truncate test_child, test_household`.execute(handle.db)
      const households = 1 + Math.floor(random() * 4)
      const records: Record<string, unknown>[] = []
      for (let h = 0; h < households; h++)
        records.push({ kind: 'test-household', ref: `H-${round}-${h}`, name: `House ${h}` })
      const children = Math.floor(random() * 8)
      for (let c = 0; c < children; c++) {
        const month = String(1 + Math.floor(random() * 12)).padStart(2, '0')
        records.push({
          kind: 'test-child',
          ref: `C-${round}-${c}`,
          name: `Child ${c}`,
          born: `2010-${month}-01`,
          household: `H-${round}-${Math.floor(random() * households)}`,
        })
      }
      records.sort(() => random() - 0.5)
      await run(jsonl(...records), 'tester')
      expect(await count('test_household')).toBe(households)
      expect(await count('test_child')).toBe(children)

      await sql`truncate test_child, test_household`.execute(handle.db)
      const victim = Math.floor(random() * records.length)
      const corrupt = corruptions[Math.floor(random() * corruptions.length)] as (
        r: Record<string, unknown>,
      ) => Record<string, unknown>
      const bad = records.map((r, i) => (i === victim ? corrupt(r) : r))
      const error = await run(jsonl(...bad), 'tester').catch((e: unknown) => e)
      expect(error, `round ${round} ${seedNote(seed)}`).toBeInstanceOf(ImportRejected)
      expect((error as ImportRejected).errors.some((e) => e.line === victim + 1)).toBe(true)
      expect(await count('test_household')).toBe(0)
      expect(await count('test_child')).toBe(0)
    }
  })
})
