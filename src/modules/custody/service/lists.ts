import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { childrenByRefOrId } from '../../children/service/find-people.ts'
import { detentionKind } from '../access.ts'
import { detentionClocks } from '../custody.ts'
import { paceParametersAt } from '../pace-parameters.ts'
import { type CustodyDeps, reachFor, suiteNames } from './dependencies.ts'
import { eventsOf } from './events.ts'
import { type DetentionListItem, type DetentionRow, toDetention } from './records.ts'

/**
 * The custody inspector's view: every child in the person's suites still in custody (and, with
 * `recentHours`, those who left in that many hours), with their clocks, soonest deadline first. The read
 * is logged as one row naming `read.query` and every detention shown.
 */
export async function listDetentions(
  q: Executor,
  deps: Pick<CustodyDeps, 'accessLog' | 'organisationOn'>,
  principal: Principal,
  read: { query: string; requestId?: string | null },
  options: { recentHours?: number; asOf: Date; limit?: number },
) {
  const { asOf } = options
  const reach = await reachFor(q, principal)
  const since = new Date(asOf.getTime() - (options.recentHours ?? 0) * 3_600_000)
  const query = q
    .selectFrom('custody_detention as d')
    .selectAll('d')
    .where(detentionKind.where(reach, 'd'))
    .where('d.arrested_at', '<=', asOf)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('custody_event as e')
            .select('e.id')
            .whereRef('e.detention_id', '=', 'd.id')
            .where('e.kind', '=', 'left_custody')
            .where('e.at', '<', since),
        ),
      ),
    )
  // Children arrested long ago and never recorded as leaving are still shown: they may still be held.
  const rows = (await query
    .orderBy('d.arrested_at', 'desc')
    .limit(options.limit ?? 500)
    .execute()) as DetentionRow[]
  const detentions = rows.map(toDetention)
  const events = await eventsOf(
    q,
    detentions.map((d) => d.id),
  )
  const children = await childrenByRefOrId(
    q,
    detentions.map((d) => d.personId),
  )
  const suites = await suiteNames(deps.organisationOn(q))
  const pace = await paceParametersAt(q, asOf)
  const items: DetentionListItem[] = detentions.map((d) => ({
    detention: d,
    child: children.get(d.personId),
    suiteName: suites.get(d.suiteId)?.name ?? '',
    clocks: detentionClocks(events.get(d.id) ?? [], asOf, pace),
  }))
  const rank = (i: DetentionListItem) => i.clocks.nextDeadline?.at.getTime() ?? Number.POSITIVE_INFINITY
  await deps.accessLog.recordList(
    {
      actorId: principal.id,
      actorName: principal.username,
      subjectKind: detentionKind.kind,
      query: read.query,
      ids: detentions.map((d) => d.id),
      requestId: read.requestId ?? null,
    },
    q,
  )
  return {
    reach,
    items: items.sort(
      (a, b) => Number(!a.clocks.inCustody) - Number(!b.clocks.inCustody) || rank(a) - rank(b),
    ),
  }
}
