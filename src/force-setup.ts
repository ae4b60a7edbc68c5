import { modules } from './modules.ts'
import type { Database } from './platform/db/database.ts'

/**
 * Sets up what a force's database holds from its first start (each module's setUp, in root-list order), as
 * migrate, serve, import and seed do after migrating: what each wrote, in a sentence; none when all was there.
 */
export async function setUpForce(db: Database): Promise<string[]> {
  const done: string[] = []
  for (const module of modules) {
    const said = await module.setUp?.(db)
    if (said) done.push(said)
  }
  return done
}
