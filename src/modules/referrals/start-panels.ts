import { allow } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { StartPanel, StartPanelReader } from '../../platform/start-panels.ts'
import { startPanelItems } from '../../platform/start-panels.ts'
import type { Services } from '../../services.ts'
import type { Referrals } from './module.ts'
import { bragLabels, riskLabels } from './pac.ts'
import { referralsPath } from './routes.ts'

const actorOf = ({ principal }: StartPanelReader) => ({
  id: principal.id,
  username: principal.username,
  displayName: principal.displayName,
  staffId: principal.staffId,
})

/**
 * Home's panels from referrals: the PACs waiting for a supervisor's review (their team's, as the review
 * queue opens) and the MASH queue, each the queue's most urgent few in its own order, within need to know.
 */
export function referralsStartPanels(referrals: Referrals, { organisation }: Services): StartPanel[] {
  return [
    {
      id: 'review-queue',
      title: 'PACs waiting for your review',
      access: allow('supervisor', 'bcu_lead'),
      position: 30,
      async read(reader) {
        const { principal } = reader
        const staff = principal.staffId ? await organisation.staffMember(principal.staffId) : undefined
        const { items, total } = await referrals.supervisorQueue({
          teamId: staff?.teamId ?? null,
          reach: reachOf(principal),
          limit: startPanelItems,
        })
        await referrals.recordListRead(actorOf(reader), reader.query, items, reader.requestId)
        return {
          counts: [{ value: total, label: 'waiting for review', href: `${referralsPath}/review` }],
          items: items.map((p) => ({
            text: `${p.ref}: ${p.childName}`,
            href: `${referralsPath}/${p.id}`,
            hint: `${riskLabels[p.riskLevel]} risk, ${p.boroughName}, waiting ${p.waiting}`,
            due: p.reviewDue,
          })),
          more: { text: 'See the review queue', href: `${referralsPath}/review` },
          empty: 'No PACs are waiting for review.',
        }
      },
    },
    {
      id: 'mash-queue',
      title: 'MASH queue',
      access: allow('mash'),
      position: 40,
      async read(reader) {
        const { items, total } = await referrals.mashQueue(reachOf(reader.principal), {
          limit: startPanelItems,
        })
        await referrals.recordListRead(actorOf(reader), reader.query, items, reader.requestId)
        return {
          counts: [{ value: total, label: 'waiting for a MASH decision', href: `${referralsPath}/mash` }],
          items: items.map((p) => ({
            text: `${p.ref}: ${p.childName}`,
            href: `${referralsPath}/${p.id}`,
            hint: `${p.mashBrag ? bragLabels[p.mashBrag] : 'Not yet rated'}, ${p.boroughName}, waiting ${p.waiting}`,
          })),
          more: { text: 'See the MASH queue', href: `${referralsPath}/mash` },
          empty: 'No PACs are waiting for the MASH.',
        }
      },
    },
  ]
}
