import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { checkbox, recordVersion, text } from '../../../platform/http/form-fields.ts'
import { episodeRecorders } from '../access.ts'
import { episodePath, episodeView } from './episode.ts'
import { localDateTime } from './local-date-time.ts'
import { formOnPage, type MissingPageServices, missingPath } from './shared.ts'

// The service checks the names too (the API sends them); here they are listed with the time, at once.
const returnForm = z.object({
  returnedAt: localDateTime({ label: 'return time' }),
  foundPlace: text({ required: 'Enter where the child was found' }),
  foundBy: text({ required: 'Enter who found the child or where they returned' }),
  foundWith: text(),
  version: recordVersion(),
})

const preventionInterviewForm = z.object({
  preventionInterviewAt: localDateTime({ label: 'interview time' }),
  preventionInterviewBy: text({ required: 'Enter who held the interview' }),
  disclosures: text(),
  version: recordVersion(),
})

const returnHomeInterviewForm = z.object({
  laNotifiedAt: localDateTime({ label: 'time the local authority was notified', required: false }),
  returnHomeInterviewAt: localDateTime({ label: 'return home interview time', required: false }),
  declined: checkbox(),
  version: recordVersion(),
})

/** The child found or returned, and the interviews after: the police's prevention interview and the local authority's. */
export function returnPages(app: FastifyInstance, services: MissingPageServices) {
  const { missing } = services
  const episodePage = episodeView(services)

  formOnPage(app, `${missingPath}/episodes/:id/return`, {
    access: episodeRecorders,
    form: returnForm,
    page: episodePage,
    save: async ({ params, input, principal }) => {
      const id = params.id as string
      const { returnedAt, foundPlace, foundBy, foundWith } = input
      await missing.recordReturn(id, input.version, { returnedAt, foundPlace, foundBy, foundWith }, principal)
      return episodePath(id)
    },
  })

  formOnPage(app, `${missingPath}/episodes/:id/prevention-interview`, {
    access: episodeRecorders,
    form: preventionInterviewForm,
    page: episodePage,
    save: async ({ params, input, principal }) => {
      const id = params.id as string
      await missing.recordPreventionInterview(
        id,
        input.version,
        { at: input.preventionInterviewAt, by: input.preventionInterviewBy, disclosures: input.disclosures },
        principal,
      )
      return episodePath(id)
    },
  })

  formOnPage(app, `${missingPath}/episodes/:id/return-home-interview`, {
    access: episodeRecorders,
    form: returnHomeInterviewForm,
    page: episodePage,
    save: async ({ params, input, principal }) => {
      const id = params.id as string
      await missing.recordReturnHomeInterview(
        id,
        input.version,
        {
          laNotifiedAt: input.laNotifiedAt,
          interviewAt: input.returnHomeInterviewAt,
          declined: input.declined,
        },
        principal,
      )
      return episodePath(id)
    },
  })
}
