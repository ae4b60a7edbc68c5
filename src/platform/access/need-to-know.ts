import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Principal } from '../auth/principal.ts'
import { NotFoundError } from '../http/errors.ts'

/**
 * Need to know, decided in one place. A person sees a record when it lies in a borough of their area
 * today, or when it is theirs wherever it lies (they raised it, it is allocated to them or to their team,
 * their custody suite holds it). Force-wide roles see everything. A record's borough is the one stored on
 * it for its date (where the child lived, where the detention was); its area is the BCU that holds that
 * borough today, through the organisation module's effective-dated membership, which the principal's
 * `area.boroughIds` already resolves. So records follow their borough when it moves BCU.
 *
 * Every page, list, count, timeline, export and API answer asks `canSee` (one record in hand) or
 * `visibleWhere` (a query); no module decides scope any other way.
 */

/** The asker, as need to know sees them. */
export interface Reach {
  forceWide: boolean
  /** The boroughs of their area today; empty for a person with no area, who sees only their own records. */
  boroughIds: readonly string[]
  staffId: string | null
  userId: string | null
  /** Their teams (a custody suite is a team), for records owned by a team wherever they lie. */
  teamIds: readonly string[]
}

type Asker = Pick<Principal, 'area' | 'staffId' | 'id'> & { kind?: Principal['kind'] }

export function reachOf(principal: Asker): Reach {
  if (principal.area.forceWide)
    return { forceWide: true, boroughIds: [], staffId: principal.staffId, userId: principal.id, teamIds: [] }
  return {
    forceWide: false,
    boroughIds: principal.area.boroughIds,
    staffId: principal.staffId,
    // An API token is not a person: nothing is "its own" by the user id it carries.
    userId: principal.kind === 'token' ? null : principal.id,
    teamIds: principal.area.teamIds ?? [],
  }
}

type Id = string | null | undefined

/** Where one record lies, as its kind declares it. */
export interface Place {
  boroughId: Id
  /** Staff the record belongs to wherever it lies: who raised it, who it is allocated to. */
  staffIds?: readonly Id[]
  /** User accounts the record belongs to (a PAC raised by an account without a staff record). */
  userIds?: readonly Id[]
  /** Teams the record belongs to: the custody suite, the team a finding is assigned to. */
  teamIds?: readonly Id[]
}

function holds(wanted: readonly string[] | string | null, candidates: readonly Id[] | undefined): boolean {
  if (!candidates || wanted === null) return false
  return candidates.some((c) => (typeof wanted === 'string' ? c === wanted : c != null && wanted.includes(c)))
}

/** Is this record within the asker's need to know? */
export function canSee(reach: Reach, place: Place): boolean {
  if (reach.forceWide) return true
  if (place.boroughId && reach.boroughIds.includes(place.boroughId)) return true
  return (
    holds(reach.staffId, place.staffIds) ||
    holds(reach.userId, place.userIds) ||
    holds(reach.teamIds, place.teamIds)
  )
}

/** Refuses a record outside need to know as if it did not exist: its existence is not confirmed either. */
export function mustSee(reach: Reach, place: Place, notFound: string): void {
  if (!canSee(reach, place)) throw new NotFoundError(notFound)
}

/** The columns a record kind's SQL finds its place in (qualified names, `pac.borough_id`). */
export interface PlaceColumns {
  borough: string
  staff?: readonly string[]
  users?: readonly string[]
  teams?: readonly string[]
}

/** The same decision as `canSee`, as a condition on the record kind's columns. */
export function visibleWhere(reach: Reach, columns: PlaceColumns): RawBuilder<SqlBool> {
  if (reach.forceWide) return sql<SqlBool>`true`
  const parts: RawBuilder<SqlBool>[] = []
  if (reach.boroughIds.length)
    parts.push(sql<SqlBool>`${sql.ref(columns.borough)} = any(${[...reach.boroughIds]}::uuid[])`)
  if (reach.staffId !== null)
    for (const col of columns.staff ?? []) parts.push(sql<SqlBool>`${sql.ref(col)} = ${reach.staffId}::uuid`)
  // Account columns are text in some tables (`created_by` keeps a name for the command line's actors).
  if (reach.userId !== null)
    for (const col of columns.users ?? []) parts.push(sql<SqlBool>`${sql.ref(col)}::text = ${reach.userId}`)
  if (reach.teamIds.length)
    for (const col of columns.teams ?? [])
      parts.push(sql<SqlBool>`${sql.ref(col)} = any(${[...reach.teamIds]}::uuid[])`)
  if (!parts.length) return sql<SqlBool>`false`
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`
}

/**
 * A kind of record as need to know sees it: where its place is in SQL and in a row in hand. Each module
 * declares its kinds once (`pacKind`, `detentionKind`) and asks the kernel with them.
 */
export interface RecordKind<Row> {
  /** As the access log names it: 'pac', 'custody_detention'. */
  kind: string
  columns: PlaceColumns
  placeOf(row: Row): Place
}

/** A declared kind with the kernel's questions bound to it. */
export interface KindOfRecord<Row> extends RecordKind<Row> {
  canSee(reach: Reach, row: Row): boolean
  mustSee(reach: Reach, row: Row | undefined, notFound: string): asserts row is Row
  where(reach: Reach, alias?: string): RawBuilder<SqlBool>
}

export function recordKind<Row>(declaration: RecordKind<Row>): KindOfRecord<Row> {
  return {
    ...declaration,
    canSee: (reach, row) => canSee(reach, declaration.placeOf(row)),
    mustSee(reach, row, notFound) {
      if (row === undefined || !canSee(reach, declaration.placeOf(row))) throw new NotFoundError(notFound)
    },
    where: (reach, alias) =>
      visibleWhere(reach, alias ? realias(declaration.columns, alias) : declaration.columns),
  }
}

/** The same columns under another table alias: `pac.borough_id` as `p.borough_id`. */
function realias(columns: PlaceColumns, alias: string): PlaceColumns {
  const to = (col: string) => `${alias}.${col.slice(col.indexOf('.') + 1)}`
  return {
    borough: to(columns.borough),
    staff: columns.staff?.map(to),
    users: columns.users?.map(to),
    teams: columns.teams?.map(to),
  }
}

/** A force-wide reader: for tests and for operators at the command line, who act for the force. */
export const forceWideReach: Reach = {
  forceWide: true,
  boroughIds: [],
  staffId: null,
  userId: null,
  teamIds: [],
}
