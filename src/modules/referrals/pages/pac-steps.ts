import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Access } from '../../../platform/access/access.ts'
import { type Reach, reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { FormSchema } from '../../../platform/http/form.ts'
import { checkbox, optionalText, radios, recordVersion, text } from '../../../platform/http/form-fields.ts'
import { formOnPage } from '../../../platform/http/form-on-page.ts'
import type { Services } from '../../../services.ts'
import { pacFollowUppers, pacMashRoles, pacOutcomeRecorders, pacReviewers, pacSharers } from '../access.ts'
import { bragRatings, outcomes, reviewDecisions } from '../pac.ts'
import type { PacActor } from '../service.ts'
import { pacView } from './pac.ts'
import { actorOf, referralsPath } from './shared.ts'

const reviewForm = z
  .object({
    decision: radios(reviewDecisions, 'Select approved or returned for more work'),
    note: text(),
    version: recordVersion(),
  })
  .superRefine((form, ctx) => {
    if (form.decision === 'returned' && !form.note) {
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'Enter what more work is needed' })
    }
  })
const shareForm = z.object({ version: recordVersion() })
const mashForm = z.object({
  brag: radios(bragRatings, 'Select the BRAG rating'),
  decided: checkbox(),
  version: recordVersion(),
})
const outcomeForm = z.object({
  outcome: radios(outcomes, 'Select the outcome'),
  outcomeReason: optionalText(),
  version: recordVersion(),
})
const followUpForm = z.object({
  followUp: text({ required: 'Enter what you did to follow up' }),
  version: recordVersion(),
})

interface Step<S extends FormSchema> {
  access: Access
  form: S
  /** The service's names for the form's inputs, where they differ ("reviewNote" is the "note" box). */
  inputOf?: Record<string, string>
  save(id: string, input: z.output<S>, actor: PacActor, reach: Reach): Promise<unknown>
}

/**
 * The later steps of a PAC, each a form on the PAC page posting to its own address (`/pacs/:id/review`,
 * `/share`, `/mash`, `/outcome`, `/follow-up`). They are the page handler's POST without its GET: the
 * page is the PAC's, so a form with something wrong shows the PAC page again, that form's problems in
 * its field order and what was typed in it. A problem the service finds with the step as a whole (sharing
 * before the review) follows them in the summary, as it always did.
 */
export function pacStepPages(app: FastifyInstance, services: Services) {
  const { referrals } = services
  const now = () => services.clock.now()

  function step<S extends FormSchema>(path: string, options: Step<S>) {
    const actorAndReach = (principal: Principal) => ({ actor: actorOf(principal), reach: reachOf(principal) })
    formOnPage(app, `${referralsPath}/:id/${path}`, {
      access: options.access,
      form: options.form,
      ...(options.inputOf ? { inputOf: options.inputOf } : {}),
      // The reader must be allowed to see it before anything else is said about it.
      check: async ({ principal, params }) => {
        const { actor, reach } = actorAndReach(principal)
        await referrals.read(params.id as string, reach, actor, 'change')
      },
      page: ({ principal, params }, shown) => pacView(services, principal, params.id as string, {}, shown),
      save: async ({ principal, params, input }) => {
        const { actor, reach } = actorAndReach(principal)
        await options.save(params.id as string, input, actor, reach)
        return `${referralsPath}/${params.id}`
      },
    })
  }

  step('review', {
    access: pacReviewers,
    form: reviewForm,
    inputOf: { reviewDecision: 'decision', reviewNote: 'note' },
    save: (id, { version, decision, note }, actor, reach) =>
      referrals.review(id, version, { decision, note }, actor, reach),
  })

  step('share', {
    access: pacSharers,
    form: shareForm,
    save: (id, { version }, actor, reach) =>
      referrals.update(id, version, { sharedWithMashAt: now() }, actor, reach),
  })

  step('mash', {
    access: pacMashRoles,
    form: mashForm,
    inputOf: { mashBrag: 'brag' },
    save: async (id, { version, brag, decided }, actor, reach) => {
      const pac = await referrals.get(id)
      return referrals.update(
        id,
        version,
        {
          mashBrag: brag,
          // Saving the same rating again keeps when it was first given.
          mashRatedAt: pac?.mashRatedAt && pac.mashBrag === brag ? pac.mashRatedAt : now(),
          ...(decided ? { mashDecisionAt: now() } : {}),
        },
        actor,
        reach,
      )
    },
  })

  step('outcome', {
    access: pacOutcomeRecorders,
    form: outcomeForm,
    save: (id, { version, outcome, outcomeReason }, actor, reach) =>
      referrals.update(id, version, { outcome, outcomeReason, feedbackAt: now() }, actor, reach),
  })

  step('follow-up', {
    access: pacFollowUppers,
    form: followUpForm,
    save: (id, { version, followUp }, actor, reach) =>
      referrals.update(id, version, { followUp, followUpAt: now() }, actor, reach),
  })
}
