import { allow } from '../../platform/access/access.ts'
import type { Clock } from '../../platform/clock.ts'
import type { StartPanel } from '../../platform/start-panels.ts'
import { startPanelItems } from '../../platform/start-panels.ts'
import { countdown } from '../../platform/time.ts'
import { mostUrgentFirst } from '../../platform/urgency.ts'
import type { Custody } from './module.ts'
import { custodyPath } from './routes.ts'

/**
 * Home's panel from custody: the children in the cells now within the viewer's suites, the nearest
 * deadline first, read (and logged) as the custody page reads them.
 */
export function custodyStartPanels(custody: Custody, { clock }: { clock: Clock }): StartPanel[] {
  return [
    {
      id: 'in-custody',
      title: 'Children in custody now',
      access: allow('custody'),
      position: 50,
      async read(reader) {
        const asOf = clock.now()
        const { items } = await custody.list(
          reader.principal,
          { query: reader.query, requestId: reader.requestId },
          { asOf },
        )
        const held = items.filter((i) => i.clocks.inCustody)
        const urgent = mostUrgentFirst(held, asOf, (i) => ({ dueAt: i.clocks.nextDeadline?.at ?? null }))
        return {
          counts: [{ value: held.length, label: 'in custody', href: custodyPath }],
          items: urgent.slice(0, startPanelItems).map((i) => ({
            text: `${i.detention.ref}: ${i.child?.name ?? 'Unknown'}`,
            href: `${custodyPath}/detentions/${i.detention.id}`,
            hint: [i.clocks.nextDeadline?.label, i.suiteName].filter(Boolean).join(', '),
            due: i.clocks.nextDeadline ? countdown(i.clocks.nextDeadline.at, asOf) : null,
          })),
          more: { text: 'See every child in custody', href: custodyPath },
          empty: 'No children are in custody in your suites.',
        }
      },
    },
  ]
}
