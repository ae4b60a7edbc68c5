import { allow } from '../../platform/access/access.ts'
import type { StartPanel } from '../../platform/start-panels.ts'
import { startPanelItems } from '../../platform/start-panels.ts'
import { countdown, formatSpan } from '../../platform/time.ts'
import type { Missing } from './module.ts'
import { missingPath } from './routes.ts'

/**
 * Home's panel from missing: the unit's live episodes, the review that falls due soonest first (the
 * missing children page's order), read and logged through the unit view within need to know.
 */
export function missingStartPanels(missing: Missing): StartPanel[] {
  return [
    {
      id: 'missing-live',
      title: 'Children missing now',
      access: allow('missing_persons_unit'),
      position: 60,
      async read(reader) {
        const unit = await missing.unitView(reader.principal, {
          query: reader.query,
          requestId: reader.requestId,
        })
        const { asOf } = unit
        return {
          counts: [
            { value: unit.live.length, label: 'missing now', href: missingPath },
            {
              value: unit.reviewsDue.length,
              label: 'reviews due within the hour or late',
              href: missingPath,
            },
          ],
          items: unit.live.slice(0, startPanelItems).map((i) => ({
            text: `${i.ref}: ${i.childName}`,
            href: `${missingPath}/episodes/${i.id}`,
            hint: `${i.gradeLabel} risk, missing for ${formatSpan(asOf.getTime() - i.reportedAt.getTime())}; next review`,
            due: i.nextReviewDueAt ? countdown(i.nextReviewDueAt, asOf) : null,
          })),
          more: { text: 'See every missing child', href: missingPath },
          empty: 'No children are missing in your area.',
        }
      },
    },
  ]
}
