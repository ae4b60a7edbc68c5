import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import type { Access } from '../../../platform/access/access.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { FormSchema } from '../../../platform/http/form.ts'
import { page, view } from '../../../platform/http/page.ts'
// The offenders forms' field drawing is generic (GOV.UK components from a field list); shared, not copied.
import { type FormField, fieldsView, nowParts } from '../../offenders/pages/shared.ts'
import type { CaseView } from '../service/view.ts'
import { casePath, inFormWords, type OnlinePageDeps } from './shared.ts'

/** A form about one online case on a page of its own, drawn from a field list, saved through the service. */
export interface CaseForm<S extends FormSchema> {
  path: string
  title: string
  submitText: string
  access: Access
  form: S
  fields(v: CaseView, deps: OnlinePageDeps): Promise<readonly FormField[]>
  /** Paragraphs above the form, and a warning (the KIRAT policy, children unprotected). */
  intro?(v: CaseView, principal: Principal): string[]
  warning?(v: CaseView, principal: Principal): string | undefined
  save(deps: OnlinePageDeps, caseId: string, input: z.output<S>, principal: Principal): Promise<unknown>
}

export function casePage<S extends FormSchema>(
  app: FastifyInstance,
  deps: OnlinePageDeps,
  spec: CaseForm<S>,
) {
  page(app, `/online/cases/:caseId/${spec.path}`, {
    access: spec.access,
    form: spec.form,
    get: async ({ params, principal, form, request }) => {
      const v = await deps.online.view(params.caseId as string, principal, request.id)
      const fields = await spec.fields(v, deps)
      return view('online/views/form.njk', {
        pageTitle: spec.title,
        caseRef: v.case.ref,
        intro: spec.intro?.(v, principal) ?? [],
        warning: spec.warning?.(v, principal),
        action: `${casePath(v.case.id)}/${spec.path}`,
        fields: fieldsView(fields, form, { at: nowParts(deps.clock.now()) }),
        submitText: spec.submitText,
        cancelHref: casePath(v.case.id),
      })
    },
    post: async ({ params, principal, input }) => {
      const key = params.caseId as string
      const labels = Object.fromEntries(
        (await spec.fields(await deps.online.view(key, principal), deps)).map((f) => [f.name, f.label]),
      )
      try {
        await spec.save(deps, key, input as z.output<S>, principal)
      } catch (error) {
        inFormWords(error, labels)
      }
      return casePath(key)
    },
  })
}

export const reasonField = (label: string, hint?: string): FormField => ({
  name: 'reason',
  kind: 'textarea',
  label,
  ...(hint ? { hint } : {}),
})
export const atField: FormField = { name: 'at', kind: 'datetime', label: 'Date and time' }
export const level = (v: CaseView) => v.kirat[0]?.level ?? null
