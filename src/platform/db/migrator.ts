import { type Kysely, sql } from 'kysely'
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration'
import type { Database } from './database.ts'

/** A migration is a name that sorts into place and the SQL (or code) that moves the schema forward. */
export interface KestrelMigration {
  name: string
  up(db: Kysely<unknown>): Promise<void>
}

/** Plain SQL migrations read best: one script, its statements executed in order in the migration's transaction. */
export function sqlMigration(name: string, script: string): KestrelMigration {
  return {
    name,
    async up(db) {
      for (const statement of splitStatements(script)) await sql.raw(statement).execute(db)
    },
  }
}

/**
 * Splits a SQL script on top-level semicolons. PGlite runs one statement per prepared query, so a script
 * is sent statement by statement; quotes, dollar-quoted bodies and comments are respected.
 */
export function splitStatements(script: string): string[] {
  const statements: string[] = []
  let current = ''
  let i = 0
  while (i < script.length) {
    const rest = script.slice(i)
    const dollar = /^\$[A-Za-z_]*\$/.exec(rest)
    if (rest.startsWith('--')) {
      const end = script.indexOf('\n', i)
      i = end === -1 ? script.length : end + 1
      continue
    }
    if (dollar) {
      const tag = dollar[0]
      const end = script.indexOf(tag, i + tag.length)
      if (end === -1) throw new Error(`Unterminated ${tag} block in migration`)
      current += script.slice(i, end + tag.length)
      i = end + tag.length
      continue
    }
    const ch = script[i] as string
    if (ch === "'" || ch === '"') {
      let end = i + 1
      while (end < script.length && !(script[end] === ch && script[end + 1] !== ch))
        end += script[end] === ch ? 2 : 1
      current += script.slice(i, end + 1)
      i = end + 1
      continue
    }
    if (ch === ';') {
      if (current.trim()) statements.push(current.trim())
      current = ''
    } else {
      current += ch
    }
    i++
  }
  if (current.trim()) statements.push(current.trim())
  return statements
}

class ListProvider implements MigrationProvider {
  constructor(private readonly list: KestrelMigration[]) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const byName: Record<string, Migration> = {}
    for (const migration of this.list) {
      if (byName[migration.name]) throw new Error(`Duplicate migration name ${migration.name}`)
      byName[migration.name] = { up: (db) => migration.up(db) }
    }
    return byName
  }
}

export interface MigrationOutcome {
  applied: string[]
}

export async function migrateToLatest(db: Database, list: KestrelMigration[]): Promise<MigrationOutcome> {
  const migrator = new Migrator({
    // Migrations see an untyped database: they run before the types of what they create exist.
    db: db as unknown as Kysely<unknown>,
    provider: new ListProvider(list),
    migrationTableName: 'kestrel_migration',
    migrationLockTableName: 'kestrel_migration_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message}`)
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}
