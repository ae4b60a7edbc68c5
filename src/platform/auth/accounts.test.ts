import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { ConflictError } from '../http/errors.ts'

describe('account service', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel()
  })
  afterAll(() => kestrel.close())

  it('lets one of two concurrent edits of the same version win and refuses the other', async () => {
    const { account } = await kestrel.services.accounts.create(
      { username: 'race.case', displayName: 'Race Case', roles: ['officer'] },
      'test',
    )
    const results = await Promise.allSettled([
      kestrel.services.accounts.update(account.id, 1, { roles: ['supervisor'] }, 'editor-a'),
      kestrel.services.accounts.update(account.id, 1, { roles: ['mash'] }, 'editor-b'),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError)
    const after = await kestrel.services.accounts.get(account.id)
    expect(after.version).toBe(2)
    expect(after.roles).toEqual((won[0] as PromiseFulfilledResult<typeof after>).value.roles)
  })

  it('never records a password or its hash in the change history', async () => {
    const { account } = await kestrel.services.accounts.create(
      {
        username: 'history.check',
        displayName: 'History',
        roles: ['officer'],
        password: 'a secret passphrase',
      },
      'test',
    )
    await kestrel.services.accounts.resetPassword(account.id, 1, 'test', 'another secret passphrase')
    const rows = await kestrel.services.db
      .selectFrom('change_history')
      .select('changes')
      .where('record_id', '=', account.id)
      .execute()
    const text = JSON.stringify(rows)
    expect(text).not.toContain('secret')
    expect(text).not.toContain('argon2')
  })
})
