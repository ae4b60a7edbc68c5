import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import type { Access } from '../access/access.ts'
import type { Principal } from '../auth/principal.ts'
import { type FieldError, ValidationError } from './errors.ts'
import {
  type FormSchema,
  type FormState,
  formState,
  parseForm,
  problemsFromFieldErrors,
  type SummaryError,
  visibleFields,
} from './form.ts'
import type { FormBody } from './form-body.ts'
import type { View } from './page.ts'

/** A page shown again with one of its forms' problems: what was typed in it, and what is wrong. */
export interface Shown {
  values: Record<string, unknown>
  errors: SummaryError[]
  fieldErrors: Record<string, { text: string }>
  /** A date input's boxes as typed, the ones in the wrong marked (empty when the page is first shown). */
  dateItems?(field: string): ReturnType<FormState<FormSchema>['dateItems']>
}

export const notShown: Shown = { values: {}, errors: [], fieldErrors: {} }

export interface PageOf {
  request: FastifyRequest
  principal: Principal
  params: Record<string, string>
}

export interface FormOnPageOptions<S extends FormSchema> {
  access: Access
  form: S
  /** Runs before the form is read: a record the person may not see answers 404 before anything is said of it. */
  check?(on: PageOf): Promise<void>
  /** The page the form is on, shown with the form's problems. */
  page(on: PageOf, shown: Shown): Promise<View>
  /** The service's names for the form's inputs, where they differ ("reviewNote" is the "note" box). */
  inputOf?: Record<string, string>
  /** Saves the form and answers where to go next (a 303 there). */
  save(on: PageOf & { input: z.output<S> }): Promise<string>
}

/**
 * A form on a page that people with other roles read (a PAC's review, an episode's return, a unit's staff on
 * duty): page()'s POST without its GET, under the form's own access. A form with something wrong shows its
 * page again (400) with that form's problems in its field order and what was typed in it; a problem the
 * service finds with the record as a whole follows them in the summary. A problem with a hidden field the
 * page set (the record version) is not the person's to correct, so it is answered as a bad request.
 */
export function formOnPage<S extends FormSchema>(
  app: FastifyInstance,
  path: string,
  options: FormOnPageOptions<S>,
) {
  // parseForm names text the database cannot store on the form itself, so the shell leaves the body to it.
  app.post(path, { config: { access: options.access, checksOwnText: true } }, async (request, reply) => {
    const on: PageOf = {
      request,
      principal: request.principal as Principal,
      params: request.params as Record<string, string>,
    }
    await options.check?.(on)
    const again = async (state: FormState<S>, others: FieldError[] = []) => {
      const shown = await options.page(on, {
        values: state.values as Record<string, unknown>,
        dateItems: state.dateItems,
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
      const hidden = new Set(Object.keys(options.form.shape).filter((name) => !visible.has(name)))
      if (named.some((e) => hidden.has(e.field))) throw error
      const problems = problemsFromFieldErrors(named.filter((e) => visible.has(e.field)))
      return again(
        formState(options.form, parsed.values, problems),
        named.filter((e) => !visible.has(e.field)),
      )
    }
    return reply.redirect(next, 303)
  })
}
