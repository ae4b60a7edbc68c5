import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { recordVersion, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { flagLabels } from '../../children/person.ts'
import { episodeKind, episodeRecorders, episodeReviewers, missingReaders, planAgreers } from '../access.ts'
import { gradeLabels, reporterLabels, riskFactorLabels } from '../grading.ts'
import { toLocalInput } from './local-date-time.ts'
import {
  can,
  formOnPage,
  type MissingPageServices,
  missingPath,
  notShown,
  type PageOf,
  type Shown,
} from './shared.ts'

export const episodePath = (id: string) => `${missingPath}/episodes/${id}`

/** The episode page, with its forms for what happened next; shown again with one form's problems. */
export function episodeView(services: MissingPageServices) {
  const { missing, standards, clock } = services
  return async ({ principal, params }: PageOf, shown: Shown) => {
    const id = params.id as string
    const episode = await missing.get(id, principal)
    const findings = await standards.findingsForSubject(episodeKind.kind, id)
    return view('missing/views/episode.njk', {
      pageTitle: `Missing episode ${episode.episode.ref}`,
      view: episode,
      e: episode.episode,
      findings,
      gradeLabels,
      flagLabels,
      riskFactorLabels,
      reporterLabels,
      grades: missing.scale.map((g) => ({ value: g, text: gradeLabels[g] })),
      canRecord: can(principal, episodeRecorders),
      canReview: can(principal, episodeReviewers),
      canAgreePlan: can(principal, planAgreers),
      now: toLocalInput(clock.now()),
      ...shown,
    })
  }
}

const acknowledgeForm = z.object({ version: recordVersion() })
const pacForm = z.object({ pac: text(), version: recordVersion() })

/** The episode page, the trigger plan read, and the Merlin PAC linked. */
export function episodePages(app: FastifyInstance, services: MissingPageServices) {
  const { missing } = services
  const episodePage = episodeView(services)

  page(app, `${missingPath}/episodes/:id`, {
    access: missingReaders,
    get: (on) => episodePage(on, notShown),
  })

  formOnPage(app, `${missingPath}/episodes/:id/acknowledge`, {
    access: episodeRecorders,
    form: acknowledgeForm,
    page: episodePage,
    save: async ({ params, input, principal }) => {
      await missing.acknowledgePlan(params.id as string, input.version, principal)
      return episodePath(params.id as string)
    },
  })

  formOnPage(app, `${missingPath}/episodes/:id/pac`, {
    access: episodeRecorders,
    form: pacForm,
    page: episodePage,
    save: async ({ params, input, principal }) => {
      await missing.linkPac(params.id as string, input.version, input.pac, principal)
      return episodePath(params.id as string)
    },
  })
}
