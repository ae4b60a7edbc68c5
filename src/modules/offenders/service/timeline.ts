import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { dayInstant, type TimelineItem } from '../../children/timeline.ts'
import { rsoKind } from '../access.ts'
import { type RiskLevel, riskLabels } from '../rso.ts'

/**
 * A person's RSO record on their chronology, for readers whose need to know covers it: that they are a
 * registered sex offender and who manages them, changes of risk, and visits or notifications that found
 * children with them. So MASH and investigators reading the people a PAC or an investigation names see it.
 */
export async function timelineFor(
  q: Executor,
  personId: string,
  reach: Reach,
  asOf?: Date,
): Promise<TimelineItem[]> {
  const rso = await q
    .selectFrom('rso')
    .leftJoin('staff', 'staff.id', 'rso.manager_staff_id')
    .leftJoin('team', 'team.id', 'rso.team_id')
    .select([
      'rso.id',
      'rso.ref',
      'rso.borough_id',
      'rso.manager_staff_id',
      'rso.team_id',
      'rso.notification_start',
      'rso.risk_level',
      'rso.mappa_category',
      'rso.mappa_level',
      'staff.name as manager',
      'team.name as team',
    ])
    .where('rso.person_id', '=', personId)
    .executeTakeFirst()
  if (!rso || !rsoKind.canSee(reach, rso)) return []
  const href = `/offenders/${rso.id}`
  const [changes, visits, notifications] = await Promise.all([
    q
      .selectFrom('rso_risk_change')
      .select(['changed_at', 'to_level', 'reason'])
      .where('rso_id', '=', rso.id)
      .execute(),
    q
      .selectFrom('rso_visit')
      .select(['visited_at', 'concerns'])
      .where('rso_id', '=', rso.id)
      .where('children_present', '=', true)
      .where('visited_at', 'is not', null)
      .execute(),
    q
      .selectFrom('rso_notification')
      .select(['notified_at', 'details'])
      .where('rso_id', '=', rso.id)
      .where('kind', '=', 'household_with_child')
      .execute(),
  ])
  const items: TimelineItem[] = [
    {
      at: dayInstant(rso.notification_start),
      kind: 'rso',
      title: `Registered sex offender ${rso.ref}: ${riskLabels[rso.risk_level as RiskLevel].toLowerCase()} risk, MAPPA category ${rso.mappa_category} level ${rso.mappa_level}`,
      detail: rso.manager
        ? `Offender manager: ${rso.manager}${rso.team ? ` (${rso.team})` : ''}`
        : 'No offender manager allocated',
      href,
    },
    ...changes.map((c) => ({
      at: c.changed_at,
      kind: 'rso-risk-change',
      title: `RSO risk level changed to ${riskLabels[c.to_level as RiskLevel].toLowerCase()}`,
      detail: c.reason,
      href,
    })),
    ...visits.map((v) => ({
      at: v.visited_at as Date,
      kind: 'rso-visit',
      title: 'Children present at a home visit to this RSO',
      detail: v.concerns ?? undefined,
      href,
    })),
    ...notifications.map((n) => ({
      at: n.notified_at,
      kind: 'rso-notification',
      title: 'RSO notified staying at a household with a child',
      detail: n.details,
      href,
    })),
  ]
  return asOf ? items.filter((i) => i.at <= asOf) : items
}
