import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { checkboxes, optionalText, recordVersion, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { londonDate } from '../../../platform/time.ts'
import { missingReaders, planAgreers, planEnders } from '../access.ts'
import { agreedWithKinds, agreedWithLabels } from '../service.ts'
import {
  boroughList,
  can,
  formOnPage,
  type MissingPageServices,
  missingPath,
  notShown,
  type PageOf,
  type Shown,
} from './shared.ts'

/*
 * The service checks what a plan says (the API and the imports send plans too) and names each problem;
 * the page lists them in its own order.
 */
const planForm = z.object({
  child: text(),
  borough: optionalText(),
  placesToSearch: text(),
  peopleToContact: text(),
  risks: text(),
  authorName: text(),
  agreedWith: checkboxes({ values: agreedWithKinds }),
  startDate: text(),
  reviewDate: text(),
})

const endForm = z.object({ endedOn: text(), endReason: text(), version: recordVersion() })

const planPath = (id: string) => `${missingPath}/trigger-plans/${id}`

/** Trigger plans: agreeing one for a child, reading it, and ending it. */
export function triggerPlanPages(app: FastifyInstance, services: MissingPageServices) {
  const { missing, organisation, clock } = services

  page(app, `${missingPath}/trigger-plans/new`, {
    access: planAgreers,
    form: planForm,
    action: `${missingPath}/trigger-plans`,
    get: async ({ query, form }) => {
      const typed = (form?.values ?? {
        child: typeof query?.child === 'string' ? query.child : '',
        startDate: londonDate(clock.now()),
      }) as Record<string, unknown>
      const ticked = Array.isArray(typed.agreedWith) ? (typed.agreedWith as string[]) : []
      return view('missing/views/plan-form.njk', {
        pageTitle: 'Agree a trigger plan',
        boroughs: await boroughList(organisation),
        agreedWith: agreedWithKinds.map((k) => ({
          value: k,
          text: agreedWithLabels[k],
          checked: ticked.includes(k),
        })),
        values: typed,
      })
    },
    post: async ({ input, principal }) => {
      const { borough, ...plan } = input
      const agreed = await missing.createPlan({ ...plan, ...(borough ? { borough } : {}) }, principal)
      return planPath(agreed.id)
    },
  })

  async function planView({ principal, params }: PageOf, shown: Shown) {
    const plan = await missing.plan(params.id as string, principal)
    return view('missing/views/plan.njk', {
      pageTitle: `Trigger plan ${plan.plan.ref}`,
      view: plan,
      agreedWithLabels,
      canEnd: can(principal, planEnders),
      today: londonDate(clock.now()),
      ...shown,
    })
  }

  page(app, `${missingPath}/trigger-plans/:id`, {
    access: missingReaders,
    get: (on) => planView(on, notShown),
  })

  formOnPage(app, `${missingPath}/trigger-plans/:id/end`, {
    access: planEnders,
    form: endForm,
    page: planView,
    save: async ({ params, input, principal }) => {
      const id = params.id as string
      await missing.endPlan(id, input.version, input.endedOn, input.endReason, principal)
      return planPath(id)
    },
  })
}
