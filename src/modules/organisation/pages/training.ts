import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { dateInput, radios } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { courseLabels, courses } from '../organisation.ts'
import { admins, organisationPath } from './shared.ts'

/** The training form's fields, in the order the page shows them. */
const trainingForm = z.object({
  course: radios(courses, 'Select the course'),
  completedOn: dateInput({ label: 'Completion date' }),
})

/** Recording a course a member of staff has completed. */
export function trainingPages(app: FastifyInstance, services: Services) {
  const organisation = services.organisation

  page(app, `${organisationPath}/staff/:staffId/training/new`, {
    access: admins,
    form: trainingForm,
    action: `${organisationPath}/staff/:staffId/training`,
    get: async ({ params, form }) => {
      const staff = await organisation.staffMember(params.staffId as string)
      if (!staff) throw new NotFoundError()
      return view('organisation/views/training-form.njk', {
        pageTitle: `Add a training record for ${staff.name}`,
        staff,
        courseItems: courses.map((value) => ({
          value,
          text: courseLabels[value],
          checked: value === form?.values.course,
        })),
        dateItems: form ? form.dateItems('completedOn') : dateInputItems(dateParts(null)),
      })
    },
    post: async ({ params, input, principal }) => {
      const staff = await organisation.staffMember(params.staffId as string)
      if (!staff) throw new NotFoundError()
      await organisation.addTraining(staff.id, input, principal.id)
      return `${organisationPath}/staff/${staff.id}`
    },
  })
}
