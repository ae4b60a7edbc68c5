import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { dateTimeInput, optionalText, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { mayDo, offendersAccess } from '../access.ts'
import { orderResults } from '../service/inputs.ts'
import {
  actorOf,
  type FormField,
  fieldsView,
  inFormWords,
  instantOf,
  type OffendersPageDeps,
  offendersPath,
} from './shared.ts'

export const arrivalsPath = `${offendersPath}/arrivals`

const resultLabels: Record<(typeof orderResults)[number], string> = {
  granted: 'Granted',
  refused: 'Refused',
  adjourned: 'Adjourned',
}

const arrivalForm = z.object({
  name: text({ required: 'Enter the name of the person arriving', maxLength: 200 }),
  country: text({ required: 'Enter the country deporting them', maxLength: 100 }),
  flight: text({ required: 'Enter the flight', maxLength: 20 }),
  expectedAt: dateTimeInput({ label: 'Expected arrival' }).transform(instantOf),
  borough: text({ required: 'Choose the borough they will live in, or the airport’s' }),
  officers: optionalText({ maxLength: 500 }),
  metAt: dateTimeInput({ label: 'Met at', required: false }).transform((v) => (v ? instantOf(v) : undefined)),
  orderAppliedAt: dateTimeInput({ label: 'Notification order applied for', required: false }).transform(
    (v) => (v ? instantOf(v) : undefined),
  ),
  orderResult: optionalText().transform((v, ctx) => {
    if (v && !(orderResults as readonly string[]).includes(v))
      ctx.addIssue({ code: 'custom', message: 'Select the order’s result' })
    return (v || undefined) as (typeof orderResults)[number] | undefined
  }),
  orderResultAt: dateTimeInput({ label: 'Result given', required: false }).transform((v) =>
    v ? instantOf(v) : undefined,
  ),
  notes: optionalText({ maxLength: 4000 }),
})

const fields: FormField[] = [
  { name: 'name', kind: 'text', label: 'Name' },
  { name: 'country', kind: 'text', label: 'Country deporting them' },
  { name: 'flight', kind: 'text', label: 'Flight', short: true },
  { name: 'expectedAt', kind: 'datetime', label: 'Expected arrival' },
  { name: 'borough', kind: 'select', label: 'Borough they will live in, or the airport’s' },
  { name: 'officers', kind: 'text', label: 'Officers meeting the arrival (optional)' },
  { name: 'metAt', kind: 'datetime', label: 'Met at (optional)' },
  { name: 'orderAppliedAt', kind: 'datetime', label: 'Notification order applied for (optional)' },
  {
    name: 'orderResult',
    kind: 'radios',
    label: 'Result of the application (optional)',
    options: orderResults.map((r) => ({ value: r, text: resultLabels[r] })),
  },
  { name: 'orderResultAt', kind: 'datetime', label: 'Result given (optional)' },
  { name: 'notes', kind: 'textarea', label: 'Notes (optional)' },
]

/**
 * Deported offenders' arrivals: those expected from a day ago that the reader may see, soonest first, and a
 * form to record one (and, by ref, what was done on the day: met, the notification order and its result).
 */
export function arrivalPages(app: FastifyInstance, deps: OffendersPageDeps) {
  page(app, arrivalsPath, {
    access: offendersAccess.read,
    get: async ({ principal }) =>
      view('offenders/views/arrivals.njk', {
        pageTitle: 'Deportee arrivals',
        arrivals: (await deps.offenders.arrivals(principal)).map((a) => ({
          ...a,
          resultLabel: a.order_result ? resultLabels[a.order_result as keyof typeof resultLabels] : null,
        })),
        mayRecord: mayDo('write', principal.roles),
      }),
  })

  page(app, `${arrivalsPath}/new`, {
    access: offendersAccess.write,
    form: arrivalForm,
    action: arrivalsPath,
    get: async ({ principal, form }) => {
      const force = await deps.organisation.force()
      const reach = reachOf(principal)
      const boroughs = (await deps.organisation.boroughs(force.id)).filter(
        (b) => reach.forceWide || reach.boroughIds.includes(b.id),
      )
      const withOptions = fields.map((f) =>
        f.name === 'borough'
          ? {
              ...f,
              options: [
                { value: '', text: 'Choose a borough' },
                ...boroughs.map((b) => ({ value: b.id, text: b.name })),
              ],
            }
          : f,
      )
      return view('offenders/views/form.njk', {
        pageTitle: 'Record a deportee’s arrival',
        intro:
          'Record the arrival when it is notified; come back on the day for the meeting and the notification order.',
        action: arrivalsPath,
        fields: fieldsView(withOptions, form),
        submitText: 'Save the arrival',
        cancelHref: arrivalsPath,
      })
    },
    post: async ({ principal, input }) => {
      try {
        await deps.offenders.recordArrival(
          { ...input, officers: input.officers || undefined, notes: input.notes || undefined },
          actorOf(principal),
          reachOf(principal),
        )
      } catch (error) {
        inFormWords(error, fields)
      }
      return arrivalsPath
    },
  })
}
