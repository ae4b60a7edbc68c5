import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { text, wholeNumber } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { countdown, formatSpan } from '../../../platform/time.ts'
import { mostUrgentFirst } from '../../../platform/urgency.ts'
import { parametersAt } from '../../../standards/parameters.ts'
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
  const { missing, standards, db } = services

  async function unitView({ request, principal }: PageOf, shown: Shown) {
    const q = request.query as { borough?: string; unit?: string }
    const unit = await missing.unitView(principal, {
      boroughId: q.borough,
      unitId: q.unit,
      query: `${request.method} ${request.url}`,
      requestId: request.id,
    })
    const asOf = unit.asOf
    // The prevention interview is due MIS-06's hours after the return, as the borough has set them.
    const mis06 = standards.rule('MIS-06')
    if (!mis06) throw new Error('MIS-06 is not registered')
    const interview = await parametersAt<{ hours: number }>(db, mis06, asOf)
    const missingNow = (i: (typeof unit.live)[number]) => ({
      ...i,
      missingFor: formatSpan(asOf.getTime() - i.reportedAt.getTime()),
      review: i.nextReviewDueAt ? countdown(i.nextReviewDueAt, asOf) : null,
    })
    const returns = mostUrgentFirst(
      unit.returnsWithoutInterview.map((i) => {
        const dueAt = new Date(
          (i.returnedAt as Date).getTime() + interview.forBorough(i.boroughId).hours * 3_600_000,
        )
        return { ...i, interviewDueAt: dueAt, interview: countdown(dueAt, asOf) }
      }),
      asOf,
      (i) => ({ dueAt: i.interviewDueAt, risk: i.gradeRank }),
    )
    return view('missing/views/unit.njk', {
      pageTitle: 'Missing children',
      view: {
        ...unit,
        reviewsDue: unit.reviewsDue.map(missingNow),
        live: unit.live.map(missingNow),
        returnsWithoutInterview: returns,
      },
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
