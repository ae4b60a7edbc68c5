import type { Executor } from '../../../platform/db/database.ts'
import type { FieldError } from '../../../platform/http/errors.ts'
import {
  asDayOrNull,
  type IsoDate,
  type RelationshipKind,
  relationshipKinds,
  validatePeriod,
} from '../person.ts'
import { type ChildrenDeps, fail, inTransaction, mustMayEdit, todayOf } from './dependencies.ts'
import { find, mustGet } from './find-people.ts'
import { type Changer, type Person, type Relationship, toPerson } from './records.ts'

/** Who is whose parent, carer, sibling or associate. */

/** How a relationship reads from one side: a row says "person_a is the <kind> of person_b". */
function readingOf(kind: RelationshipKind, forward: boolean): string {
  if (kind === 'parent') return forward ? 'parent of' : 'child of'
  if (kind === 'carer') return forward ? 'carer of' : 'cared for by'
  return kind === 'sibling' ? 'sibling of' : 'associate of'
}

/** A person's relationships in the order they were recorded, each with the other person. */
export async function relationships(q: Executor, personId: string): Promise<Relationship[]> {
  const rows = await q
    .selectFrom('relationship')
    .selectAll()
    .where((eb) => eb.or([eb('person_a', '=', personId), eb('person_b', '=', personId)]))
    .orderBy('created_at')
    .execute()
  const others = new Map<string, Person>()
  const ids = [...new Set(rows.map((r) => (r.person_a === personId ? r.person_b : r.person_a)))]
  if (ids.length) {
    for (const row of await q.selectFrom('person').selectAll().where('id', 'in', ids).execute())
      others.set(row.id, toPerson(row))
  }
  return rows.flatMap((r) => {
    const forward = r.person_a === personId
    const other = others.get(forward ? r.person_b : r.person_a)
    if (!other) return []
    const kind = r.kind as RelationshipKind
    return [
      {
        id: r.id,
        other,
        kind,
        reading: readingOf(kind, forward),
        fromDate: asDayOrNull(r.from_date),
        toDate: asDayOrNull(r.to_date),
        version: r.version,
      },
    ]
  })
}

export interface RelationshipInput {
  otherRef: string
  kind: RelationshipKind
  fromDate: IsoDate | null
  toDate: IsoDate | null
}

/**
 * Records that `personId` is the <kind> of the person with `otherRef` (parent, carer) or related both
 * ways. Only `personId`'s area is asked: the other person may live anywhere (a child's associates
 * cross borders, and recording them is how the link is found).
 */
export async function addRelationship(
  q: Executor,
  deps: ChildrenDeps,
  personId: string,
  input: RelationshipInput,
  actor: Changer,
): Promise<void> {
  const today = todayOf(deps.clock)
  const errors: FieldError[] = []
  if (!(relationshipKinds as readonly string[]).includes(input.kind))
    errors.push({ field: 'kind', reason: 'Select the relationship' })
  const other = input.otherRef.trim() ? await find(q, input.otherRef) : undefined
  if (!other) errors.push({ field: 'otherRef', reason: 'Enter the reference of a person Kestrel holds' })
  else if (other.id === personId)
    errors.push({ field: 'otherRef', reason: 'A person cannot be related to themselves' })
  if (input.fromDate) errors.push(...validatePeriod(input, today))
  if (errors.length) fail(errors)
  await inTransaction(q, async (trx) => {
    await mustGet(trx, personId)
    await mustMayEdit(trx, actor, personId, today)
    await deps.history.insertRecord(
      trx,
      'relationship',
      {
        person_a: personId,
        person_b: (other as Person).id,
        kind: input.kind,
        from_date: input.fromDate,
        to_date: input.toDate,
        created_at: deps.clock.now(),
      },
      actor,
    )
    await deps.accessLog.logChange(
      actor,
      { action: 'update', subjectKind: 'person', subjectId: personId, detail: { added: 'relationship' } },
      trx,
    )
    await deps.peopleChanged?.(trx, [personId, (other as Person).id])
  })
}
