import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { mayDo, offendersAccess } from '../access.ts'
import { riskLabels } from '../rso.ts'
import { actorOf, type OffendersPageDeps, offendersPath } from './shared.ts'

export const briefingsPath = `${offendersPath}/briefings`

const generateForm = z.object({ area: text({ required: 'Choose the borough or ward to brief' }) })

/**
 * Neighbourhood briefings: the current briefing of each area the reader may see, one briefing to read (and
 * print on A4), and a borough's briefing generated now rather than at the next hourly run.
 */
export function briefingPages(app: FastifyInstance, deps: OffendersPageDeps) {
  page(app, briefingsPath, {
    access: offendersAccess.readBriefing,
    form: generateForm,
    get: async ({ principal, form, query }) => {
      const mayGenerate = mayDo('generateBriefing', principal.roles)
      const choices = mayGenerate ? await deps.offenders.briefingChoices(principal) : []
      const chosen = typeof form?.values.area === 'string' ? form.values.area : ''
      return view('offenders/views/briefings.njk', {
        pageTitle: 'Neighbourhood briefings',
        briefings: await deps.offenders.briefings(principal),
        unchanged: query?.unchanged === '1',
        mayGenerate,
        areaItems: [
          { value: '', text: 'Choose a borough or ward', selected: !chosen },
          ...choices.map((c) => ({ value: c.id, text: c.name, selected: c.id === chosen })),
        ],
        fieldErrors: form?.fieldErrors ?? {},
      })
    },
    post: async ({ principal, input }) => {
      if (!mayDo('generateBriefing', principal.roles))
        throw new ForbiddenError('Offender managers, supervisors and leads generate briefings')
      // The choices the page offered this reader: an area outside their reach is not in the list either.
      const area = (await deps.offenders.briefingChoices(principal)).find((c) => c.id === input.area)
      if (!area)
        throw new ValidationError([{ field: 'area', reason: 'Choose a borough or ward from the list' }])
      const made = await deps.offenders.generateBriefing(
        { boroughId: area.boroughId, wardId: area.wardId },
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
