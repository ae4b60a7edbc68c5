import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { roles } from '../access/roles.ts'
import { accountTable, createFirstStartAccounts } from './first-start.ts'

describe('first-start accounts', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel()
  })
  afterAll(() => kestrel.close())

  it('creates an administrator and one demo account per role, once, each with its own password', async () => {
    const services = { accounts: kestrel.services.accounts, dbKind: 'pglite' as const }
    const staffId = '11111111-2222-4333-8444-555555555555'
    const created = await createFirstStartAccounts(services, { officer: staffId })
    expect(created.map((a) => a.username)).toEqual([
      'admin',
      ...roles.filter((r) => r !== 'admin').map((r) => `demo.${r}`),
    ])
    expect(created.find((a) => a.username === 'admin')?.roles).toEqual(['admin'])
    expect(created.find((a) => a.username === 'demo.partner')?.roles).toEqual(['partner'])
    const passwords = created.map((a) => a.password)
    expect(passwords.every((p) => p.length >= 12)).toBe(true)
    expect(new Set(passwords).size).toBe(passwords.length)
    expect((await kestrel.services.accounts.findByUsername('demo.officer'))?.staffId).toBe(staffId)
    for (const account of created.slice(0, 2)) {
      expect(await kestrel.services.accounts.signIn(account.username, account.password)).toMatchObject({
        ok: true,
      })
    }

    expect(await createFirstStartAccounts(services)).toEqual([])
    expect(await kestrel.services.accounts.count()).toBe(created.length)

    const table = accountTable(created)
    expect(table.split('\n')[0]).toMatch(/^Username\s+Role\s+Password$/)
    for (const account of created) expect(table).toContain(account.password)
  })

  it('does nothing on PostgreSQL', async () => {
    expect(
      await createFirstStartAccounts({ accounts: kestrel.services.accounts, dbKind: 'postgres' }),
    ).toEqual([])
  })
})
