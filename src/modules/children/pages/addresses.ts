import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInput, optionalText, text } from '../../../platform/http/form-fields.ts'
import type { Services } from '../../../services.ts'
import { boroughsOf } from '../boroughs.ts'
import { recordFormPage } from './record-form.ts'
import { boroughItems } from './shared.ts'

const addressForm = z.object({
  address: text({ required: 'Enter the address' }),
  postcode: optionalText(),
  boroughId: optionalText(),
  fromDate: dateInput({ label: 'Date they started living there' }),
})

/** Adding where a person lives: the borough decides which area holds their record. */
export function addressPages(app: FastifyInstance, services: Services) {
  recordFormPage(app, services, {
    path: '/addresses/new',
    title: 'Add an address',
    template: 'children/views/address-form.njk',
    form: addressForm,
    dates: ['fromDate'],
    back: '#addresses',
    view: async (values) => ({
      boroughItems: boroughItems(await boroughsOf(services.db), String(values.boroughId ?? '')),
    }),
    save: (person, input, principal) =>
      services.children.addAddress(person.id, { ...input, toDate: null }, principal),
  })
}
