import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { text, wholeNumber } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { dutyRecorders, episodeReporters, missingReaders, planAgreers } from '../access.ts'
import {
  can,
  formOnPage,
  type MissingPageServices,
  missingPath,
  notShown,
  type PageOf,
  type Shown,
} from './shared.ts'

const staffCount = 'Enter the number of staff on duty, like 3'

// An empty box is not "nobody on duty": it is a number left out.
const dutyForm = z.object({
  unit: text(),
  staffOnDuty: wholeNumber({ message: staffCount, required: staffCount, max: 500 }),
  names: text(),
})

/** The missing persons unit's page: live episodes by risk and age, what is due, and the units' staff on duty. */
export function unitPages(app: FastifyInstance, services: MissingPageServices) {
  const { missing } = services

  async function unitView({ request, principal }: PageOf, shown: Shown) {
    const q = request.query as { borough?: string; unit?: string }
    const unit = await missing.unitView(principal, {
      boroughId: q.borough,
      unitId: q.unit,
      query: `${request.method} ${request.url}`,
      requestId: request.id,
    })
    return view('missing/views/unit.njk', {
      pageTitle: 'Missing children',
      view: unit,
      canReport: can(principal, episodeReporters),
      canAgreePlan: can(principal, planAgreers),
      canRecordDuty: can(principal, dutyRecorders),
      ...shown,
    })
  }

  page(app, missingPath, {
    access: missingReaders,
    get: ({ request, principal, params }) => unitView({ request, principal, params }, notShown),
  })

  formOnPage(app, `${missingPath}/duty`, {
    access: dutyRecorders,
    form: dutyForm,
    page: unitView,
    save: async ({ input, principal }) => {
      await missing.recordDuty(input.unit, input.staffOnDuty as number, input.names, principal)
      return missingPath
    },
  })
}
