import { sql } from 'kysely'
import type { KindOfRecord } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { detentionKind } from '../../custody/access.ts'
import { investigationKind } from '../../investigations/access.ts'
import { episodeKind } from '../../missing/access.ts'
import { rsoKind } from '../../offenders/access.ts'
import { onlineCaseKind } from '../../online/access.ts'
import { pacKind } from '../../referrals/access.ts'

/*
 * Where an audited record lies and which team owns it, read through the place each module declares for its
 * records to the need-to-know kernel (its borough column and owning team column), never its tables' other
 * columns: an audit is seen by whoever may see the case, and referred back to the case's team.
 */

// biome-ignore lint/suspicious/noExplicitAny: kinds of every row shape; only their declared columns are read.
const declared: Record<string, KindOfRecord<any>> = {
  pac: pacKind,
  investigation: investigationKind,
  rso: rsoKind,
  'custody-detention': detentionKind,
  'online-case': onlineCaseKind,
  'missing-episode': episodeKind,
}

export interface RecordPlace {
  boroughId: string | null
  teamId: string | null
}

/** The borough and owning team of records of one kind, by id; a kind with no declared place gives none. */
export async function placesOf(
  q: Executor,
  kind: string,
  ids: readonly string[],
): Promise<Map<string, RecordPlace>> {
  const found = declared[kind]
  if (!found || ids.length === 0) return new Map()
  const borough = found.columns.borough
  const table = borough.slice(0, borough.indexOf('.'))
  const team = found.columns.teams?.[0]
  const rows = await sql<{ id: string; borough_id: string | null; team_id: string | null }>`
    select ${sql.ref(`${table}.id`)} as id, ${sql.ref(borough)} as borough_id,
      ${team ? sql.ref(team) : sql`null::uuid`} as team_id
    from ${sql.table(table)} where ${sql.ref(`${table}.id`)} = any(${[...ids]}::uuid[])`.execute(q)
  return new Map(rows.rows.map((r) => [r.id, { boroughId: r.borough_id, teamId: r.team_id }]))
}
