import type { Reach } from '../../platform/access/need-to-know.ts'

/**
 * The chronology of a person: every module that holds something about them registers a provider, and the
 * child's page shows all their items merged, newest first. Each item links to the record it came from.
 */

export interface TimelineItem {
  at: Date
  /** What sort of event: 'flag', 'address', 'household', 'pac', 'missing-episode'... */
  kind: string
  title: string
  detail?: string
  href: string
}

/**
 * Items about one person up to `asOf` (everything when absent) that the reader may see: a provider lists
 * only records within `reach` (need-to-know's `visibleWhere` on its own record kind), never filters after.
 */
export type TimelineProvider = (personId: string, reach: Reach, asOf?: Date) => Promise<TimelineItem[]>

export function timelineRegistry() {
  const providers: TimelineProvider[] = []
  return {
    register(provider: TimelineProvider) {
      providers.push(provider)
    },
    /** Every provider's items, newest first; items at the same instant keep their provider's order. */
    async collect(personId: string, reach: Reach, asOf?: Date): Promise<TimelineItem[]> {
      const lists = await Promise.all(providers.map((provider) => provider(personId, reach, asOf)))
      return mergeTimeline(lists, asOf)
    },
  }
}

export function mergeTimeline(lists: readonly TimelineItem[][], asOf?: Date): TimelineItem[] {
  const limit = asOf?.getTime()
  return lists
    .flat()
    .filter((item) => limit === undefined || item.at.getTime() <= limit)
    .map((item, order) => ({ item, order }))
    .sort((a, b) => b.item.at.getTime() - a.item.at.getTime() || a.order - b.order)
    .map(({ item }) => item)
}

/** A date column's day as an instant the timeline can sort with timestamps. */
export function dayInstant(day: string): Date {
  // Noon UTC is the same calendar day in London in any season; the page shows the date only.
  return new Date(`${day}T12:00:00Z`)
}
