import { type Role, roleLabels, roles } from '../access/roles.ts'
import type { DatabaseKind } from '../db/database.ts'
import type { AccountService } from './accounts.ts'

export interface FirstStartAccount {
  username: string
  displayName: string
  roles: Role[]
  password: string
}

/**
 * On the first start of an empty embedded database, an administrator and one demo account for each other
 * role, so a newcomer can see Kestrel through every role's eyes. Each password is generated and returned
 * to be printed once: there is no default password to leave in place. Does nothing if any account exists,
 * or on PostgreSQL, where accounts are made deliberately (`kestrel users add`) or come from OpenID Connect.
 * `staffByRole` links demo accounts to demo staff records once the organisation's demo data provides them.
 */
export async function createFirstStartAccounts(
  services: { accounts: AccountService; dbKind: DatabaseKind },
  staffByRole: Partial<Record<Role, string>> = {},
): Promise<FirstStartAccount[]> {
  if (services.dbKind !== 'pglite') return []
  if ((await services.accounts.count()) > 0) return []
  const wanted: { username: string; displayName: string; role: Role }[] = [
    { username: 'admin', displayName: 'Administrator', role: 'admin' },
    ...roles
      .filter((role) => role !== 'admin')
      .map((role) => ({ username: `demo.${role}`, displayName: `Demo: ${roleLabels[role]}`, role })),
  ]
  const created: FirstStartAccount[] = []
  for (const { username, displayName, role } of wanted) {
    const { account, password } = await services.accounts.create(
      { username, displayName, roles: [role], staffId: staffByRole[role] ?? null },
      'system:first-start',
    )
    created.push({
      username: account.username,
      displayName: account.displayName,
      roles: account.roles,
      password,
    })
  }
  return created
}

/** The accounts as a plain-text table for the terminal, widest column first to last. */
export function accountTable(accounts: readonly FirstStartAccount[]): string {
  const rows = [
    ['Username', 'Role', 'Password'],
    ...accounts.map((a) => [a.username, a.roles.map((r) => roleLabels[r]).join(', '), a.password]),
  ]
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  return [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join(
    '\n',
  )
}

/** What `kestrel serve --demo` prints after creating the first-start accounts. */
export function firstStartNotice(accounts: readonly FirstStartAccount[]): string {
  return [
    '',
    'First start: these accounts were created on the empty embedded database.',
    'Each password is shown only this once. Note the ones you need now; an administrator can reset them later.',
    '',
    accountTable(accounts),
    '',
  ].join('\n')
}
