import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase, testDatabaseKind } from '../../../test/database.ts'
import { fixedClock } from '../clock.ts'
import { ConflictError, NotFoundError } from '../http/errors.ts'
import type { DatabaseHandle } from './database.ts'
import { changedFields, type HistoryService, historyService, recordMany } from './history.ts'

const admin = { id: 'admin-1' }
const supervisor = { id: 'supervisor-1' }

describe('changed fields', () => {
  it('lists only the named fields whose values differ, as [before, after]', () => {
    const at = new Date('2018-08-01T09:00:00Z')
    expect(
      changedFields(
        { name: 'A', roles: ['officer'], seen: at, note: null, version: 1 },
        { name: 'B', roles: ['officer'], seen: new Date(at), note: undefined, version: 2 },
        ['name', 'roles', 'seen', 'note', 'version'],
      ),
    ).toEqual({ name: ['A', 'B'] })
    expect(changedFields({ roles: ['officer'] }, { roles: ['officer', 'admin'] }, ['roles'])).toEqual({
      roles: [['officer'], ['officer', 'admin']],
    })
  })
})

describe('record history and optimistic locking', () => {
  let handle: DatabaseHandle
  let history: HistoryService
  const clock = fixedClock('2018-08-01T09:00:00Z')
  beforeAll(async () => {
    handle = await testDatabase()
    history = historyService(handle.db, clock)
  })
  afterAll(() => handle.close())

  async function newUser(username: string) {
    return history.insertRecord(
      handle.db,
      'app_user',
      { username, display_name: 'Alex Officer', roles: ['officer'] },
      admin,
    )
  }

  it('creates a record at version 1 and records what it was created with', async () => {
    const user = await newUser('alex.create')
    expect(user.version).toBe(1)
    const [created] = await history.historyFor('app_user', user.id)
    expect(created).toMatchObject({ version: 1, action: 'create', changedBy: 'admin-1' })
    expect(created?.changedAt.toISOString()).toBe('2018-08-01T09:00:00.000Z')
    expect(created?.changes).toMatchObject({ username: [null, 'alex.create'], roles: [null, ['officer']] })
  })

  it('updates from the current version, bumps it and records only the fields that changed', async () => {
    const user = await newUser('alex.update')
    clock.advance(60_000)
    const updated = await history.updateRecord(
      handle.db,
      'app_user',
      user.id,
      1,
      { display_name: 'Alex Sergeant', roles: ['officer'], email: null },
      supervisor,
    )
    expect(updated).toMatchObject({ version: 2, display_name: 'Alex Sergeant' })
    const entries = await history.historyFor('app_user', user.id)
    expect(entries.map((e) => [e.version, e.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
    ])
    expect(entries[1]).toMatchObject({
      changedBy: 'supervisor-1',
      changes: { display_name: ['Alex Officer', 'Alex Sergeant'] },
    })
    expect(entries[1]?.changedAt.toISOString()).toBe('2018-08-01T09:01:00.000Z')
  })

  it('refuses a stale version with a conflict and changes nothing', async () => {
    const user = await newUser('alex.stale')
    await history.updateRecord(handle.db, 'app_user', user.id, 1, { display_name: 'First' }, admin)
    const stale = history.updateRecord(handle.db, 'app_user', user.id, 1, { display_name: 'Second' }, admin)
    await expect(stale).rejects.toBeInstanceOf(ConflictError)
    await expect(stale).rejects.toMatchObject({ statusCode: 409 })
    const row = await handle.db
      .selectFrom('app_user')
      .select(['display_name', 'version'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ display_name: 'First', version: 2 })
    expect(await history.historyFor('app_user', user.id)).toHaveLength(2)
  })

  it('answers not found for a record that does not exist', async () => {
    const missing = history.updateRecord(
      handle.db,
      'app_user',
      '00000000-0000-4000-8000-000000000000',
      1,
      { display_name: 'Nobody' },
      admin,
    )
    await expect(missing).rejects.toBeInstanceOf(NotFoundError)
  })

  it('writes nothing when the surrounding transaction fails', async () => {
    const user = await newUser('alex.rollback')
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await history.updateRecord(trx, 'app_user', user.id, 1, { display_name: 'Lost' }, admin)
        throw new Error('later step failed')
      }),
    ).rejects.toThrow('later step failed')
    const row = await handle.db
      .selectFrom('app_user')
      .select(['display_name', 'version'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ display_name: 'Alex Officer', version: 1 })
    expect(await history.historyFor('app_user', user.id)).toHaveLength(1)
  })

  it('deletes from the current version and keeps the last values in the history', async () => {
    const user = await newUser('alex.delete')
    await expect(history.deleteRecord(handle.db, 'app_user', user.id, 2, admin)).rejects.toBeInstanceOf(
      ConflictError,
    )
    await history.deleteRecord(handle.db, 'app_user', user.id, 1, admin)
    const entries = await history.historyFor('app_user', user.id)
    expect(entries.at(-1)).toMatchObject({
      version: 2,
      action: 'delete',
      changes: { username: ['alex.delete', null] },
    })
  })

  it.runIf(testDatabaseKind() === 'postgres')(
    'lets exactly one of two concurrent edits from the same version win',
    async () => {
      for (let round = 0; round < 5; round++) {
        const user = await newUser(`alex.race${round}`)
        const outcomes = await Promise.allSettled([
          history.updateRecord(handle.db, 'app_user', user.id, 1, { display_name: 'Edit A' }, admin),
          history.updateRecord(handle.db, 'app_user', user.id, 1, { display_name: 'Edit B' }, supervisor),
        ])
        const won = outcomes.filter((o) => o.status === 'fulfilled')
        const lost = outcomes.filter((o) => o.status === 'rejected')
        expect(won).toHaveLength(1)
        expect(lost).toHaveLength(1)
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError)
        const winner = (won[0] as PromiseFulfilledResult<{ display_name: string }>).value.display_name
        const row = await handle.db
          .selectFrom('app_user')
          .select(['display_name', 'version'])
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow()
        expect(row).toEqual({ display_name: winner, version: 2 })
        const entries = await history.historyFor('app_user', user.id)
        expect(entries.map((e) => e.version)).toEqual([1, 2])
        expect(entries[1]?.changes).toEqual({ display_name: ['Alex Officer', winner] })
      }
    },
  )

  describe('recordMany', () => {
    const at = new Date('2018-08-02T10:00:00Z')
    const row = (id: string, version: number, action: 'create' | 'update' | 'delete' = 'update') => ({
      table: 'app_user',
      id,
      version,
      action,
      changedBy: 'system:import',
      changedAt: at,
      changes: { display_name: ['Old', `New ${version}`] as [unknown, unknown] },
    })

    it('writes nothing for no rows', async () => {
      const before = await handle.db
        .selectFrom('change_history')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
      await recordMany(handle.db, [])
      const after = await handle.db
        .selectFrom('change_history')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
      expect(Number(after.n)).toBe(Number(before.n))
    })

    it('records each row as historyFor reads it back, in order', async () => {
      const user = await newUser('alex.many')
      await recordMany(handle.db, [row(user.id, 2), row(user.id, 3, 'delete')])
      const entries = await history.historyFor('app_user', user.id)
      expect(entries.slice(1)).toEqual([
        {
          version: 2,
          action: 'update',
          changedBy: 'system:import',
          changedAt: at,
          changes: { display_name: ['Old', 'New 2'] },
        },
        {
          version: 3,
          action: 'delete',
          changedBy: 'system:import',
          changedAt: at,
          changes: { display_name: ['Old', 'New 3'] },
        },
      ])
    })

    it('writes more rows than one insert holds', async () => {
      const user = await newUser('alex.bulk')
      const rows = Array.from({ length: 2_345 }, (_, i) => row(user.id, i + 2))
      await recordMany(handle.db, rows)
      const entries = await history.historyFor('app_user', user.id)
      expect(entries).toHaveLength(2_346)
      expect(entries.at(-1)?.version).toBe(2_346)
    })

    it("is on the service too, and writes in the caller's transaction", async () => {
      const user = await newUser('alex.many-rollback')
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await history.recordMany(trx, [row(user.id, 2)])
          expect(
            await trx
              .selectFrom('change_history')
              .select('version')
              .where('record_id', '=', user.id)
              .execute(),
          ).toHaveLength(2)
          throw new Error('later step failed')
        }),
      ).rejects.toThrow('later step failed')
      expect(await history.historyFor('app_user', user.id)).toHaveLength(1)
    })
  })
})
