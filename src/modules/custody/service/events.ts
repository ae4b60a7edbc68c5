import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import type { CustodyEvent, EventInput } from '../custody.ts'

/* A detention's timeline in the custody_event table: one column per event field, written set-wise. */

/** Event columns: the input's camelCase name and the table's. */
const eventColumns = [
  ['personName', 'person_name'],
  ['aaRelationship', 'aa_relationship'],
  ['officerName', 'officer_name'],
  ['officerRank', 'officer_rank'],
  ['aaPresent', 'aa_present'],
  ['countersigned', 'countersigned'],
  ['inPerson', 'in_person'],
  ['absenceReason', 'absence_reason'],
  ['observationLevel', 'observation_level'],
  ['endedAt', 'ended_at'],
  ['urgentInterviewAuthorised', 'urgent_interview_authorised'],
  ['searchType', 'search_type'],
  ['personsPresent', 'persons_present'],
  ['urgencyReason', 'urgency_reason'],
  ['extensionKind', 'extension_kind'],
  ['extendedUntil', 'extended_until'],
  ['bailRefused', 'bail_refused'],
  ['secure', 'secure'],
  ['localAuthority', 'local_authority'],
  ['ratifiedBy', 'ratified_by'],
  ['ratifiedAt', 'ratified_at'],
  ['laResponse', 'la_response'],
  ['relatedEventId', 'related_event_id'],
  ['representations', 'representations'],
  ['aaIntervention', 'aa_intervention'],
  ['destination', 'destination'],
  ['reason', 'reason'],
  ['note', 'note'],
] as const

const timeColumns = new Set(['ended_at', 'extended_until', 'ratified_at'])

export function toEvent(row: Record<string, unknown>): CustodyEvent {
  const event: Record<string, unknown> = { id: row.id, kind: row.kind, at: new Date(row.at as string) }
  for (const [camel, snake] of eventColumns) {
    const value = row[snake]
    event[camel] =
      value === null || value === undefined
        ? null
        : timeColumns.has(snake)
          ? new Date(value as string)
          : value
  }
  return event as unknown as CustodyEvent
}

/** One event as a table row; empty text becomes null. */
export function eventRow(event: EventInput & { id: string }, detentionId: string, actor: string, now: Date) {
  const row: Record<string, unknown> = {
    id: event.id,
    detention_id: detentionId,
    kind: event.kind,
    at: event.at.toISOString(),
    recorded_by: actor,
    recorded_at: now.toISOString(),
  }
  const source = event as unknown as Record<string, unknown>
  for (const [camel, snake] of eventColumns) {
    let value = source[camel]
    if (typeof value === 'string' && value.trim() === '') value = undefined
    row[snake] = value instanceof Date ? value.toISOString() : (value ?? null)
  }
  return row
}

const eventColumnList = sql.raw(
  ['id', 'detention_id', 'kind', 'at', ...eventColumns.map(([, s]) => s), 'recorded_by', 'recorded_at'].join(
    ', ',
  ),
)
const eventRecordType = sql.raw(
  [
    'id uuid',
    'detention_id uuid',
    'kind text',
    'at timestamptz',
    ...eventColumns.map(([, s]) =>
      [
        'aa_present',
        'countersigned',
        'in_person',
        'urgent_interview_authorised',
        'bail_refused',
        'secure',
      ].includes(s)
        ? `${s} boolean`
        : timeColumns.has(s)
          ? `${s} timestamptz`
          : s === 'related_event_id'
            ? `${s} uuid`
            : `${s} text`,
    ),
    'recorded_by text',
    'recorded_at timestamptz',
  ].join(', '),
)

/** Inserts events set-wise: one statement however many there are. */
export async function insertEvents(trx: Executor, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000)
    await sql`insert into custody_event (${eventColumnList})
      select ${eventColumnList} from jsonb_to_recordset(cast(${JSON.stringify(chunk)} as jsonb)) as x(${eventRecordType})`.execute(
      trx,
    )
  }
}

/** Each detention's events in timeline order, by detention id. */
export async function eventsOf(
  q: Executor,
  detentionIds: readonly string[],
): Promise<Map<string, CustodyEvent[]>> {
  const out = new Map<string, CustodyEvent[]>()
  if (detentionIds.length === 0) return out
  const rows = await q
    .selectFrom('custody_event')
    .selectAll()
    .where('detention_id', 'in', [...detentionIds])
    .orderBy('at')
    .orderBy('recorded_at')
    .execute()
  for (const r of rows) {
    const list = out.get(r.detention_id) ?? []
    list.push(toEvent(r as unknown as Record<string, unknown>))
    out.set(r.detention_id, list)
  }
  return out
}
