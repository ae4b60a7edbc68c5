import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ValidationError } from '../../../platform/http/errors.ts'
import { dateTimeInput, recordVersion, text, yesNo } from '../../../platform/http/form-fields.ts'
import type { Services } from '../../../services.ts'
import { conferenceRecorders, strategyRecorders } from '../access.ts'
import { agencies, agencyLabels } from '../investigation.ts'
import { caseForm, group, instantOf, rowErrors } from './shared.ts'

const participantRows = [0, 1, 2, 3, 4] as const

const participants = Object.fromEntries(
  participantRows.flatMap((n) => [
    [`participants-${n}-agency`, text()],
    [`participants-${n}-name`, text()],
  ]),
) as Record<`participants-${(typeof participantRows)[number]}-${'agency' | 'name'}`, ReturnType<typeof text>>

/** The strategy discussion's fields, in the order the page shows them; the service checks them again. */
const strategyForm = z.object({
  heldAt: dateTimeInput({ label: 'Date of the discussion' }),
  // "Add at least one participant": the rows as a whole.
  participants: group(),
  ...participants,
  decisions: text(),
  jointSafetyPlan: text(),
  beginsSection47: text(),
  version: recordVersion(),
})

const conferenceForm = z.object({
  heldAt: dateTimeInput({ label: 'Date of the conference' }),
  policeAttended: yesNo('Select whether the police attended'),
  attendeeName: text(),
  version: recordVersion(),
})

/** Working with the other agencies: the strategy discussion and the initial child protection conference. */
export function multiAgencyPages(app: FastifyInstance, services: Services) {
  const { investigations } = services

  caseForm(app, services, {
    path: 'strategy-discussion',
    template: 'strategy.njk',
    title: 'Record a strategy discussion',
    tab: 'strategy',
    access: strategyRecorders,
    form: strategyForm,
    extra: () => ({
      participantRows,
      agencyItems: [
        { value: '', text: 'Select an agency' },
        ...agencies.map((a) => ({ value: a, text: agencyLabels[a] })),
      ],
    }),
    save: async ({ id, version, input, actor, reach }) => {
      try {
        return await investigations.recordStrategyDiscussion(
          id,
          version,
          {
            heldAt: instantOf(input.heldAt),
            participants: participantRows.map((n) => ({
              agency: input[`participants-${n}-agency` as const],
              name: input[`participants-${n}-name` as const],
            })),
            decisions: input.decisions,
            jointSafetyPlan: input.jointSafetyPlan,
            beginsSection47: input.beginsSection47 === 'yes',
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
    path: 'conference',
    template: 'conference.njk',
    title: 'Record an initial child protection conference',
    tab: 'strategy',
    access: conferenceRecorders,
    form: conferenceForm,
    save: ({ id, version, input, actor, reach }) =>
      investigations.recordConference(
        id,
        version,
        {
          heldAt: instantOf(input.heldAt),
          policeAttended: input.policeAttended,
          attendeeName: input.attendeeName,
        },
        actor,
        reach,
      ),
  })
}
