import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Principal } from '../../../platform/auth/principal.ts'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import type { FormState } from '../../../platform/http/form.ts'
import { dateInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import type { PageRequest } from '../../../platform/http/page.ts'
import { page, view } from '../../../platform/http/page.ts'
import { auditAccess } from '../access.ts'
import { gradeLabels, grades, themeLabels, themes } from '../criteria.ts'
import { type AuditPageDeps, auditsPath } from './shared.ts'

/*
 * What follows an audit, each a small form under the audit: a second auditor's moderation, the resolution of
 * a disagreement, the owner's response to a referral back, and a learning point tagged by theme.
 */

const gradeField = radios(grades, 'Select a grade')
const forms = {
  moderation: z.object({ grade: gradeField, note: optionalText({ maxLength: 5000 }) }),
  resolution: z.object({
    grade: gradeField,
    resolution: text({ required: 'Give the reasons for the grade agreed', maxLength: 5000 }),
  }),
  response: z.object({
    response: text({ required: 'Enter what was done', maxLength: 5000 }),
    respondedOn: dateInput({ label: 'The date of the response' }),
  }),
  learning: z.object({
    theme: radios(themes, 'Select the theme'),
    text: text({ required: 'Enter the learning point', maxLength: 5000 }),
  }),
}
type Kind = keyof typeof forms

const headings: Record<Kind, string> = {
  moderation: 'Moderate this audit',
  resolution: 'Resolve the disagreement',
  response: 'Respond to the referral back',
  learning: 'Record a learning point',
}

export function followUpPages(app: FastifyInstance, deps: AuditPageDeps) {
  const { audits } = deps
  const saves: Record<Kind, (ref: string, input: Record<string, unknown>, p: Principal) => Promise<unknown>> =
    {
      moderation: (ref, input, p) =>
        audits.moderate(ref, { grade: input.grade, note: input.note ?? undefined }, p),
      resolution: (ref, input, p) => audits.resolveModeration(ref, input, p),
      response: (ref, input, p) => audits.respond(ref, input, p),
      learning: (ref, input, p) => audits.addLearning(ref, input, p),
    }
  for (const kind of Object.keys(forms) as Kind[]) {
    const form = forms[kind] as z.ZodObject<z.ZodRawShape>
    page(app, `${auditsPath}/:ref/${kind}`, {
      access: kind === 'response' ? auditAccess.respond : auditAccess.audit,
      form,
      get: async ({
        params,
        principal,
        request,
        form: sent,
      }: PageRequest & { form: FormState | undefined }) => {
        const audit = await audits.audit(params.ref as string, principal, {
          query: `GET ${request.url}`,
          requestId: request.id,
        })
        const values = (sent?.values ?? {}) as Record<string, string | undefined>
        return view('audits/views/follow-up.njk', {
          pageTitle: `${headings[kind]}: audit ${audit.ref}`,
          heading: headings[kind],
          kind,
          audit,
          values,
          gradeLabel: gradeLabels[audit.grade as (typeof grades)[number]],
          gradeItems: grades.map((g) => ({ value: g, text: gradeLabels[g], checked: values.grade === g })),
          themeItems: themes.map((t) => ({ value: t, text: themeLabels[t], checked: values.theme === t })),
          dateItems: sent ? sent.dateItems('respondedOn') : dateInputItems(dateParts(null)),
        })
      },
      post: async ({ params, input, principal }) => {
        await saves[kind](params.ref as string, input as Record<string, unknown>, principal)
        return `${auditsPath}/${(params.ref as string).toUpperCase()}`
      },
    })
  }
}
