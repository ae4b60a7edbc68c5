import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { childrenByRefOrId } from '../../children/service/find-people.ts'
import { detentionKind } from '../access.ts'
import { detentionClocks } from '../custody.ts'
import { paceParametersAt } from '../pace-parameters.ts'
import { type CustodyDeps, noSuchDetention, reachFor } from './dependencies.ts'
import { eventsOf } from './events.ts'
import { detentionRow, toDetention } from './records.ts'

/**
 * One detention with its timeline and clocks, for someone allowed to see it; the read is logged. The clocks
 * run on CUS-04's and CUS-13's hours as configured at asOf.
 */
export async function viewDetention(
  q: Executor,
  deps: Pick<CustodyDeps, 'accessLog' | 'organisationOn'>,
  id: string,
  principal: Principal,
  asOf: Date,
) {
  const row = await detentionRow(q, id)
  detentionKind.mustSee(await reachFor(q, principal), row, noSuchDetention)
  const detention = toDetention(row)
  const events = (await eventsOf(q, [id])).get(id) ?? []
  const child = (await childrenByRefOrId(q, [detention.personId])).get(detention.personId)
  const suite = await deps.organisationOn(q).team(detention.suiteId)
  await deps.accessLog.record(
    {
      actorId: principal.id,
      actorName: principal.username,
      action: 'read',
      subjectKind: detentionKind.kind,
      subjectId: id,
    },
    q,
  )
  return {
    detention,
    events,
    child,
    suiteName: suite?.name ?? '',
    clocks: detentionClocks(events, asOf, await paceParametersAt(q, asOf)),
  }
}
