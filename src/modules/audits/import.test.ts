import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImportRejected } from '../../platform/import/importer.ts'
import { caseTypes } from './case-types.ts'
import { auditsFixture, inspectionAudits, jsonl, reportFigureOne } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof auditsFixture>>
let fx: Fixture

beforeAll(async () => {
  fx = await auditsFixture()
})
afterAll(() => fx?.kestrel.close())

const countAudits = async () =>
  Number(
    (
      await fx.kestrel.services.db
        .selectFrom('audit')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

async function rejection(text: string) {
  try {
    await fx.kestrel.services.imports.run(text, 'tester')
  } catch (error) {
    if (error instanceof ImportRejected) return error.errors
    throw error
  }
  throw new Error('the batch was accepted')
}

const line = (extra: Record<string, unknown> = {}) => ({
  kind: 'audit',
  ref: 'AUD-BAD-1',
  caseType: 'missing',
  caseReference: 'CASE-X',
  auditor: 'DS Auditor',
  auditedOn: '2018-08-01',
  grade: 'good',
  ...extra,
})

describe('importing audits', () => {
  it('refuses bad lines naming the line and field, and writes nothing', async () => {
    const before = await countAudits()
    const errors = await rejection(
      jsonl(
        line({ ref: 'AUD-OK-1' }),
        line({ ref: 'AUD-BAD-2', grade: 'outstanding' }),
        line({
          ref: 'AUD-BAD-3',
          referredBack: true,
          referredOn: '2018-08-05',
          response: { text: 'Done', on: '2018-08-04' },
        }),
      ),
    )
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'grade'],
      [3, 'response.on'],
    ])
    expect(errors[0]?.reason).toContain('good, requires_improvement, inadequate')
    expect(await countAudits()).toBe(before)
  })

  it('refuses an audit of a record that does not exist, naming the field', async () => {
    const errors = await rejection(
      jsonl(
        line({
          caseReference: undefined,
          caseType: 'missing',
          record: { kind: 'missing-episode', ref: 'NO-SUCH' },
        }),
      ),
    )
    expect(errors).toEqual([expect.objectContaining({ line: 1, field: 'record.ref' })])
  })

  it('refuses an audit in the future and a record of the wrong kind for its case type', async () => {
    expect(await rejection(jsonl(line({ auditedOn: '2018-09-02' })))).toEqual([
      expect.objectContaining({ line: 1, field: 'auditedOn' }),
    ])
    // A learning point dated ahead would be owed by the clock alone (AUD-02 is swept by its due times).
    const ahead = { theme: 'supervision', text: 'Reviews late', recordedOn: '2018-09-02' }
    expect(await rejection(jsonl(line({ learning: [ahead] })))).toEqual([
      expect.objectContaining({
        line: 1,
        field: 'learning.0.recordedOn',
        reason: 'must not be in the future',
      }),
    ])
    expect(await rejection(jsonl(line({ record: { kind: 'pac', ref: 'X' } })))).toEqual([
      expect.objectContaining({ line: 1, field: 'record.kind' }),
    ])
  })

  it('the inspectors’ 303 audits give Figure 1 of the report (acceptance)', async () => {
    const lines = inspectionAudits()
    expect(lines).toHaveLength(303)
    await fx.kestrel.services.imports.run(jsonl(...lines), 'tester')
    // Imported again: the same 303, replaced by ref, not doubled.
    await fx.kestrel.services.imports.run(jsonl(...lines), 'tester')
    const figure = await fx.kestrel.services.audits.figure(fx.auditor, {
      from: '2018-08-07',
      to: '2018-08-07',
    })
    for (const row of figure.rows) {
      const [good, ri, inadequate] = reportFigureOne[row.caseType as (typeof caseTypes)[number]]
      expect([
        row.grades.good.count,
        row.grades.requires_improvement.count,
        row.grades.inadequate.count,
      ]).toEqual([good, ri, inadequate])
      expect(row.total).toBe(good + ri + inadequate)
    }
    expect(figure.rows.map((r) => r.caseType)).toEqual([...caseTypes])
    const { total } = figure
    expect(total.total).toBe(303)
    expect(total.grades.good).toEqual({ count: 93, percent: 31 })
    expect(total.grades.requires_improvement).toEqual({ count: 127, percent: 42 })
    expect(total.grades.inadequate).toEqual({ count: 83, percent: 27 })
    expect(total.referredBack.percent).toBe(17)
    // 210 (69 percent) either required improvement or were inadequate, as the report adds them up.
    expect(Math.round(((127 + 83) * 100) / total.total)).toBe(69)
    // Two imports of 303 audits, each line's case and criteria checked: about 25 s on a loaded 2-core machine.
  }, 120_000)
})

describe('the audits’ measures', () => {
  it('give the report’s shares for the inspection’s audits, and no value where there are none', async () => {
    const measure = (id: string) => fx.kestrel.services.measures.get(id)
    const scope = {
      from: new Date('2018-08-01T00:00:00Z'),
      until: new Date('2018-09-01T00:00:00Z'),
      boroughIds: null,
    }
    const db = fx.kestrel.services.db
    const good = await measure('audits.graded-good')?.take(db, scope)
    expect(good?.over).toBe(303)
    expect(Math.round((good?.value ?? 0) * 100)).toBe(31)
    expect(Math.round(((await measure('audits.graded-inadequate')?.take(db, scope))?.value ?? 0) * 100)).toBe(
      27,
    )
    expect(Math.round(((await measure('audits.referred-back')?.take(db, scope))?.value ?? 0) * 100)).toBe(17)
    expect(await measure('audits.graded-good')?.take(db, { ...scope, boroughIds: [] })).toEqual({
      value: null,
      over: 0,
    })
  })
})
