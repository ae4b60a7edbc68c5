import type { FastifyInstance } from 'fastify'
import { permits } from '../../../platform/access/access.ts'
import { page, view } from '../../../platform/http/page.ts'
import { auditAccess } from '../access.ts'
import { caseTypeLabels } from '../case-types.ts'
import {
  type Grade,
  gradeLabels,
  type Judgement,
  judgementLabels,
  type Theme,
  themeLabels,
  themes,
} from '../criteria.ts'
import { type AuditPageDeps, auditsPath } from './shared.ts'

/** One audit: the case, the grade and its reasons, each theme's judgement, and its referral back. */
export function auditPages(app: FastifyInstance, deps: AuditPageDeps) {
  page(app, `${auditsPath}/:ref`, {
    access: auditAccess.read,
    get: async ({ params, principal, request }) => {
      const audit = await deps.audits.audit(params.ref as string, principal, {
        query: `GET ${request.url}`,
        requestId: request.id,
      })
      const byTheme = new Map(audit.criteria.map((c) => [c.theme as Theme, c]))
      return view('audits/views/audit.njk', {
        pageTitle: `Audit ${audit.ref}`,
        mayAudit: permits(auditAccess.audit, principal.roles),
        mayRespond: permits(auditAccess.respond, principal.roles) && audit.referred_back && !audit.response,
        moderation: audit.moderation && {
          ...audit.moderation,
          auditorGrade: gradeLabels[audit.moderation.auditor_grade as Grade],
          moderatorGrade: gradeLabels[audit.moderation.moderator_grade as Grade],
          resolvedGrade: audit.moderation.resolved_grade
            ? gradeLabels[audit.moderation.resolved_grade as Grade]
            : null,
          disagreed: audit.moderation.auditor_grade !== audit.moderation.moderator_grade,
        },
        audit,
        caseType: caseTypeLabels[audit.caseType],
        grade: gradeLabels[audit.grade as Grade],
        criteria: themes.flatMap((t) => {
          const c = byTheme.get(t)
          return c
            ? [{ label: themeLabels[t], judgement: judgementLabels[c.judgement as Judgement], note: c.note }]
            : []
        }),
      })
    },
  })
}
