import { allow } from '../platform/access/access.ts'
import { operationalRoles } from '../platform/access/roles.ts'
import type { StartPanel, StartPanelReader } from '../platform/start-panels.ts'
import { startPanelItems } from '../platform/start-panels.ts'
import { countdown } from '../platform/time.ts'
import { myWorkOf, teamScope } from './scope.ts'
import type { FindingFilter, FindingSummary, StandardsService } from './service.ts'

const readerOf = (r: StartPanelReader) => ({
  actorId: r.principal.id,
  actorName: r.principal.username,
  query: r.query,
  requestId: r.requestId,
})

/** The most urgent few of a findings list, its counts, and the read logged as the list pages log theirs. */
async function mostUrgent(service: StandardsService, reader: StartPanelReader, filter: FindingFilter) {
  const now = service.now()
  const [findings, open, breached] = await Promise.all([
    service.listFindings({ ...filter, status: 'open', urgentFirstAt: now, limit: startPanelItems }),
    service.countFindings({ ...filter, status: 'open' }),
    service.countFindings({ ...filter, status: 'breached' }),
  ])
  await service.logListRead(readerOf(reader), findings, { total: open })
  const items = findings.map((f: FindingSummary) => ({
    text: `${f.ruleId} ${f.ruleTitle}: ${f.subjectRef ?? f.subjectId}`,
    href: `/findings/${f.id}`,
    hint: f.detail,
    due: f.dueAt ? countdown(f.dueAt, now) : null,
  }))
  return { items, open, breached }
}

/**
 * Home's panels from the standards engine: an officer's own findings (My work), and a supervisor's or
 * lead's team's (My team), what needs doing soonest first, within the same scope as those pages.
 */
export function standardsStartPanels(service: StandardsService): StartPanel[] {
  return [
    {
      id: 'my-work',
      title: 'My work',
      access: allow(...operationalRoles),
      position: 10,
      async read(reader) {
        const mine = myWorkOf(reader.principal)
        if (!mine)
          return {
            counts: [],
            items: [],
            more: { text: 'Go to My work', href: '/my-work' },
            empty: 'Your account is not linked to a staff record, so no findings are assigned to you.',
          }
        const { items, open, breached } = await mostUrgent(service, reader, { mine })
        return {
          counts: [
            { value: open, label: 'open findings on your records', href: '/my-work' },
            { value: breached, label: 'breached' },
          ],
          items,
          more: { text: 'See all your work', href: '/my-work' },
          empty: 'You have no open findings.',
        }
      },
    },
    {
      id: 'my-team',
      title: 'My team: findings and breaches',
      access: allow('supervisor', 'bcu_lead', 'force_lead'),
      position: 20,
      async read(reader) {
        const { items, open, breached } = await mostUrgent(service, reader, {
          queue: teamScope(reader.principal),
        })
        return {
          counts: [
            { value: open, label: 'open findings', href: '/my-team' },
            { value: breached, label: 'breached', href: '/my-team?status=breached' },
          ],
          items,
          more: { text: "See all your team's findings", href: '/my-team' },
          empty: 'Your team has no open findings.',
        }
      },
    },
  ]
}
