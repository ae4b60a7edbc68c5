import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInput, optionalText, radios } from '../../../platform/http/form-fields.ts'
import type { Services } from '../../../services.ts'
import { flagKinds, flagLabels, protectionPlanCategories } from '../person.ts'
import { endingPage, longDate } from './ending.ts'
import { recordFormPage } from './record-form.ts'

const flagForm = z.object({
  flag: radios(flagKinds, 'Select a flag'),
  detail: optionalText(),
  fromDate: dateInput({ label: 'Start date' }),
  toDate: dateInput({ label: 'End date', required: false }),
})

/** Flagging what is known about a person (looked after, a protection plan, a risk), and ending a flag. */
export function flagPages(app: FastifyInstance, services: Services) {
  const { children } = services

  recordFormPage(app, services, {
    path: '/flags/new',
    title: 'Add a flag',
    template: 'children/views/flag-form.njk',
    form: flagForm,
    dates: ['fromDate', 'toDate'],
    back: '#flags',
    view: (values) => ({
      flagItems: flagKinds.map((f) => ({ value: f, text: flagLabels[f], checked: values.flag === f })),
      categories: protectionPlanCategories.join(', '),
    }),
    save: (person, input, principal) => children.addFlag(person.id, input, principal),
  })

  endingPage(app, services, {
    path: '/flags/:recordId/end',
    title: 'End a flag',
    legend: 'Date the flag ended',
    back: '#flags',
    load: async (person, id) => (await children.flags(person.id)).find((f) => f.id === id),
    describe: (flag) => [
      { key: 'Flag', value: flagLabels[flag.flag] + (flag.detail ? `: ${flag.detail}` : '') },
      { key: 'Started', value: longDate(flag.fromDate) },
      { key: 'Ends', value: longDate(flag.toDate) },
    ],
    end: (id, version, toDate, principal) => children.endFlag(id, version, toDate, principal),
  })
}
