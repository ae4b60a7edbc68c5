import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { text, wholeNumber } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { exportHrefs, exportRoutes, oneBatch } from '../../../platform/http/record-export.ts'
import { countdown, formatSpan } from '../../../platform/time.ts'
import { mostUrgentFirst } from '../../../platform/urgency.ts'
import { parametersAt } from '../../../standards/parameters.ts'
import { dutyRecorders, episodeKind, episodeReporters, missingReaders, planAgreers } from '../access.ts'
import type { UnitEpisode } from '../service/unit-view.ts'
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

  /** The unit's view with the page's filters (a borough, a unit), its read logged. */
  // An export logs the rows it sends itself (`exported`); the page logs what it shows.
  const viewFor = ({ request, principal }: Pick<PageOf, 'request' | 'principal'>, exported = false) => {
    const q = request.query as { borough?: string; unit?: string }
    return missing.unitView(principal, {
      boroughId: q.borough,
      unitId: q.unit,
      query: `${request.method} ${request.url}`,
      requestId: request.id,
      exported,
    })
  }

  async function unitView({ request, principal }: PageOf, shown: Shown) {
    const unit = await viewFor({ request, principal })
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
      exportLinks: exportHrefs(missingPath, request.query),
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

  // The episodes the page names (children missing now, and those returned owing a prevention interview).
  exportRoutes<UnitEpisode & { state: string }>(app, missingPath, {
    access: missingReaders,
    accessLog: services.accessLog,
    list: async (on) => ({
      fileName: 'kestrel-missing-children',
      subjectKind: episodeKind.kind,
      idOf: (i) => i.id,
      batches: () =>
        oneBatch(async () => {
          const unit = await viewFor(on, true)
          return [
            ...unit.live.map((i) => ({ ...i, state: 'missing' })),
            ...unit.returnsWithoutInterview.map((i) => ({
              ...i,
              state: 'returned, no prevention interview',
            })),
          ]
        }),
      columns: [
        { header: 'episode', value: (i) => i.ref },
        { header: 'child', value: (i) => i.childName },
        { header: 'child reference', value: (i) => i.childRef },
        { header: 'state', value: (i) => i.state },
        { header: 'reported at', value: (i) => i.reportedAt },
        { header: 'returned at', value: (i) => i.returnedAt },
        { header: 'age', value: (i) => i.age },
        { header: 'grade', value: (i) => i.gradeLabel },
        { header: 'next review due at', value: (i) => i.nextReviewDueAt },
        { header: 'trigger plan not read', value: (i) => (i.planUnacknowledged ? 'yes' : 'no') },
      ],
    }),
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
