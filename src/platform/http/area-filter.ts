import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../db/database.ts'

/** A choice of a GET form's select. */
export interface AreaFilterItem {
  value: string
  text: string
  selected?: boolean
}

/**
 * A list's filter by area (a borough, a BCU): the areas that have records in the list first, by name, then
 * the rest, each saying it has none. A force's lists seldom hold every one of its 32 boroughs (a demo of one
 * BCU holds three), and a person who picks one with nothing in it should know before, not after.
 */
export function areaFilterItems(
  areas: readonly { id: string; name: string }[],
  withRecords: ReadonlySet<string>,
  options: { any: string; selected?: string | undefined },
): AreaFilterItem[] {
  return [{ value: '', text: options.any }, ...areaItems(areas, withRecords, options)]
}

/**
 * The areas alone, ordered and marked as `areaFilterItems` orders them: for a select whose "any" choice is
 * drawn apart, or one of a grouped select's groups. `valueFor` makes the value a choice sends (the area's id
 * unless given); `selected` is compared with that value.
 */
export function areaItems(
  areas: readonly { id: string; name: string }[],
  withRecords: ReadonlySet<string>,
  options: { selected?: string | undefined; valueFor?: (id: string) => string } = {},
): AreaFilterItem[] {
  const valueFor = options.valueFor ?? ((id: string) => id)
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name)
  const item = (a: { id: string; name: string }, text: string): AreaFilterItem => ({
    value: valueFor(a.id),
    text,
    ...(valueFor(a.id) === options.selected ? { selected: true } : {}),
  })
  return [
    ...areas
      .filter((a) => withRecords.has(a.id))
      .sort(byName)
      .map((a) => item(a, a.name)),
    ...areas
      .filter((a) => !withRecords.has(a.id))
      .sort(byName)
      .map((a) => item(a, `${a.name} (no records)`)),
  ]
}

/** The BCUs holding a borough with records: a BCU's records are those of the boroughs it holds. */
export function bcusWithRecords(
  bcus: readonly { id: string; boroughIds: readonly string[] }[],
  boroughs: ReadonlySet<string>,
): Set<string> {
  return new Set(bcus.filter((b) => b.boroughIds.some((id) => boroughs.has(id))).map((b) => b.id))
}

/**
 * The boroughs a table has any row in (of those the condition keeps): one probe of the table's borough
 * index per borough, not a scan of the table. Which areas hold records is not a record, so nothing is logged.
 */
export async function boroughsWithRecords(
  db: Executor,
  table: string,
  where: RawBuilder<unknown> = sql`true`,
): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    select b.id from borough b
    where exists (select 1 from ${sql.table(table)} r where r.borough_id = b.id and ${where})`.execute(db)
  return new Set(rows.map((r) => r.id))
}
