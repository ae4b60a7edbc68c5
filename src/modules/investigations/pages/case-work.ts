import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { dateInput, radios, recordVersion, text } from '../../../platform/http/form-fields.ts'
import type { Services } from '../../../services.ts'
import { investigationWorkers } from '../access.ts'
import { actionKindLabels, actionKinds } from '../investigation.ts'
import { actorOf, caseForm, investigationsPath } from './shared.ts'

const crimeForm = z.object({
  offence: text(),
  crimeReference: text(),
  version: recordVersion(),
})

/** An action's fields, in the order the page shows them. */
const actionForm = z.object({
  kind: radios(actionKinds, 'Select the kind of action'),
  description: text({ required: 'Enter the action' }),
  ownerStaffId: text(),
  dueOn: dateInput({ label: 'Due date', required: false }),
  version: recordVersion(),
})

/** The officer's work on a case: recording the crime, adding an action, and marking one done. */
export function caseWorkPages(app: FastifyInstance, services: Services) {
  const { investigations, organisation } = services

  caseForm(app, services, {
    path: 'crime',
    template: 'crime.njk',
    title: 'Record the crime',
    tab: 'summary',
    form: crimeForm,
    save: ({ id, version, input, actor, reach }) =>
      investigations.recordCrime(
        id,
        version,
        { offence: input.offence, crimeReference: input.crimeReference },
        actor,
        reach,
      ),
  })

  // An action or line of enquiry the officer sets; work a supervisor directs comes with their review.
  caseForm(app, services, {
    path: 'action',
    template: 'action.njk',
    title: 'Add an action',
    tab: 'actions',
    form: actionForm,
    extra: async (c, values) => {
      const teamId = c.investigation.team_id
      const staff = teamId ? await organisation.staffWithTraining(teamId) : []
      return {
        ownerItems: [
          {
            value: '',
            text: c.officerName ? `The allocated officer (${c.officerName})` : 'The allocated officer',
          },
          ...staff.map((s) => ({ value: s.id, text: s.name, selected: s.id === values.ownerStaffId })),
        ],
        kindItems: actionKinds.map((k) => ({
          value: k,
          text: actionKindLabels[k],
          checked: (values.kind || 'action') === k,
        })),
      }
    },
    save: async ({ id, version, input, actor, reach }) => {
      const found = await investigations.get(id, reach)
      const staff = found?.team_id ? await organisation.staffWithTraining(found.team_id) : []
      if (input.ownerStaffId && !staff.some((s) => s.id === input.ownerStaffId))
        throw new ValidationError([
          { field: 'ownerStaffId', reason: 'Select an officer of the team from the list' },
        ])
      return investigations.addAction(
        id,
        version,
        {
          kind: input.kind,
          description: input.description,
          ownerStaffId: input.ownerStaffId || null,
          dueOn: input.dueOn,
          directed: false,
        },
        actor,
        reach,
      )
    },
  })

  // A button on the actions tab, not a page: the case's version comes with it.
  app.post(
    `${investigationsPath}/:id/actions/:actionId/done`,
    { config: { access: investigationWorkers } },
    async (request, reply) => {
      const { id, actionId } = request.params as { id: string; actionId: string }
      const principal = request.principal as Principal
      await investigations.completeAction(
        id,
        Number(formText(request.body as Record<string, unknown>, 'version')),
        actionId,
        actorOf(principal),
        reachOf(principal),
      )
      return reply.redirect(`${investigationsPath}/${id}/actions`, 303)
    },
  )
}
