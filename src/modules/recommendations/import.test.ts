import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImportRejected } from '../../platform/import/importer.ts'
import { recommendationsFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof recommendationsFixture>>
let fx: Fixture

beforeAll(async () => {
  fx = await recommendationsFixture('2019-06-01T12:00:00Z')
})
afterAll(() => fx?.kestrel.close())

const jsonl = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')
const run = (...lines: object[]) => fx.kestrel.services.imports.run(jsonl(...lines), 'test.import')

const plan = (over: object = {}) => ({
  kind: 'recommendation-action',
  ref: 'PLAN-7',
  recommendation: 'R2018-02',
  title: 'Triage kits for non-specialist officers',
  owner: 'S9001',
  agreedOn: '2018-11-20',
  milestones: [
    {
      title: 'Kits bought',
      dueOn: '2019-01-31',
      evidence: [{ kind: 'document', reference: 'PROC/2019/01', evidenceOn: '2019-01-28' }],
    },
    { title: 'Every BCU trained', dueOn: '2019-04-30' },
  ],
  ...over,
})

async function rec01(ref: string) {
  const rec = await fx.byRef(ref)
  const rows = await fx.kestrel.services.db
    .selectFrom('finding')
    .select(['obligation_key', 'status', 'detail'])
    .where('rule_id', '=', 'REC-01')
    .where('subject_id', '=', rec.id)
    .execute()
  return rows
    .filter((r) => r.obligation_key.startsWith('milestone:'))
    .map((r) => `${r.detail.match(/“([^”]+)”/)?.[1]} ${r.status}`)
    .sort()
}

async function rejection(...lines: object[]) {
  const error = await run(...lines).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(ImportRejected)
  return (error as ImportRejected).errors.map((e) => `line ${e.line} ${e.field}: ${e.reason}`)
}

describe('the recommendation-action import kind', () => {
  it('loads a plan as it happened, and REC-01 judges its milestones from their own dates', async () => {
    await run(plan())
    // The kit milestone had evidence before its day; the training one is a month past with none.
    expect(await rec01('R2018-02')).toEqual(['Every BCU trained breached', 'Kits bought met'])
    const [action] = await fx.kestrel.services.db
      .selectFrom('recommendation_action')
      .select(['created_at', 'status'])
      .where('ref', '=', 'PLAN-7')
      .execute()
    expect(action?.created_at.toISOString()).toBe('2018-11-20T12:00:00.000Z')
    expect(action?.status).toBe('in_progress')
  })

  it('adds what is new when a reference comes again, and completes the action with its evidence', async () => {
    const later = plan({
      milestones: [
        { title: 'Every BCU trained', dueOn: '2019-04-30' },
        { title: 'Training evaluated', dueOn: '2019-05-31' },
      ],
      evidence: [{ kind: 'measure', reference: 'standards.findings-breached', evidenceOn: '2019-05-20' }],
      completedOn: '2019-05-20',
    })
    await run(later)
    const db = fx.kestrel.services.db
    const [action] = await db
      .selectFrom('recommendation_action')
      .select(['id', 'status', 'version'])
      .where('ref', '=', 'PLAN-7')
      .execute()
    expect(action).toMatchObject({ status: 'complete', version: 2 })
    const milestones = await db
      .selectFrom('recommendation_milestone')
      .select('title')
      .where('action_id', '=', action?.id as string)
      .execute()
    expect(milestones.map((m) => m.title).sort()).toEqual([
      'Every BCU trained',
      'Kits bought',
      'Training evaluated',
    ])
    // Completing the action meets the milestones that had no evidence of their own, on the day it was done.
    expect(await rec01('R2018-02')).toEqual([
      'Every BCU trained met_late',
      'Kits bought met',
      'Training evaluated met',
    ])
  })

  it('refuses the whole batch, naming the line and field, and writes nothing', async () => {
    const before = await fx.kestrel.services.db
      .selectFrom('recommendation_action')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(
      await rejection(
        plan({ ref: 'PLAN-8' }),
        plan({ ref: 'PLAN-9', recommendation: 'R2018-09' }),
        plan({ ref: 'PLAN-10', milestones: [{ title: 'Too early', dueOn: '2018-01-01' }] }),
        plan({ ref: 'PLAN-11', completedOn: '2019-01-01', milestones: [] }),
        plan({
          ref: 'PLAN-12',
          evidence: [{ kind: 'measure', reference: 'no.such-measure', evidenceOn: '2019-01-01' }],
        }),
        plan({ ref: 'PLAN-13', agreedOn: '2019-07-01' }),
      ),
    ).toEqual([
      'line 2 recommendation: No recommendation R2018-09',
      'line 3 milestones.0.dueOn: The milestone’s date is before R2018-02 was made (2018-10-31)',
      'line 4 completedOn: An action is complete only with evidence dated on or before the day it was completed',
      'line 5 evidence.0.reference: No measure no.such-measure on the dashboard',
      'line 6 agreedOn: The day it was agreed is in the future',
    ])
    const after = await fx.kestrel.services.db
      .selectFrom('recommendation_action')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })
})
