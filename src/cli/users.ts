import os from 'node:os'
import { parseArgs } from 'node:util'
import { openMigratedDatabase } from '../kestrel.ts'
import { roles } from '../platform/access/roles.ts'
import { accountService } from '../platform/auth/accounts.ts'
import { maximumPasswordLength, minimumPasswordLength } from '../platform/auth/password-policy.ts'
import { signInAttempts } from '../platform/auth/sign-in-attempts.ts'
import { systemClock } from '../platform/clock.ts'
import { HttpError, ValidationError } from '../platform/http/errors.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

async function readAllStdin(): Promise<string> {
  let text = ''
  process.stdin.setEncoding('utf8')
  for await (const chunk of process.stdin) text += chunk
  return text
}

/** The password piped in, without the line ending `echo` or a password manager adds. */
function passwordFrom(input: string): string {
  return input.replace(/\r?\n$/, '')
}

const help = `Usage:
  kestrel users add USERNAME --name "Display Name" --role ROLE [--role ROLE ...]
                    [--staff STAFF_ID] [--email EMAIL] [--password-stdin]
  kestrel users list
  kestrel users reset-password USERNAME [--password-stdin]

add             creates a local account and prints its generated password once. With --password-stdin
                the password is read from standard input instead (${minimumPasswordLength} to ${maximumPasswordLength} characters, not a
                common password, not containing the username).
list            shows every account: username, name, roles, status.
reset-password  gives an account a new password (generated, or from standard input), clears its wrong
                passwords and signs the person out everywhere.
Roles: ${roles.join(', ')}.`

/** `kestrel users`; standard input is injectable so tests can pipe a password. */
export function usersCommandWith(readStdin: () => Promise<string>): Command {
  return {
    name: 'users',
    summary: 'Create, list and reset local user accounts',
    help,
    async run(args, config) {
      const [action, ...rest] = args
      if (action !== 'add' && action !== 'list' && action !== 'reset-password') {
        throw new UsageError('expected "users add", "users list" or "users reset-password"')
      }
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          name: { type: 'string' },
          role: { type: 'string', multiple: true },
          staff: { type: 'string' },
          email: { type: 'string' },
          'password-stdin': { type: 'boolean', default: false },
        },
      })
      if (action !== 'list' && positionals.length !== 1) {
        throw new UsageError(`expected "users ${action} USERNAME"`)
      }
      if (action === 'add' && !values.name)
        throw new UsageError('--name is required, for example --name "Jo Bloggs"')
      if (action === 'add' && !values.role?.length) {
        throw new UsageError(`at least one --role is required. Roles are: ${roles.join(', ')}`)
      }
      const chosen = values['password-stdin'] ? passwordFrom(await readStdin()) : undefined
      const username = positionals[0] ?? ''
      const actor = `cli:${os.userInfo().username}`

      const { handle } = await openMigratedDatabase(config())
      try {
        const accounts = accountService(handle.db, systemClock)
        if (action === 'list') {
          const slowed = await signInAttempts(handle.db, systemClock).slowedAccounts()
          for (const a of await accounts.list()) {
            const status = !a.active ? 'inactive' : slowed.has(a.username) ? 'sign-in slowed' : 'active'
            console.log([a.username, a.displayName, a.roles.join(','), status].join('\t'))
          }
          return 0
        }
        if (action === 'add') {
          const { account, password } = await accounts.create(
            {
              username,
              displayName: values.name ?? '',
              roles: values.role ?? [],
              staffId: values.staff ?? null,
              email: values.email ?? null,
              ...(chosen !== undefined ? { password: chosen } : {}),
            },
            actor,
          )
          console.log(
            `Created account ${account.username} (${account.displayName}): ${account.roles.join(', ')}.`,
          )
          if (chosen === undefined) {
            console.log('Password, shown only this once:')
            console.log(password)
          }
          return 0
        }
        const account = await accounts.findByUsername(username)
        if (!account) {
          console.error(`kestrel users: no account with the username ${username}`)
          return 1
        }
        const { password } = await accounts.resetPassword(account.id, undefined, actor, chosen)
        console.log(`Reset the password of ${account.username}; every session of theirs has ended.`)
        if (chosen === undefined) {
          console.log('New password, shown only this once:')
          console.log(password)
        }
        return 0
      } catch (error) {
        if (error instanceof ValidationError) {
          for (const e of error.errors) console.error(`kestrel users: ${e.field}: ${e.reason}`)
          return 1
        }
        if (error instanceof HttpError) {
          console.error(`kestrel users: ${error.message}`)
          return 1
        }
        throw error
      } finally {
        await handle.close()
      }
    },
  }
}

export const usersCommand = usersCommandWith(readAllStdin)
