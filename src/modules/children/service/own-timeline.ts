import type { Executor } from '../../../platform/db/database.ts'
import { flagLabels } from '../person.ts'
import { dayInstant, type TimelineItem } from '../timeline.ts'
import { addresses } from './addresses.ts'
import { flags } from './flags.ts'
import { memberships } from './household-membership.ts'

/** The person index's own chronology: flags, addresses and households starting and ending. */
export async function ownTimeline(q: Executor, personId: string): Promise<TimelineItem[]> {
  const items: TimelineItem[] = []
  const href = `/people/${personId}`
  for (const flag of await flags(q, personId)) {
    const label = flagLabels[flag.flag]
    const detail = flag.detail ?? undefined
    items.push({
      at: dayInstant(flag.fromDate),
      kind: 'flag',
      title: `Flag started: ${label}`,
      ...(detail ? { detail } : {}),
      href: `${href}#flags`,
    })
    if (flag.toDate)
      items.push({
        at: dayInstant(flag.toDate),
        kind: 'flag',
        title: `Flag ended: ${label}`,
        href: `${href}#flags`,
      })
  }
  for (const address of await addresses(q, personId)) {
    const where = [address.address, address.postcode, address.boroughName].filter(Boolean).join(', ')
    items.push({
      at: dayInstant(address.fromDate),
      kind: 'address',
      title: 'Address from this date',
      detail: where,
      href: `${href}#addresses`,
    })
    if (address.toDate)
      items.push({
        at: dayInstant(address.toDate),
        kind: 'address',
        title: 'Address until this date',
        detail: where,
        href: `${href}#addresses`,
      })
  }
  for (const m of await memberships(q, personId)) {
    items.push({
      at: dayInstant(m.fromDate),
      kind: 'household',
      title: `Joined household ${m.householdRef}`,
      detail: `Role: ${m.role}`,
      href: `${href}/household`,
    })
    if (m.toDate)
      items.push({
        at: dayInstant(m.toDate),
        kind: 'household',
        title: `Left household ${m.householdRef}`,
        href: `${href}/household`,
      })
  }
  return items
}
