import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import { type Executor, inTransaction, type Transaction } from '../../../platform/db/database.ts'
import type { HistoryService } from '../../../platform/db/history.ts'
import type { WorkingDayCalendar } from '../../../standards/calendar.ts'
import { borough } from '../../organisation/service/areas.ts'
import { pacKind } from '../access.ts'
import type { PersonIndex, ReferralPerson } from '../person-index.ts'
import { type PacRow, type PacSummary, toPac } from './records.ts'

export type { PacActor } from './records.ts'
// The use cases' one way to run in a caller's transaction or a new one.
export { inTransaction }

/** Rules run on the records just written, inside the writing transaction (the standards engine's hook). */
export type AfterWrite = (trx: Transaction, written: Map<string, string[]>) => Promise<void>

/**
 * What every referrals use case is given besides its executor. The PAC's own reads and writes, the access
 * log and the organisation's reads go through the executor the use case was handed; the person index reads
 * on its own handle, so a use case run inside a caller's transaction must not need it.
 */
export interface ReferralsDeps {
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  people: PersonIndex
  calendar: WorkingDayCalendar
  afterWrite?: AfterWrite | undefined
}

export const noSuchPac = 'There is no such PAC'
export const noSuchSharedPac = 'There is no such PAC shared with your borough'

/** Runs the rules on the PACs just written, in the writing transaction. */
export async function evaluate(deps: Pick<ReferralsDeps, 'afterWrite'>, trx: Transaction, ids: string[]) {
  // TODO(standards): once the standards service offers its after-write evaluation, services.ts passes it
  // here and findings appear as soon as a PAC is written; until then the scheduled sweep finds them.
  if (deps.afterWrite) await deps.afterWrite(trx, new Map([[pacKind.kind, ids]]))
}

/** PACs with the child's name and ref and the borough's name, for lists and pages. */
export async function summaries(
  q: Executor,
  deps: Pick<ReferralsDeps, 'people'>,
  rows: PacRow[],
): Promise<PacSummary[]> {
  if (rows.length === 0) return []
  const personIds = [...new Set(rows.map((r) => r.person_id))]
  const boroughIds = [...new Set(rows.map((r) => r.borough_id))]
  const [persons, boroughs] = await Promise.all([
    Promise.all(personIds.map((id) => deps.people.find(id))),
    Promise.all(boroughIds.map((id) => borough(q, id))),
  ])
  const personOf = new Map<string, ReferralPerson>()
  personIds.forEach((id, i) => {
    const person = persons[i]
    if (person) personOf.set(id, person)
  })
  const boroughOf = new Map(boroughs.filter((b) => !!b).map((b) => [b?.id as string, b?.name as string]))
  return rows.map((r) => ({
    ...toPac(r),
    childName: personOf.get(r.person_id)?.name ?? 'Unknown person',
    childRef: personOf.get(r.person_id)?.ref ?? '',
    boroughName: boroughOf.get(r.borough_id) ?? '',
  }))
}
