import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import type { Access } from '../../../platform/access/access.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { FormSchema } from '../../../platform/http/form.ts'
import { page, view } from '../../../platform/http/page.ts'
import { riskLabels, riskLevels } from '../rso.ts'
import type { RsoView } from '../service/view.ts'
import {
  actorOf,
  type FormField,
  fieldsView,
  identityOf,
  inFormWords,
  nowParts,
  type OffendersPageDeps,
  offendersPath,
} from './shared.ts'

/** The pieces every record form is built from: its page, who keeps it, a field opening at now. */

export const levelOptions = riskLevels.map((l) => ({ value: l, text: riskLabels[l] }))
export const yesNoOptions = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
]

export interface RecordForm<S extends FormSchema> {
  /** The page's path under the RSO's, and the section of the RSO's page it returns to. */
  path: string
  section: string
  title: string
  intro?: string
  submitText: string
  access: Access
  form: S
  /** The fields in the order the schema lists them, as the template draws them. */
  fields: readonly FormField[]
  /** Choices read when the page is shown (the RSO's assessments, the managers). */
  options?(deps: OffendersPageDeps, rso: RsoView): Promise<Record<string, FormField['options']>>
  /** What the form opens with. */
  initial?(now: Date, rso: RsoView): Record<string, unknown>
  save(deps: OffendersPageDeps, rso: string, input: z.output<S>, principal: Principal): Promise<unknown>
}

export function recordPage<S extends FormSchema>(
  app: FastifyInstance,
  deps: OffendersPageDeps,
  spec: RecordForm<S>,
) {
  page(app, `${offendersPath}/:id/${spec.path}`, {
    access: spec.access,
    form: spec.form,
    get: async ({ params, principal, form }) => {
      const rso = await deps.offenders.view(params.id as string, principal)
      const options = (await spec.options?.(deps, rso)) ?? {}
      const fields = spec.fields.map((f) => (options[f.name] ? { ...f, options: options[f.name] } : f))
      return view('offenders/views/form.njk', {
        pageTitle: spec.title,
        intro: spec.intro,
        rso: identityOf(rso),
        action: `${offendersPath}/${rso.rso.id}/${spec.path}`,
        fields: fieldsView(fields, form, spec.initial?.(deps.clock.now(), rso)),
        submitText: spec.submitText,
        cancelHref: `${offendersPath}/${rso.rso.id}`,
      })
    },
    post: async ({ params, principal, input }) => {
      const key = params.id as string
      try {
        await spec.save(deps, key, input as z.output<S>, principal)
      } catch (error) {
        inFormWords(error, spec.fields)
      }
      return `${offendersPath}/${encodeURIComponent(key)}#${spec.section}`
    },
  })
}

export const keeping = (principal: Principal) => [actorOf(principal), reachOf(principal)] as const

/** A date and time field opening at now, London time. */
export const fromNow =
  (...names: string[]) =>
  (now: Date) =>
    Object.fromEntries(names.map((n) => [n, nowParts(now)]))
