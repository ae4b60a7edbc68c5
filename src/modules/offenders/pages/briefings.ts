import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { isUuid } from '../../../platform/ids.ts'
import { mayDo, offendersAccess } from '../access.ts'
import { riskLabels } from '../rso.ts'
import { actorOf, type OffendersPageDeps, offendersPath } from './shared.ts'

export const briefingsPath = `${offendersPath}/briefings`

const generateForm = z.object({ borough: text({ required: 'Choose the borough to brief' }) })

/**
 * Neighbourhood briefings: the current briefing of each area the reader may see, one briefing to read (and
 * print on A4), and a borough's briefing generated now rather than at the next hourly run.
 */
export function briefingPages(app: FastifyInstance, deps: OffendersPageDeps) {
  page(app, briefingsPath, {
    access: offendersAccess.readBriefing,
    form: generateForm,
    get: async ({ principal, form, query }) => {
      const force = await deps.organisation.force()
      const reach = reachOf(principal)
      const boroughs = (await deps.organisation.boroughs(force.id)).filter(
        (b) => reach.forceWide || reach.boroughIds.includes(b.id),
      )
      const chosen = typeof form?.values.borough === 'string' ? form.values.borough : ''
      return view('offenders/views/briefings.njk', {
        pageTitle: 'Neighbourhood briefings',
        briefings: await deps.offenders.briefings(principal),
        unchanged: query?.unchanged === '1',
        mayGenerate: mayDo('generateBriefing', principal.roles),
        boroughItems: [
          { value: '', text: 'Choose a borough', selected: !chosen },
          ...boroughs.map((b) => ({ value: b.id, text: b.name, selected: b.id === chosen })),
        ],
        fieldErrors: form?.fieldErrors ?? {},
      })
    },
    post: async ({ principal, input }) => {
      if (!mayDo('generateBriefing', principal.roles))
        throw new ForbiddenError('Offender managers, supervisors and leads generate briefings')
      const borough = isUuid(input.borough) ? await deps.organisation.borough(input.borough) : undefined
      if (!borough)
        throw new ValidationError([{ field: 'borough', reason: 'Choose a borough from the list' }])
      const made = await deps.offenders.generateBriefing(
        { boroughId: input.borough, wardId: null },
        actorOf(principal),
        reachOf(principal),
      )
      return made[0] ? `${briefingsPath}/${made[0].ref}` : `${briefingsPath}?unchanged=1`
    },
  })

  page(app, `${briefingsPath}/:ref`, {
    access: offendersAccess.readBriefing,
    get: async ({ principal, params }) => {
      const seen = await deps.offenders.briefing(params.ref as string, principal)
      return view('offenders/views/briefing.njk', {
        pageTitle: `Briefing ${seen.briefing.ref}: registered sex offenders living in ${seen.briefing.ward ?? seen.briefing.borough}`,
        ...seen,
        riskLabels,
      })
    },
  })
}
