import type { Executor } from '../../platform/db/database.ts'
import { boroughs, force } from '../organisation/service/areas.ts'
import type { Borough } from '../organisation/service.ts'

/**
 * Addresses name their borough ("Barking & Dagenham"); the person index keeps the organisation module's
 * borough id. The organisation service lists boroughs but has no look-up by name yet, so the matching is
 * here, over the service's list. It takes the executor because imports resolve names inside their own
 * transaction (on PGlite a query on the outer connection would wait for that transaction for ever).
 */

/** How people write a borough's name and how the organisation module spells it compare equal. */
export function normaliseBoroughName(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\b(london borough of|royal borough of|city of)\b/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/** Each name that names a borough, mapped to that borough's id; unknown names are left out. */
export function matchBoroughNames(
  boroughs: readonly Borough[],
  names: readonly string[],
): Map<string, string> {
  const byName = new Map(boroughs.map((b) => [normaliseBoroughName(b.name), b.id]))
  const found = new Map<string, string>()
  for (const name of names) {
    const id = byName.get(normaliseBoroughName(name))
    if (id) found.set(name, id)
  }
  return found
}

/** Every borough of the force, read through the organisation's reads on the given executor. */
export async function boroughsOf(executor: Executor): Promise<Borough[]> {
  try {
    return await boroughs(executor, (await force(executor)).id)
  } catch (error) {
    if (/No force is set up/.test((error as Error).message)) return []
    throw error
  }
}
