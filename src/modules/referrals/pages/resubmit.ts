import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { checkboxes, recordVersion, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { pacResubmitters, supervisesPacs } from '../access.ts'
import { concernCategories, concernLabels } from '../pac.ts'
import { raisedBy } from '../service.ts'
import { actorOf, referralsPath } from './shared.ts'

/**
 * What may be amended, in the order the page shows it. The service checks the answers (the same checks
 * as raising a PAC), so its messages are the ones a person sees here too.
 */
const resubmitForm = z.object({
  concerns: checkboxes({ values: concernCategories, unknown: 'Select concerns from the list' }),
  riskAssessment: text(),
  voiceOfChild: text(),
  version: recordVersion(),
})

/** The officer who raised a returned PAC (or a supervisor) amends it and sends it back for review. */
export function resubmitPages(app: FastifyInstance, services: Services) {
  const { referrals } = services

  page(app, `${referralsPath}/:id/resubmit`, {
    access: pacResubmitters,
    form: resubmitForm,
    get: async ({ params, principal, reply, form }) => {
      const actor = actorOf(principal)
      const pac = await referrals.read(params.id as string, reachOf(principal), actor, 'resubmit')
      if (!supervisesPacs(principal) && !raisedBy(pac, actor)) {
        throw new ForbiddenError('Only the officer who raised this PAC or a supervisor may resubmit it')
      }
      if (pac.reviewDecision !== 'returned') return reply.redirect(`${referralsPath}/${pac.id}`, 303)
      const chosen = new Set<string>(form?.values.concerns ?? pac.concerns)
      return view('referrals/views/resubmit.njk', {
        pageTitle: 'Amend the PAC and resubmit it',
        pac,
        // What the user read, so a change by someone else meanwhile is a 409, not overwritten.
        version: form?.values.version ?? String(pac.version),
        values: form?.values ?? { riskAssessment: pac.riskAssessment, voiceOfChild: pac.voiceOfChild },
        concernItems: concernCategories.map((c) => ({
          value: c,
          text: concernLabels[c],
          checked: chosen.has(c),
        })),
      })
    },
    post: async ({ params, input: { version, ...changes }, principal }) => {
      const id = params.id as string
      const actor = actorOf(principal)
      const reach = reachOf(principal)
      // The reader must be allowed to see it before anything else is said about it.
      await referrals.read(id, reach, actor, 'resubmit')
      try {
        await referrals.resubmit(id, version, changes, actor, {
          reach,
          onBehalf: supervisesPacs(principal),
        })
      } catch (error) {
        // Reviewed again meanwhile, so no longer returned: back to the PAC, as the form itself would send them.
        if (error instanceof ValidationError && error.errors.every((e) => e.field === 'reviewDecision')) {
          return `${referralsPath}/${id}`
        }
        throw error
      }
      return `${referralsPath}/${id}?resubmitted=1`
    },
  })
}
