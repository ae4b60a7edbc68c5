import type { FastifyInstance } from 'fastify'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { SummaryError } from '../../../platform/http/form.ts'
import { type FormBody, formText } from '../../../platform/http/form-body.ts'
import { page, type View, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import {
  pacFollowUppers,
  pacMashRoles,
  pacOutcomeRecorders,
  pacReaders,
  pacReviewers,
  pacSharers,
  supervisesPacs,
} from '../access.ts'
import {
  aboutLabels,
  bragLabels,
  bragRatings,
  concernLabels,
  outcomeLabels,
  outcomes,
  type ReviewDecision,
  reviewDecisionLabels,
  riskLabels,
  stageLabels,
} from '../pac.ts'
import { raisedBy } from '../service.ts'
import { actorOf, may, referralsPath } from './shared.ts'

/** One of the PAC page's forms shown again: what was typed in it, and what is wrong. */
export interface PacFormShown {
  values: Record<string, unknown>
  errors: SummaryError[]
  fieldErrors: Record<string, { text: string }>
}

/**
 * The PAC page: the referral, its timeline and findings, and a form for each later step the reader's
 * role may record now (review, sharing, the MASH's rating, the outcome, the police follow-up).
 */
export async function pacView(
  services: Services,
  principal: Principal,
  id: string,
  query: FormBody,
  shown?: PacFormShown,
): Promise<View> {
  const { referrals, standards } = services
  const actor = actorOf(principal)
  const pac = await referrals.read(id, reachOf(principal), actor)
  const [findings, linked] = await Promise.all([
    standards.findingsForSubject('pac', pac.id),
    referrals.linkedRecords(pac.id, reachOf(principal)),
  ])
  const values = shown?.values ?? {}
  const chosen = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '')
  const shared = !!pac.sharedWithMashAt
  return view(
    'referrals/views/pac.njk',
    {
      pageTitle: `PAC ${pac.ref}`,
      pac,
      timeline: referrals.timeline(pac),
      findings,
      linked,
      raised: formText(query, 'raised') === '1',
      resubmitted: formText(query, 'resubmitted') === '1',
      aboutLabel: aboutLabels[pac.aboutKind],
      concerns: pac.concerns.map((c) => concernLabels[c]),
      riskLabel: riskLabels[pac.riskLevel],
      stageLabel: stageLabels[pac.stage],
      outcomeLabel: pac.outcome ? outcomeLabels[pac.outcome] : null,
      canReview: may(principal, pacReviewers) && !(pac.reviewedAt && pac.reviewedAt >= pac.submittedAt),
      canShare: may(principal, pacSharers) && pac.reviewDecision === 'approved' && !shared,
      canMash: may(principal, pacMashRoles) && shared && !pac.mashDecisionAt,
      canOutcome: may(principal, pacOutcomeRecorders) && shared && !pac.outcome,
      canFollowUp: may(principal, pacFollowUppers) && shared && !pac.followUpAt,
      canResubmit: pac.reviewDecision === 'returned' && (supervisesPacs(principal) || raisedBy(pac, actor)),
      decisionItems: (['approved', 'returned'] as ReviewDecision[]).map((d) => ({
        value: d,
        text: reviewDecisionLabels[d],
        checked: chosen('decision') === d,
      })),
      bragItems: bragRatings.map((b) => ({
        value: b,
        text: bragLabels[b],
        checked: (chosen('brag') || pac.mashBrag) === b,
      })),
      outcomeItems: outcomes.map((o) => ({
        value: o,
        text: outcomeLabels[o],
        checked: chosen('outcome') === o,
      })),
      values,
      errors: shown?.errors ?? [],
      fieldErrors: shown?.fieldErrors ?? {},
    },
    shown?.errors.length ? 400 : 200,
  )
}

/** A PAC, for anyone whose reach holds it. */
export function pacPages(app: FastifyInstance, services: Services) {
  page(app, `${referralsPath}/:id`, {
    access: pacReaders,
    get: ({ params, principal, query }) => pacView(services, principal, params.id as string, query),
  })
}
