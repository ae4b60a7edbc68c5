import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../test/database.ts'
import type { DatabaseHandle } from '../platform/db/database.ts'
import {
  breachedAtOf,
  breachedAtSql,
  type ObligationColumns,
  type ObligationState,
  type ObligationTimes,
  obligationState,
  obligationStateSql,
} from './finding-state.ts'

const at = (hh: number) => new Date(Date.UTC(2024, 2, 4, hh))

// Every combination of a start, a due time and a meeting around each as-of instant, including the edges
// (met at the due time exactly, asOf at the due time exactly, a meeting after asOf, no due time).
const starts = [8, 10]
const dues = [null, 9, 12]
const meetings = [null, 9, 12, 14]
const instants = [8, 9, 11, 12, 13, 15]

const cases: { asOf: Date; o: ObligationTimes }[] = instants.flatMap((asOf) =>
  starts.flatMap((s) =>
    dues.flatMap((d) =>
      meetings.map((m) => ({
        asOf: at(asOf),
        o: { startedAt: at(s), dueAt: d === null ? null : at(d), metAt: m === null ? null : at(m) },
      })),
    ),
  ),
)

const describeCase = ({ asOf, o }: (typeof cases)[number]) =>
  `started ${o.startedAt.getUTCHours()}, due ${o.dueAt?.getUTCHours() ?? '-'}, met ${
    o.metAt?.getUTCHours() ?? '-'
  }, as of ${asOf.getUTCHours()}`

interface Derived {
  state: ObligationState | null
  breachedAt: number | null
}

function inJavaScript({ asOf, o }: (typeof cases)[number]): Derived {
  const state = obligationState(o, asOf)
  return { state: state ?? null, breachedAt: state ? (breachedAtOf(o, state)?.getTime() ?? null) : null }
}

let handle: DatabaseHandle

beforeAll(async () => {
  handle = await testDatabase()
})
afterAll(async () => {
  await handle?.close()
})

async function inSql(asOf: Date, obligations: readonly ObligationTimes[]): Promise<Derived[]> {
  const json = JSON.stringify(
    obligations.map((o, n) => ({ n, started_at: o.startedAt, due_at: o.dueAt, met_at: o.metAt })),
  )
  const columns: ObligationColumns = {
    startedAt: sql.ref('o.started_at'),
    dueAt: sql.ref('o.due_at'),
    metAt: sql.ref('o.met_at'),
  }
  const { rows } = await sql<{ n: number; state: ObligationState | null; breached_at: Date | null }>`
    select o.n, o.state, ${breachedAtSql(columns, sql.ref('o.state'))} as breached_at
    from (select o.*, ${obligationStateSql(columns, asOf)} as state
      from jsonb_to_recordset(cast(${json} as jsonb))
        as o(n integer, started_at timestamptz, due_at timestamptz, met_at timestamptz)) as o
    order by o.n`.execute(handle.db)
  return rows.map((r) => ({
    state: r.state,
    breachedAt: r.breached_at ? new Date(r.breached_at).getTime() : null,
  }))
}

describe('the state of an obligation', () => {
  it('is derived the same in JavaScript and in SQL', async () => {
    expect(cases.length).toBe(144)
    const disagreements: string[] = []
    for (const asOf of instants.map(at)) {
      const here = cases.filter((c) => c.asOf.getTime() === asOf.getTime())
      const derived = await inSql(
        asOf,
        here.map((c) => c.o),
      )
      here.forEach((c, n) => {
        const js = inJavaScript(c)
        if (JSON.stringify(js) !== JSON.stringify(derived[n]))
          disagreements.push(
            `${describeCase(c)}: JavaScript ${JSON.stringify(js)}, SQL ${JSON.stringify(derived[n])}`,
          )
      })
    }
    expect(disagreements).toEqual([])
  })

  it('covers every state, and not started', () => {
    const seen = new Set(cases.map((c) => inJavaScript(c).state))
    expect([...seen].sort()).toEqual(['breached', 'due', 'met', 'met_late', null].sort())
  })
})
