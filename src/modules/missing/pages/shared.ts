import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { type Access, permits } from '../../../platform/access/access.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Database } from '../../../platform/db/database.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import {
  type FormSchema,
  formState,
  parseForm,
  problemsFromFieldErrors,
  type SummaryError,
  visibleFields,
} from '../../../platform/http/form.ts'
import type { FormBody } from '../../../platform/http/form-body.ts'
import type { View } from '../../../platform/http/page.ts'
import type { StandardsService } from '../../../standards/service.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import type { MissingService } from '../service.ts'

export const missingPath = '/missing'

export interface MissingPageServices {
  missing: MissingService
  standards: StandardsService
  organisation: OrganisationService
  clock: { now(): Date }
  db: Database
}

export const can = (principal: Principal, access: Access) => permits(access, principal.roles)

/** The force's boroughs, for the borough selects; none before a force is set up. */
export async function boroughList(organisation: OrganisationService) {
  const force = await organisation.force().catch(() => undefined)
  return force ? organisation.boroughs(force.id) : []
}

/** A page shown again with one of its forms' problems: what was typed in it, and what is wrong. */
export interface Shown {
  values: Record<string, unknown>
  errors: SummaryError[]
  fieldErrors: Record<string, { text: string }>
}

export const notShown: Shown = { values: {}, errors: [], fieldErrors: {} }

export interface PageOf {
  request: FastifyRequest
  principal: Principal
  params: Record<string, string>
}

/**
 * A form on a page that people with other roles read (the episode's review and return forms, the unit's
 * staff on duty): the page handler's POST without its GET, under the form's own access. A form with
 * something wrong shows its page again, that form's problems in its field order and what was typed in
 * it; a problem the service finds with the record as a whole (no trigger plan to acknowledge) follows
 * them in the summary, as it always did. A saved form goes to `save`'s answer with a 303.
 */
export function formOnPage<S extends FormSchema>(
  app: FastifyInstance,
  path: string,
  options: {
    access: Access
    form: S
    /** The page the form is on, shown with the form's problems. */
    page(on: PageOf, shown: Shown): Promise<View>
    /** The service's names for the form's inputs, where they differ ("grade" is the "reviewGrade" box). */
    inputOf?: Record<string, string>
    save(on: PageOf & { input: z.output<S> }): Promise<string>
  },
) {
  app.post(path, { config: { access: options.access } }, async (request, reply) => {
    const on: PageOf = {
      request,
      principal: request.principal as Principal,
      params: request.params as Record<string, string>,
    }
    const again = async (state: Omit<Shown, 'values'> & { values: unknown }, others: FieldError[] = []) => {
      const shown = await options.page(on, {
        values: state.values as Record<string, unknown>,
        errors: [...state.errors, ...others.map((e) => ({ text: e.reason, href: `#${e.field}` }))],
        fieldErrors: {
          ...Object.fromEntries(others.map((e) => [e.field, { text: e.reason }])),
          ...state.fieldErrors,
        },
      })
      return reply.code(400).render(shown.template, shown.context)
    }
    const parsed = parseForm(options.form, request.body as FormBody)
    if (!parsed.ok) {
      // A hidden field the page set (the record version) is wrong: nothing the person can correct here.
      if (parsed.hiddenErrors.length) throw new ValidationError(parsed.hiddenErrors)
      return again(parsed.state)
    }
    let next: string
    try {
      next = await options.save({ ...on, input: parsed.input })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const named = error.errors.map((e) => ({ ...e, field: options.inputOf?.[e.field] ?? e.field }))
      const visible = visibleFields(options.form)
      const problems = problemsFromFieldErrors(named.filter((e) => visible.has(e.field)))
      return again(
        formState(options.form, parsed.values, problems),
        named.filter((e) => !visible.has(e.field)),
      )
    }
    return reply.redirect(next, 303)
  })
}
