import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems } from '../../../platform/http/date-input.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { checkbox, dateTimeInput, optionalText, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { childChosen, findChildStep } from '../../children/pages/find-child.ts'
import { displayName } from '../../children/person.ts'
import { custodyAccess } from '../access.ts'
import { type CustodyPageDeps, custodyPath, instantOf, nowParts } from './shared.ts'

/** The new-detention form's fields, in the order the page shows them. */
const detentionForm = z.object({
  child: text({ required: 'Enter the child’s person reference, like KP-0000042' }),
  custodySuite: text({ required: 'Choose the custody suite' }),
  offences: text({ required: 'Enter at least one offence, one a line' }).transform((typed) =>
    typed
      .split(/\r?\n/)
      .map((offence) => offence.trim())
      .filter(Boolean),
  ),
  arrestedAt: dateTimeInput({ label: 'Arrest time' }).transform(instantOf),
  appearsUnder18: checkbox(),
  pacRef: optionalText(),
})

const findTheChild = 'Enter the child’s name or reference, or their date of birth, to find them'

/**
 * Recording a child's detention: first the child, found by name, date of birth or reference as every journey
 * from a child starts (children/pages/find-child.ts); then the form, opening at now, London time.
 */
export function newDetentionPages(app: FastifyInstance, { custody, clock, children }: CustodyPageDeps) {
  page(app, `${custodyPath}/detentions/new`, {
    access: custodyAccess.recordDetention,
    form: detentionForm,
    action: `${custodyPath}/detentions`,
    get: async ({ request, principal, query, form }) => {
      const typed = form?.values
      const chosen = typed?.child
        ? { key: typed.child, person: await children.find(typed.child) }
        : await childChosen(children, query)
      const childKey = chosen.key
      const person = chosen.person
      if (!form && !person) {
        // No child chosen yet (or a reference that finds no one): the search, saying what went wrong.
        const step = await findChildStep(children, request, '/custody/detentions/new')
        const sentEmpty =
          (query?.child !== undefined || query?.q !== undefined) &&
          !childKey &&
          !formText(query, 'q') &&
          !['dob-day', 'dob-month', 'dob-year'].some((k) => formText(query, k))
        const problem = childKey
          ? `There is no person with the reference ${childKey}`
          : sentEmpty
            ? findTheChild
            : undefined
        return view(
          'children/views/find-child.njk',
          {
            pageTitle: 'Record a child’s detention',
            ...step,
            search: childKey ? { ...step.search, q: childKey } : step.search,
            errors: [...step.errors, ...(problem ? [{ text: problem, href: '#q' }] : [])],
            fieldErrors: { ...step.fieldErrors, ...(problem ? { q: { text: problem } } : {}) },
          },
          problem || step.errors.length ? 400 : 200,
        )
      }
      const suites = await custody.suitesFor(principal)
      const arrested = typed?.arrestedAt ?? nowParts(clock.now())
      return view('custody/views/new.njk', {
        pageTitle: 'Record a child’s detention',
        // The child chosen, by name: their reference goes with the form.
        child: person
          ? { name: displayName(person), ref: person.ref, dateOfBirth: person.dateOfBirth }
          : undefined,
        values: {
          child: person?.ref ?? typed?.child ?? '',
          offences: typed?.offences ?? '',
          pacRef: typed?.pacRef ?? '',
          appearsUnder18: typed?.appearsUnder18 === 'yes',
          arrestedTime: arrested.time,
        },
        suiteItems: [
          { value: '', text: 'Choose a custody suite' },
          ...suites.map((s) => ({ value: s.id, text: s.name, selected: s.id === typed?.custodySuite })),
        ],
        arrestedItems: form ? form.dateItems('arrestedAt') : dateInputItems(arrested),
      })
    },
    post: async ({ input, principal }) => {
      const detention = await custody.create(
        {
          detention: {
            child: input.child,
            custodySuite: input.custodySuite,
            offences: input.offences,
            arrestedAt: input.arrestedAt,
            appearsUnder18: input.appearsUnder18,
            ...(input.pacRef ? { pacRef: input.pacRef } : {}),
          },
        },
        principal,
      )
      return `${custodyPath}/detentions/${detention.id}`
    },
  })
}
