import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { testConfig } from '../../test/app.ts'
import { openMigratedDatabase } from '../kestrel.ts'
import { accountService } from '../platform/auth/accounts.ts'
import { systemClock } from '../platform/clock.ts'
import { main } from './main.ts'
import { usersCommandWith } from './users.ts'

describe('kestrel users', () => {
  let dataDir: string
  const config = () => testConfig({ KESTREL_DATA_DIR: dataDir })
  let stdin = ''
  const command = usersCommandWith(async () => stdin)

  /** Runs the command and returns its exit code and what it printed. */
  async function run(...args: string[]) {
    const out: string[] = []
    const err: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')))
    const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')))
    try {
      const code = await command.run(args, config)
      return { code, out: out.join('\n'), err: err.join('\n') }
    } finally {
      log.mockRestore()
      error.mockRestore()
    }
  }

  async function signIn(username: string, password: string) {
    const { handle } = await openMigratedDatabase(config())
    try {
      return await accountService(handle.db, systemClock).signIn(username, password)
    } finally {
      await handle.close()
    }
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-users-'))
    // Migrating a new embedded database is the slow part; do it once, under the hook's longer timeout.
    const { handle } = await openMigratedDatabase(config())
    await handle.close()
  })
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('adds an account and prints a generated password once', async () => {
    const result = await run(
      'add',
      'jo.bloggs',
      '--name',
      'Jo Bloggs',
      '--role',
      'admin',
      '--role',
      'supervisor',
    )
    expect(result.code).toBe(0)
    expect(result.out).toContain('Created account jo.bloggs (Jo Bloggs): supervisor, admin.')
    const password = result.out.split('\n').at(-1) ?? ''
    expect(password).toMatch(/^([a-z2-9]{4}-){5}[a-z2-9]{4}$/)
    expect(await signIn('jo.bloggs', password)).toMatchObject({ ok: true })
  })

  it('reads a chosen password from stdin and checks it against the policy', async () => {
    stdin = 'too-short\n'
    const weak = await run('add', 'sam.short', '--name', 'Sam', '--role', 'officer', '--password-stdin')
    expect(weak.code).toBe(1)
    expect(weak.err).toContain('password: Password must be 12 characters or more')

    stdin = 'a perfectly fine passphrase\n'
    const ok = await run(
      'add',
      'sam.short',
      '--name',
      'Sam',
      '--role',
      'officer',
      '--staff',
      '11111111-2222-4333-8444-555555555555',
      '--email',
      'sam@example.police.uk',
      '--password-stdin',
    )
    expect(ok.code).toBe(0)
    expect(ok.out).not.toContain('a perfectly fine passphrase')
    expect(await signIn('sam.short', 'a perfectly fine passphrase')).toMatchObject({ ok: true })
  })

  it('names unknown roles and duplicate usernames', async () => {
    const unknown = await run('add', 'new.person', '--name', 'New', '--role', 'wizard')
    expect(unknown.code).toBe(1)
    expect(unknown.err).toContain('roles: Unknown role "wizard". Roles are: officer, supervisor')
    const duplicate = await run('add', 'jo.bloggs', '--name', 'Jo Again', '--role', 'officer')
    expect(duplicate.code).toBe(1)
    expect(duplicate.err).toContain('An account with the username jo.bloggs already exists')
  })

  it('lists accounts and resets a password', async () => {
    const listing = await run('list')
    expect(listing.out.split('\n')).toEqual([
      'jo.bloggs\tJo Bloggs\tsupervisor,admin\tactive',
      'sam.short\tSam\tofficer\tactive',
    ])
    const reset = await run('reset-password', 'sam.short')
    expect(reset.code).toBe(0)
    const password = reset.out.split('\n').at(-1) ?? ''
    expect(await signIn('sam.short', 'a perfectly fine passphrase')).toMatchObject({ ok: false })
    expect(await signIn('sam.short', password)).toMatchObject({ ok: true })
    expect((await run('reset-password', 'nobody')).code).toBe(1)
  })

  it('explains its usage through the kestrel entry point', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      expect(await main(['users', 'add', 'no.name.given'])).toBe(2)
      expect(await main(['users', 'frobnicate'])).toBe(2)
      expect(err.mock.calls.flat().join('\n')).toContain('--name is required')
    } finally {
      err.mockRestore()
    }
  })
})
