import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { parseForm } from '../../../platform/http/form.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { dateInput, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { londonDate } from '../../../platform/time.ts'
import type { Services } from '../../../services.ts'
import { admins, isAdmin, organisationPath, readers, recordOptions } from './shared.ts'

/** The date the overview shows the structure on; today when none is asked for. */
const overviewQuery = z.object({ date: dateInput({ label: 'Date', required: false }) })

const reorganiseForm = z.object({
  boroughId: text({ required: 'Select the borough that moves' }),
  toBcuId: text({ required: 'Select the BCU it moves to' }),
  effectiveFrom: dateInput({ label: 'Date of the move' }),
})

/** The force's structure on a day, and moving a borough to another BCU from a date. */
export function structurePages(app: FastifyInstance, services: Services) {
  const organisation = services.organisation

  page(app, organisationPath, {
    access: readers,
    get: async ({ query, principal }) => {
      const force = await organisation.force()
      const asked = parseForm(overviewQuery, query)
      if (!asked.ok) {
        return view(
          'organisation/views/overview.njk',
          {
            pageTitle: 'Organisation',
            force,
            dateItems: asked.state.dateItems('date'),
            canChange: isAdmin(principal),
            errors: asked.state.errors,
            fieldErrors: asked.state.fieldErrors,
          },
          400,
        )
      }
      const day = asked.input.date ?? londonDate(services.clock.now())
      return view('organisation/views/overview.njk', {
        pageTitle: 'Organisation',
        force,
        areas: await organisation.areasAt(force.id, day),
        day,
        dateItems: dateInputItems(asked.input.date ? asked.values.date : dateParts(day)),
        canChange: isAdmin(principal),
      })
    },
  })

  page(app, `${organisationPath}/reorganise`, {
    access: admins,
    form: reorganiseForm,
    get: async ({ query, form }) => {
      const force = await organisation.force()
      const [bcus, boroughs] = await Promise.all([
        organisation.bcus(force.id),
        organisation.boroughs(force.id),
      ])
      const boroughId = form ? form.values.boroughId : formText(query, 'boroughId')
      const toBcuId = form?.values.toBcuId ?? ''
      return view('organisation/views/reorganise.njk', {
        pageTitle: 'Move a borough to another BCU',
        boroughOptions: recordOptions(boroughs, boroughId, 'Select a borough'),
        bcuOptions: recordOptions(bcus, toBcuId, 'Select a BCU', (b) => `${b.name} (${b.code})`),
        history: boroughId ? await organisation.membershipsOf(boroughId) : [],
        dateItems: form ? form.dateItems('effectiveFrom') : dateInputItems(dateParts(null)),
      })
    },
    post: async ({ input, principal }) => {
      await organisation.reorganise(input, principal.id)
      const p = dateParts(input.effectiveFrom)
      return `${organisationPath}?date-day=${p.day}&date-month=${p.month}&date-year=${p.year}`
    },
  })
}
