import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { pacKind } from '../access.ts'
import { type Pac, toPac } from './records.ts'

export interface TimelineEvent {
  at: Date
  title: string
  detail?: string
}

/** A PAC's path as a chronology: created, reviewed, shared, rated, decided, outcome, follow-up. */
export function pacTimeline(p: Pac): TimelineEvent[] {
  const events: TimelineEvent[] = [
    { at: p.policeFirstKnewAt, title: 'Police first knew of the concern' },
    { at: p.createdAt, title: 'PAC raised', detail: `by ${p.raisedByName}` },
  ]
  if (p.submittedAt.getTime() !== p.createdAt.getTime()) {
    events.push({ at: p.submittedAt, title: 'Resubmitted for supervisor review' })
  }
  if (p.reviewedAt) {
    events.push({
      at: p.reviewedAt,
      title:
        p.reviewDecision === 'approved' ? 'Approved by supervisor' : 'Returned by supervisor for more work',
      detail: [p.reviewedByName, p.reviewNote].filter(Boolean).join(': ') || undefined,
    })
  }
  if (p.sharedWithMashAt) events.push({ at: p.sharedWithMashAt, title: 'Shared with the MASH' })
  if (p.mashRatedAt && p.mashBrag) events.push({ at: p.mashRatedAt, title: `MASH rated it ${p.mashBrag}` })
  if (p.mashDecisionAt) {
    events.push({
      at: p.mashDecisionAt,
      title: 'MASH decision',
      detail: p.mashBrag ? `BRAG ${p.mashBrag}` : undefined,
    })
  }
  if (p.feedbackAt && p.outcome) {
    events.push({
      at: p.feedbackAt,
      title: 'Outcome from children’s social care',
      detail: p.outcomeReason ?? undefined,
    })
  }
  if (p.followUpAt)
    events.push({ at: p.followUpAt, title: 'Police follow-up', detail: p.followUp ?? undefined })
  return events.sort((a, b) => a.at.getTime() - b.at.getTime())
}

/** The child's chronology entries within the reader's reach (registered with the person index's timeline). */
export async function timelineItems(q: Executor, personId: string, reach: Reach, asOf?: Date) {
  let query = q
    .selectFrom('pac')
    .selectAll()
    .where('pac.person_id', '=', personId)
    .where(pacKind.where(reach))
  if (asOf) query = query.where('pac.created_at', '<=', asOf)
  const rows = await query.execute()
  return rows.map((r) => {
    const p = toPac(r)
    return {
      at: p.createdAt,
      kind: 'pac',
      title: `PAC ${p.ref} raised`,
      detail: p.outcome ? `Outcome: ${p.outcome.replace(/_/g, ' ')}` : undefined,
      href: `/pacs/${p.id}`,
    }
  })
}
