import { sql } from 'kysely'
import type { Database } from '../platform/db/database.ts'
import { parametersAt } from './parameters.ts'
import type { AnyRule } from './rule.ts'

/*
 * How far the steady sweep has taken each rule by the clock (`rule_swept_to`). A rule with `clockInstants` is
 * swept by the records whose instants fall in the window from there to the sweep's instant, besides the
 * stored findings that fell due.
 */

/**
 * A write evaluates its records at the instant it runs and is seen by a sweep only once it commits: an
 * instant that passed while it was open, before a sweep that could not yet see it, is in no later window
 * unless windows reach back. Each window starts this long before the last sweep's instant, far longer than
 * a request's transaction; an import held open longer is put right by the nightly full check.
 */
export const windowOverlapMs = 15 * 60_000

/** Each rule's instant the steady sweep has taken it to, for those it has swept. */
export async function sweptTo(db: Database, ruleIds: readonly string[]): Promise<Map<string, Date>> {
  if (ruleIds.length === 0) return new Map()
  const { rows } = await sql<{ rule_id: string; swept_to: Date }>`
    select rule_id, swept_to from rule_swept_to where rule_id = any(${[...ruleIds]})`.execute(db)
  return new Map(rows.map((r) => [r.rule_id, r.swept_to]))
}

/**
 * Records that each rule's stored findings now account for the clock up to `asOf`. A rule derived whole
 * is as of asOf, even when asOf is behind what was recorded (a sweep at an earlier instant rewrote it); a
 * rule swept by a window never moves back.
 */
export async function markSweptTo(
  db: Database,
  asOf: Date,
  rules: { derivedWhole: readonly string[]; windowed: readonly string[] },
): Promise<void> {
  const row = (ids: readonly string[]) => sql`unnest(cast(${[...ids]} as text[]))`
  if (rules.derivedWhole.length)
    await sql`insert into rule_swept_to (rule_id, swept_to) select r, ${asOf} from ${row(rules.derivedWhole)} as r
      on conflict (rule_id) do update set swept_to = excluded.swept_to`.execute(db)
  if (rules.windowed.length)
    await sql`insert into rule_swept_to (rule_id, swept_to) select r, ${asOf} from ${row(rules.windowed)} as r
      on conflict (rule_id) do update set swept_to = greatest(rule_swept_to.swept_to, excluded.swept_to)`.execute(
      db,
    )
}

/** The records of `rule` whose clock instants fall in (from, to]; none when the window is empty. */
export async function clockSubjects(db: Database, rule: AnyRule, from: Date, to: Date): Promise<string[]> {
  if (!rule.clockInstants || from >= to) return []
  const params = await parametersAt(db, rule, to)
  const { rows } = await rule.clockInstants({ from, to, params }).execute(db)
  return rows.map((r) => r.subject_id)
}
