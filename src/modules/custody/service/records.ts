import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import type { ChildFacts } from '../../children/service/find-people.ts'
import type { DetentionClocks } from '../custody.ts'

/* The detention as the code reads it, from its row. */

export interface Detention {
  id: string
  ref: string
  personId: string
  suiteId: string
  boroughId: string | null
  bcuId: string | null
  custodyRecordNumber: string | null
  offences: string[]
  arrestedAt: Date
  ageAtArrest: number | null
  appearsUnder18: boolean
  pacRef: string | null
  /** The PAC in Kestrel; null with a pacRef when the PAC is held only in another system. */
  pacId: string | null
  /** Null with a pacRef held elsewhere when that system did not say when. */
  pacLinkedAt: Date | null
  version: number
}

export type DetentionRow = {
  id: string
  ref: string
  person_id: string
  custody_suite_team_id: string
  borough_id: string | null
  bcu_id: string | null
  custody_record_number: string | null
  offences: string[]
  arrested_at: Date
  age_at_arrest: number | null
  appears_under_18: boolean
  pac_ref: string | null
  pac_id: string | null
  pac_linked_at: Date | null
  version: number
}

export const toDetention = (r: DetentionRow): Detention => ({
  id: r.id,
  ref: r.ref,
  personId: r.person_id,
  suiteId: r.custody_suite_team_id,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  custodyRecordNumber: r.custody_record_number,
  offences: r.offences,
  arrestedAt: r.arrested_at,
  ageAtArrest: r.age_at_arrest,
  appearsUnder18: r.appears_under_18,
  pacRef: r.pac_ref,
  pacId: r.pac_id,
  pacLinkedAt: r.pac_linked_at,
  version: r.version,
})

export async function detentionRow(q: Executor, id: string, lock = false): Promise<DetentionRow | undefined> {
  if (!isUuid(id)) return undefined
  let query = q.selectFrom('custody_detention').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  return (await query.executeTakeFirst()) as DetentionRow | undefined
}

/** A row of the custody inspector's list. */
export interface DetentionListItem {
  detention: Detention
  child: ChildFacts | undefined
  suiteName: string
  clocks: DetentionClocks
  openFindings?: number
}
