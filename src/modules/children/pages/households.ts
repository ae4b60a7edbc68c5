import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import type { Services } from '../../../services.ts'
import { householdRoles, relationshipKinds } from '../person.ts'
import { endingPage, longDate } from './ending.ts'
import { recordFormPage } from './record-form.ts'
import { capitalise } from './shared.ts'

const membershipForm = z.object({
  householdRef: optionalText(),
  role: radios(householdRoles, 'Select a role in the household'),
  fromDate: dateInput({ label: 'Date they started living there' }),
  toDate: dateInput({ label: 'Date they left', required: false }),
})

const relationshipForm = z.object({
  kind: radios(relationshipKinds, 'Select the relationship'),
  otherRef: text({ required: 'Enter the reference of the other person' }),
  fromDate: dateInput({ label: 'Start date', required: false }),
})

/** Who a person lives with and is related to: joining and leaving a household, adding a relationship. */
export function householdPages(app: FastifyInstance, services: Services) {
  const { children } = services

  recordFormPage(app, services, {
    path: '/households/new',
    title: 'Add to a household',
    template: 'children/views/membership-form.njk',
    form: membershipForm,
    dates: ['fromDate', 'toDate'],
    back: '/household',
    view: (values) => ({
      roleItems: householdRoles.map((r) => ({ value: r, text: capitalise(r), checked: values.role === r })),
    }),
    save: (person, input, principal) => children.addMembership(person.id, input, principal),
  })

  endingPage(app, services, {
    path: '/households/:recordId/end',
    title: 'End a household membership',
    legend: 'Date they left the household',
    back: '/household',
    load: async (person, id) => (await children.memberships(person.id)).find((m) => m.id === id),
    describe: (m) => [
      { key: 'Household', value: m.householdRef },
      { key: 'Role', value: capitalise(m.role) },
      { key: 'Lived there from', value: longDate(m.fromDate) },
      { key: 'Left', value: longDate(m.toDate) },
    ],
    end: (id, version, toDate, principal) => children.endMembership(id, version, toDate, principal),
  })

  recordFormPage(app, services, {
    path: '/relationships/new',
    title: 'Add a relationship',
    template: 'children/views/relationship-form.njk',
    form: relationshipForm,
    dates: ['fromDate'],
    back: '/household',
    view: (values) => ({
      kindItems: relationshipKinds.map((k) => ({
        value: k,
        text: `${capitalise(k)} of the person named below`,
        checked: values.kind === k,
      })),
    }),
    save: (person, input, principal) =>
      children.addRelationship(person.id, { ...input, toDate: null }, principal),
  })
}
