import { auditCommand } from './audit.ts'
import { backupCommand, restoreCommand } from './backup.ts'
import type { Command } from './command.ts'
import { hashsetsCliCommand } from './commands/hashsets.ts'
import { triageCliCommand } from './commands/triage.ts'
import { findingsCommand } from './findings.ts'
import { importCommand } from './import.ts'
import { migrateCommand } from './migrate.ts'
import { rulesCommand } from './rules.ts'
import { seedCommand } from './seed.ts'
import { serveCommand } from './serve.ts'
import { tokensCommand } from './tokens.ts'
import { usersCommand } from './users.ts'

/** Every kestrel subcommand, in the order help lists them. */
export const commands: Command[] = [
  serveCommand,
  migrateCommand,
  importCommand,
  seedCommand,
  auditCommand,
  backupCommand,
  restoreCommand,
  tokensCommand,
  usersCommand,
  rulesCommand,
  findingsCommand,
  triageCliCommand,
  hashsetsCliCommand,
]
