import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { checkbox, dateInput, recordVersion, text } from '../../../platform/http/form-fields.ts'
import { instantOfDay } from '../../../platform/time.ts'
import type { Services } from '../../../services.ts'
import { investigationAllocators, investigationClosers, investigationReviewers } from '../access.ts'
import { outcomeCodes, outcomeLabels } from '../investigation.ts'
import { caseForm, group, rowErrors } from './shared.ts'

const actionRows = [0, 1, 2] as const

/** A review's further work, one row per piece: what must be done and by when (both optional). */
const furtherWork = Object.fromEntries(
  actionRows.flatMap((n) => [
    [`actions-${n}-description`, text()],
    [`actions-${n}-dueOn`, dateInput({ label: 'Due date', required: false })],
  ]),
) as Record<`actions-${0 | 1 | 2}-description`, ReturnType<typeof text>> &
  Record<`actions-${0 | 1 | 2}-dueOn`, ReturnType<typeof dateInput>>

/** The review form's fields, in the order the page shows them; the service checks them again. */
const reviewForm = z.object({
  reviewedAt: dateInput({ label: 'Date of the review' }),
  findings: text(),
  ...furtherWork,
  version: recordVersion(),
})

const allocateForm = z.object({
  // The service's refusal of an allocation dated before the opening, which has no box of its own.
  allocatedAt: group(),
  // Chosen with the team select above the form, and carried in it.
  teamId: text(),
  staffId: text({ required: 'Select the officer' }),
  reason: text(),
  version: recordVersion(),
})

const closeForm = z.object({
  // The service's refusal of a closing date (before the opening, or in the future): no box of its own.
  closedAt: group(),
  outcome: text(),
  rationale: text(),
  welfareVisit: checkbox(),
  socialCareReferral: checkbox(),
  version: recordVersion(),
})

/** The supervisor's work on a case: the supervisory review, allocating it, and closing it. */
export function supervisionPages(app: FastifyInstance, services: Services) {
  const { investigations, organisation } = services

  caseForm(app, services, {
    path: 'review',
    template: 'review.njk',
    title: 'Record a supervisory review',
    tab: 'reviews',
    access: investigationReviewers,
    form: reviewForm,
    extra: () => ({ actionRows }),
    save: async ({ id, version, input, actor, reach }) => {
      try {
        // A review before the investigation began is refused by the service, naming the date.
        return await investigations.recordReview(
          id,
          version,
          {
            // Dated without a time: midday, or now for a review done this morning (time.ts).
            reviewedAt: instantOfDay(input.reviewedAt, services.clock.now()),
            findings: input.findings,
            actions: actionRows.map((n) => ({
              description: input[`actions-${n}-description` as const],
              ownerStaffId: null,
              dueOn: input[`actions-${n}-dueOn` as const],
            })),
          },
          actor,
          reach,
        )
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(rowErrors(error.errors))
        throw error
      }
    },
  })

  caseForm(app, services, {
    path: 'allocate',
    template: 'allocate.njk',
    title: 'Allocate the investigation',
    tab: 'summary',
    access: investigationAllocators,
    form: allocateForm,
    extra: async (c, values, { principal, query }) => {
      const force = await organisation.force()
      const teams = (await organisation.teams(force.id, { activeOnly: true })).filter(
        (t) => t.capacity !== null && t.kind !== 'mash',
      )
      // The team chosen with the select (a GET of this page), or the one the form carried.
      const chosen = (values.teamId as string | undefined) || formText(query, 'teamId')
      const teamId = teams.some((t) => t.id === chosen) ? chosen : (c.investigation.team_id ?? teams[0]?.id)
      const id = c.investigation.id
      const officers = teamId ? await investigations.allocationOptions(id, teamId, reachOf(principal)) : []
      return {
        teamId,
        teamItems: teams.map((t) => ({ value: t.id, text: t.name, selected: t.id === teamId })),
        officers,
      }
    },
    save: ({ id, version, input, actor, reach }) =>
      investigations.allocate(
        id,
        version,
        { teamId: input.teamId, staffId: input.staffId, reason: input.reason },
        actor,
        reach,
      ),
  })

  caseForm(app, services, {
    path: 'close',
    template: 'close.njk',
    title: 'Close the investigation',
    tab: 'summary',
    access: investigationClosers,
    form: closeForm,
    extra: () => ({
      outcomeItems: [
        { value: '', text: 'Select the outcome' },
        ...outcomeCodes.map((c) => ({
          value: c,
          text: /^\d+$/.test(c) ? `${c}: ${outcomeLabels[c]}` : outcomeLabels[c],
        })),
      ],
    }),
    save: ({ id, version, input, actor, reach }) =>
      investigations.close(
        id,
        version,
        {
          outcome: input.outcome,
          rationale: input.rationale,
          welfareVisit: input.welfareVisit,
          socialCareReferral: input.socialCareReferral,
        },
        actor,
        reach,
      ),
  })
}
