import os from 'node:os'
import { parseArgs } from 'node:util'
import { openMigratedDatabase } from '../kestrel.ts'
import { accessLogService } from '../platform/access/access-log.ts'
import { roles } from '../platform/access/roles.ts'
import { systemClock } from '../platform/clock.ts'
import { apiTokenService } from '../platform/http/api-tokens.ts'
import type { Command } from './command.ts'
import { UsageError } from './main.ts'

export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'Create, list and revoke API tokens for system clients',
  help: `Usage:
  kestrel tokens create NAME --role ROLE [--role ROLE ...] [--expires YYYY-MM-DD]
  kestrel tokens list
  kestrel tokens revoke ID

create  makes a token holding the given roles and prints it once: Kestrel keeps only its hash.
        --expires  the day (Europe/London) from which the token stops working.
list    shows every token's id, name, roles and status (never the token itself).
revoke  stops a token working at once.
Roles: ${roles.join(', ')}.
Creating and revoking are written to the access log under the operating-system user who ran them.`,
  async run(args, config) {
    const [action, ...rest] = args
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { role: { type: 'string', multiple: true }, expires: { type: 'string' } },
    })
    if (action !== 'create' && action !== 'list' && action !== 'revoke') {
      throw new UsageError('expected "tokens create", "tokens list" or "tokens revoke"')
    }
    if (action === 'revoke' && positionals.length !== 1) throw new UsageError('expected "tokens revoke ID"')
    if (action === 'create' && positionals.length !== 1) {
      throw new UsageError('expected "tokens create NAME --role ROLE" (quote a NAME with spaces)')
    }
    const { handle } = await openMigratedDatabase(config())
    try {
      const tokens = apiTokenService(handle.db, systemClock, accessLogService(handle.db, systemClock))
      const operator = os.userInfo().username
      const actor = { id: `cli:${operator}`, username: `cli:${operator}`, kind: 'cli' }
      if (action === 'list') {
        for (const token of await tokens.list()) {
          console.log(
            [
              token.id,
              token.name,
              token.roles.join(','),
              token.status,
              token.expiresAt?.toISOString() ?? '-',
            ].join('\t'),
          )
        }
        return 0
      }
      if (action === 'revoke') {
        await tokens.revoke(positionals[0] as string, actor)
        console.log(`Revoked API token ${positionals[0]}`)
        return 0
      }
      const checked = tokens.check({
        name: positionals[0],
        roles: values.role ?? [],
        expiresOn: values.expires,
      })
      if (!checked.request) {
        for (const error of checked.errors) console.error(`kestrel tokens: ${error.field}: ${error.reason}`)
        return 2
      }
      const created = await tokens.create(checked.request, actor)
      console.log(
        `Created API token ${created.id} for "${checked.request.name}" (${checked.request.roles.join(', ')}).`,
      )
      console.log('Copy it now; it will not be shown again:')
      console.log(created.token)
      return 0
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) {
        console.error(`kestrel tokens: ${(error as Error).message}`)
        return 1
      }
      throw error
    } finally {
      await handle.close()
    }
  },
}
