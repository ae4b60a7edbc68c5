import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { dateInput, radios } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { courseLabels, courses } from '../../organisation/organisation.ts'
import { skillsAccess, skillsReach } from '../access.ts'
import { skillsPath } from './shared.ts'

/** The booking form's fields, in the order the page shows them; the service checks them again. */
const bookingForm = z.object({
  course: radios(courses, 'Select the course'),
  scheduledOn: dateInput({ label: 'Course date' }),
})

/** Booking a course for a member of a team the reader plans training for: they count as scheduled. */
export function bookingPages(app: FastifyInstance, services: Services) {
  const { skills } = services

  page(app, `${skillsPath}/people/:staffId/bookings/new`, {
    access: skillsAccess.book,
    form: bookingForm,
    action: `${skillsPath}/people/:staffId/bookings`,
    get: async ({ params, principal, form }) => {
      const { staff, team, coverage } = await skills.personInReach(
        params.staffId as string,
        skillsReach(principal),
      )
      // The courses they lack come first, then the rest.
      const lacking = new Set(
        (coverage?.courses ?? []).filter((c) => c.state !== 'trained').map((c) => c.course),
      )
      const ordered = [...courses.filter((c) => lacking.has(c)), ...courses.filter((c) => !lacking.has(c))]
      const chosen = form?.values.course ?? (ordered.length && lacking.size ? ordered[0] : undefined)
      return view('skills/views/booking-form.njk', {
        pageTitle: `Book a course for ${staff.name}`,
        staff,
        team,
        courseItems: ordered.map((c) => ({
          value: c,
          text: courseLabels[c],
          hint: lacking.has(c) ? { text: 'Required of their team and not yet held' } : undefined,
          checked: c === chosen,
        })),
        dateItems: form ? form.dateItems('scheduledOn') : dateInputItems(dateParts(null)),
      })
    },
    post: async ({ params, input, principal }) => {
      const reach = skillsReach(principal)
      const { team } = await skills.personInReach(params.staffId as string, reach)
      await skills.book(params.staffId as string, input, reach, principal)
      return `${skillsPath}/teams/${team.id}`
    },
  })
}
