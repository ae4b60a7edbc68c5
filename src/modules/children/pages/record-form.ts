import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import type { Principal } from '../../../platform/auth/principal.ts'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import type { FormSchema, FormState } from '../../../platform/http/form.ts'
import { page, view } from '../../../platform/http/page.ts'
import type { Services } from '../../../services.ts'
import { personWriters } from '../access.ts'
import { displayName } from '../person.ts'
import type { Person } from '../service.ts'
import { peoplePath, personToChange } from './shared.ts'

/** A form that adds to a person's record (a flag, an address, a household membership, a relationship). */
export interface RecordForm<S extends FormSchema> {
  /** Under /people/:id. */
  path: string
  title: string
  template: string
  form: S
  /** The date inputs the template shows, by field name. */
  dates: (keyof z.input<S> & string)[]
  /** Where to go back to and, once saved, on to: under /people/:id. */
  back: string
  /** What the template shows besides the form's values: its radios and selects, from what was typed. */
  view(values: Partial<z.input<S>>): Promise<Record<string, unknown>> | Record<string, unknown>
  save(person: Person, input: z.output<S>, principal: Principal): Promise<unknown>
}

/**
 * Registers one such form, for those who may change the person (their area, the MASH or an admin; 403
 * for anyone else), shown with the person's name, and back on their page once saved.
 */
export function recordFormPage<S extends FormSchema>(
  app: FastifyInstance,
  services: Services,
  options: RecordForm<S>,
) {
  page(app, `${peoplePath}/:id${options.path}`, {
    access: personWriters,
    form: options.form,
    get: async ({ request, reply, form }) => {
      const person = await personToChange(services, request, reply, options.path)
      if (!person) return reply
      const state = form as FormState<S> | undefined
      const values = (state?.values ?? {}) as Partial<z.input<S>>
      return view(options.template, {
        pageTitle: `${options.title}: ${displayName(person)}`,
        title: options.title,
        person,
        name: displayName(person),
        values,
        action: `${peoplePath}/${person.id}${options.path}`,
        back: `${peoplePath}/${person.id}${options.back}`,
        dateItems: Object.fromEntries(
          options.dates.map((name) => [
            name,
            state ? state.dateItems(name) : dateInputItems(dateParts(null)),
          ]),
        ),
        ...(await options.view(values)),
      })
    },
    post: async ({ request, reply, input, principal }) => {
      const person = await personToChange(services, request, reply, options.path)
      if (!person) return reply
      await options.save(person, input as z.output<S>, principal)
      return `${peoplePath}/${person.id}${options.back}`
    },
  })
}
