import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems } from '../../../platform/http/date-input.ts'
import { checkbox, dateTimeInput, optionalText, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
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

/** Recording a child's detention: the form opens at now, London time. */
export function newDetentionPages(app: FastifyInstance, { custody, clock }: CustodyPageDeps) {
  page(app, `${custodyPath}/detentions/new`, {
    access: custodyAccess.recordDetention,
    form: detentionForm,
    action: `${custodyPath}/detentions`,
    get: async ({ principal, form }) => {
      const suites = await custody.suitesFor(principal)
      const typed = form?.values
      const arrested = typed?.arrestedAt ?? nowParts(clock.now())
      return view('custody/views/new.njk', {
        pageTitle: 'Record a child’s detention',
        values: {
          child: typed?.child ?? '',
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
