import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/database.ts'
import type { DatabaseHandle } from './database.ts'

describe('database connection', () => {
  let handle: DatabaseHandle
  beforeAll(async () => {
    handle = await testDatabase()
  })
  afterAll(() => handle.close())

  it('gives the same shapes on both backends: dates as text, timestamps as Date, counts as numbers', async () => {
    const { rows } = await sql<{ day: unknown; at: unknown; n: unknown }>`
      select date '2019-02-01' as day, timestamptz '2019-02-01T09:00:00Z' as at, count(*) as n from (values (1), (2)) v(x)`.execute(
      handle.db,
    )
    expect(rows[0]).toEqual({ day: '2019-02-01', at: new Date('2019-02-01T09:00:00Z'), n: 2 })
  })

  it('runs concurrent transactions without one seeing or undoing the other', async () => {
    await sql`create table concurrency_probe (id int primary key, note text)`.execute(handle.db)
    const committed = handle.db.transaction().execute(async (trx) => {
      await sql`insert into concurrency_probe values (1, 'kept')`.execute(trx)
    })
    const rolledBack = handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into concurrency_probe values (2, 'undone')`.execute(trx)
        throw new Error('roll back')
      })
      .catch((e: Error) => e.message)
    const plain = sql`insert into concurrency_probe values (3, 'plain')`.execute(handle.db)
    await Promise.all([committed, rolledBack, plain])
    const { rows } = await sql<{ id: number }>`select id from concurrency_probe order by id`.execute(
      handle.db,
    )
    expect(rows.map((r) => r.id)).toEqual([1, 3])
  })
})

describe('the outer handle inside a transaction', () => {
  let handle: DatabaseHandle
  beforeAll(async () => {
    handle = await testDatabase()
  })
  afterAll(() => handle.close())

  it('fails at once, naming the call, instead of waiting for the session the transaction holds', async () => {
    const outcome = handle.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx)
      await sql`select 2`.execute(handle.db)
    })
    await expect(outcome).rejects.toThrow(/outer database handle inside a transaction \(.*database\.test\.ts/)
    // The transaction rolled back and released its session: the database still answers.
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db)
    expect(rows).toEqual([{ one: 1 }])
  })

  it('keeps the guard through chained settings, and leaves queries after the transaction alone', async () => {
    const outcome = handle.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async () => {
        await Promise.all([sql`select 1`.execute(handle.db)])
      })
    await expect(outcome).rejects.toThrow(/outer database handle/)
    await handle.db.transaction().execute(async (trx) => sql`select 1`.execute(trx))
    await expect(sql`select 1`.execute(handle.db)).resolves.toBeDefined()
  })
})
