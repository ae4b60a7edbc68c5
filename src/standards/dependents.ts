import type { Database } from '../platform/db/database.ts'
import type { RuleRegistry } from './registry.ts'

/**
 * For rows of other tables (by table, their ids): by rule id, the subjects that each rule reading them
 * (`dependsOn`) maps them to, as the rows stand now. A rule reading two of the tables has both sets.
 */
export async function dependentSubjects(
  trx: Database,
  registry: RuleRegistry,
  changed: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, string[]>> {
  const byRule = new Map<string, Set<string>>()
  for (const [table, rowIds] of changed) {
    if (rowIds.length === 0) continue
    for (const rule of registry.dependingOn(table)) {
      const mapping = rule.dependsOn?.[table]
      if (!mapping) continue
      const { rows } = await mapping(rowIds).execute(trx)
      const subjects = byRule.get(rule.id) ?? new Set<string>()
      for (const r of rows) subjects.add(r.subject_id)
      byRule.set(rule.id, subjects)
    }
  }
  return new Map([...byRule].map(([id, subjects]) => [id, [...subjects]]))
}
