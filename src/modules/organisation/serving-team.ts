import { sql } from 'kysely'
import type { TeamKind } from './organisation.ts'

/**
 * The active team of a kind serving a record's place, as a SQL expression: the one in its borough, else its
 * BCU's, else the force-wide one. For findings a specialist team holds until someone takes them on (an
 * online case before allocation, audit learning not yet in a bulletin), so they are that team's work, not
 * nobody's. `borough` and `bcu` name the record's columns.
 */
export const servingTeam = (kind: TeamKind, borough: string, bcu: string) =>
  sql<string | null>`(select t.id from team t where t.kind = ${sql.lit(kind)} and t.active
    and (t.borough_id = ${sql.ref(borough)} or t.bcu_id = ${sql.ref(bcu)} or (t.borough_id is null and t.bcu_id is null))
    order by t.borough_id is null, t.bcu_id is null, t.name limit 1)`
