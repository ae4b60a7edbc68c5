import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { checkbox, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { auditAccess } from '../access.ts'
import { caseTypeLabels } from '../case-types.ts'
import {
  gradeLabels,
  grades,
  judgementLabels,
  judgements,
  type Theme,
  themeLabels,
  themes,
} from '../criteria.ts'
import { programmesPath } from './programmes.ts'
import { type AuditPageDeps, auditsPath } from './shared.ts'

/*
 * The audit form for one sampled case: the criteria of its case type grouped by the report's themes, each a
 * judgement and a note, started from Kestrel's findings on the case, with the child's chronology beside it;
 * then the grade with its reasons, and referral back with the action required.
 */

const noteField = (theme: Theme) => `${theme}Note`

const auditForm = z.object({
  ...Object.fromEntries(
    themes.flatMap((t) => [
      [t, radios(judgements, `Select a judgement for ${themeLabels[t].toLowerCase()}`)],
      [noteField(t), optionalText({ maxLength: 5000, tooLong: 'The note must be 5000 characters or fewer' })],
    ]),
  ),
  grade: radios(grades, 'Select the overall grade'),
  gradeReasons: text({ required: 'Give the reasons for the grade', maxLength: 5000 }),
  referredBack: checkbox(),
  actionRequired: optionalText({ maxLength: 5000, tooLong: 'The action must be 5000 characters or fewer' }),
})
type Values = Record<string, string | undefined>

const positionOf = (value: string | undefined) => {
  if (!value || !/^\d{1,6}$/.test(value)) throw new NotFoundError('There is no such case in this programme')
  return Number(value)
}

export const auditFormPath = `${programmesPath}/:ref/cases/:position`

export function auditFormPages(app: FastifyInstance, deps: AuditPageDeps) {
  page(app, auditFormPath, {
    access: auditAccess.audit,
    form: auditForm,
    get: async ({ params, principal, form, request, reply }) => {
      const found = await deps.audits.caseForAudit(
        params.ref as string,
        positionOf(params.position),
        principal,
        {
          query: `GET ${request.url}`,
          requestId: request.id,
        },
      )
      if (found.sampled.audit_ref) return reply.redirect(`${auditsPath}/${found.sampled.audit_ref}`, 303)
      const sent = form?.values as Values | undefined
      const values: Values = sent ?? {
        ...Object.fromEntries(
          themes.flatMap((t) => [
            [t, found.prefill[t]?.judgement ?? undefined],
            [noteField(t), found.prefill[t]?.note],
          ]),
        ),
      }
      return view('audits/views/audit-form.njk', {
        pageTitle: `Audit of ${found.sampled.subject_ref}`,
        programme: found.programme,
        sampled: found.sampled,
        caseType: caseTypeLabels[found.sampled.caseType],
        findings: found.findings,
        chronology: found.chronology.slice(0, 50),
        values,
        criteria: found.criteria.map((c) => ({
          ...c,
          noteName: noteField(c.theme),
          items: judgements.map((j) => ({
            value: j,
            text: judgementLabels[j],
            checked: values[c.theme] === j,
          })),
        })),
        gradeItems: grades.map((g) => ({ value: g, text: gradeLabels[g], checked: values.grade === g })),
      })
    },
    post: async ({ params, input, principal }) => {
      const sent = input as Record<string, unknown>
      const made = await deps.audits.recordAudit(
        { programme: params.ref as string, position: positionOf(params.position) },
        {
          criteria: themes.map((t) => ({
            theme: t,
            judgement: sent[t] as (typeof judgements)[number],
            note: (sent[noteField(t)] as string | null) ?? null,
          })),
          grade: input.grade,
          gradeReasons: input.gradeReasons,
          referredBack: input.referredBack,
          actionRequired: input.actionRequired,
        },
        principal,
      )
      return `${auditsPath}/${made.ref}`
    },
  })
}
