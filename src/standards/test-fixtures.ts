import type { Database } from '../platform/db/database.ts'

/**
 * A finding's version as its page writes it into the acknowledge and resolve forms, for a test posting to
 * `/findings/:id/...` as a browser would (none for a URL that names no finding).
 */
export async function findingFormVersion(db: Database, url: string): Promise<Record<string, string>> {
  const id = /^\/findings\/([0-9a-f-]{36})\//.exec(url)?.[1]
  const row = id
    ? await db.selectFrom('finding').select('version').where('id', '=', id).executeTakeFirst()
    : undefined
  return row ? { version: String(row.version) } : {}
}
