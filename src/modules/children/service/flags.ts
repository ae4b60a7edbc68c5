import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { ConflictError, NotFoundError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isIsoDate } from '../../../platform/time.ts'
import { londonMidnightOf } from '../../../standards/sql-time.ts'
import {
  asDay,
  asDayOrNull,
  type FlagInput,
  type FlagKind,
  type FlagRow,
  flagsAsOf,
  type IsoDate,
  validateFlag,
  validatePeriod,
} from '../person.ts'
import { type ChildrenDeps, fail, inTransaction, mustMayEdit, todayOf } from './dependencies.ts'
import { mustGet } from './find-people.ts'
import type { Changer, PersonFlag } from './records.ts'

/** Flags on a person (looked after, child protection plan, CSE risk...), each for a period. */

/** A person's flags, latest-starting first. */
export async function flags(q: Executor, personId: string): Promise<PersonFlag[]> {
  const rows = await q
    .selectFrom('person_flag')
    .selectAll()
    .where('person_id', '=', personId)
    .orderBy('from_date', 'desc')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    flag: r.flag as FlagKind,
    detail: r.detail,
    fromDate: asDay(r.from_date),
    toDate: asDayOrNull(r.to_date),
    version: r.version,
  }))
}

/** The flags a person had on a day. */
export async function flagsOn(q: Executor, personId: string, day: IsoDate): Promise<PersonFlag[]> {
  return flagsAsOf(await flags(q, personId), day)
}

/** Each person's flag rows, latest-starting first, one query for a batch. */
export async function flagRowsOf(q: Executor, personIds: readonly string[]): Promise<Map<string, FlagRow[]>> {
  const out = new Map<string, FlagRow[]>()
  if (personIds.length === 0) return out
  const rows = await q
    .selectFrom('person_flag')
    .select(['id', 'person_id', 'flag', 'detail', 'from_date', 'to_date'])
    .where('person_id', 'in', [...new Set(personIds)])
    .orderBy('from_date', 'desc')
    .execute()
  for (const r of rows) {
    const list = out.get(r.person_id) ?? []
    list.push({
      id: r.id,
      flag: r.flag as FlagKind,
      detail: r.detail,
      fromDate: asDay(r.from_date),
      toDate: asDayOrNull(r.to_date),
    })
    out.set(r.person_id, list)
  }
  return out
}

/**
 * For a rule that answers with one query, SQL not yet run: when each person was first flagged with any of
 * `flags` (the first flag's from date, at London midnight), one row (person_id, at) per person flagged.
 * `people`, when given, is a relation of person_id to look at (a few records after a write).
 */
export function flaggedSinceSql(
  flags: readonly FlagKind[],
  people?: RawBuilder<unknown>,
): RawBuilder<{ person_id: string; at: Date }> {
  return sql<{ person_id: string; at: Date }>`(
    select pf.person_id, min(${londonMidnightOf('pf.from_date')}) as at
    from person_flag pf
    where pf.flag = any(${[...flags]}::text[]) ${people ? sql`and pf.person_id in ${people}` : sql``}
    group by pf.person_id)`
}

export async function addFlag(
  q: Executor,
  deps: ChildrenDeps,
  personId: string,
  input: FlagInput,
  actor: Changer,
): Promise<PersonFlag> {
  const today = todayOf(deps.clock)
  const errors = validateFlag(input, today)
  if (errors.length) fail(errors)
  const row = await inTransaction(q, async (trx) => {
    const person = await mustGet(trx, personId)
    await mustMayEdit(trx, actor, personId, today)
    if (person.mergedInto) throw new ConflictError('This record was merged into another')
    const inserted = await deps.history.insertRecord(
      trx,
      'person_flag',
      {
        person_id: personId,
        flag: input.flag,
        detail: input.detail?.trim() || null,
        from_date: input.fromDate,
        to_date: input.toDate,
        created_at: deps.clock.now(),
      },
      actor,
    )
    await deps.accessLog.logChange(
      actor,
      {
        action: 'update',
        subjectKind: 'person',
        subjectId: personId,
        detail: { added: 'flag', flag: input.flag },
      },
      trx,
    )
    return inserted
  })
  return {
    id: row.id,
    personId,
    flag: input.flag,
    detail: row.detail,
    fromDate: asDay(row.from_date),
    toDate: asDayOrNull(row.to_date),
    version: row.version,
  }
}

/** Ends a flag on a day (inclusive). */
export async function endFlag(
  q: Executor,
  deps: ChildrenDeps,
  flagId: string,
  version: number,
  toDate: IsoDate,
  actor: Changer,
): Promise<void> {
  const today = todayOf(deps.clock)
  await inTransaction(q, async (trx) => {
    const flag = isUuid(flagId)
      ? await trx.selectFrom('person_flag').selectAll().where('id', '=', flagId).executeTakeFirst()
      : undefined
    if (!flag) throw new NotFoundError('There is no such flag')
    await mustMayEdit(trx, actor, flag.person_id, today)
    const errors = validatePeriod({ fromDate: asDay(flag.from_date), toDate }, today)
    if (!isIsoDate(toDate)) errors.push({ field: 'toDate', reason: 'Enter the end date' })
    if (errors.length) fail(errors.filter((e) => e.field === 'toDate'))
    await deps.history.updateRecord(trx, 'person_flag', flagId, version, { to_date: toDate }, actor)
    await deps.accessLog.logChange(
      actor,
      {
        action: 'update',
        subjectKind: 'person',
        subjectId: flag.person_id,
        detail: { ended: 'flag', flag: flag.flag },
      },
      trx,
    )
  })
}
