import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { permits } from '../../../platform/access/access.ts'
import { fieldErrors } from '../../../platform/http/api.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { isoDay } from '../../../platform/time-schemas.ts'
import { auditAccess } from '../access.ts'
import { gradeLabels, grades } from '../criteria.ts'
import { figureOneCsv } from '../figure-one.ts'
import { type AuditPageDeps, auditsPath } from './shared.ts'

export const figurePath = `${auditsPath}/figure-1`

const figureQuery = z
  .object({
    from: isoDay('must be a date like 2018-08-01').optional(),
    to: isoDay('must be a date like 2018-08-01').optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' })

/** The period asked for; '' is "not chosen", a bad date a 400 naming the field. */
export function figureQueryOf(query: unknown): z.output<typeof figureQuery> {
  const sent = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(
      ([key, value]) => ['from', 'to'].includes(key) && value !== '',
    ),
  )
  const parsed = figureQuery.safeParse(sent)
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error, 'query'))
  return parsed.data
}

/**
 * Figure 1 of the report for the audits the reader may see, in a period: grades by case type, counts and
 * percentages, totals, and the share referred back; and the same table as CSV.
 */
export function figurePages(app: FastifyInstance, deps: AuditPageDeps) {
  page(app, figurePath, {
    access: auditAccess.read,
    get: async ({ principal, query, request }) => {
      const filter = figureQueryOf(query)
      const figure = await deps.audits.figure(principal, filter)
      const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][])
      return view('audits/views/figure.njk', {
        pageTitle: 'Figure 1: cases assessed, by grade and case type',
        figure,
        grades: grades.map((g) => ({ value: g, label: gradeLabels[g] })),
        filter,
        csvHref: `${figurePath}.csv${qs.size ? `?${qs}` : ''}`,
        mayRunProgrammes: permits(auditAccess.programmes, principal.roles),
        url: request.url,
      })
    },
  })

  app.get(`${figurePath}.csv`, { config: { access: auditAccess.read } }, async (request, reply) => {
    const principal = request.principal as NonNullable<typeof request.principal>
    const figure = await deps.audits.figure(principal, figureQueryOf(request.query))
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="audits-figure-1.csv"')
      .send(figureOneCsv(figure))
  })
}
