import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../platform/access/need-to-know.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { isoInstant } from '../../platform/time-schemas.ts'
import { findingsApiReaders } from '../access.ts'
import type { FindingFilter, FindingSummary, StandardsService } from '../service.ts'
import { readerOf } from './shared.ts'

/** A finding as JSON (API and CLI): instants in ISO 8601. */
export function findingJson(f: FindingSummary) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null)
  return {
    ruleId: f.ruleId,
    ruleTitle: f.ruleTitle,
    subjectKind: f.subjectKind,
    subjectId: f.subjectId,
    subjectRef: f.subjectRef,
    status: f.status,
    openedAt: f.openedAt.toISOString(),
    dueAt: iso(f.dueAt),
    breachedAt: iso(f.breachedAt),
    closedAt: iso(f.closedAt),
    detail: f.detail,
    boroughId: f.boroughId,
    bcuId: f.bcuId,
    assigneeTeamId: f.assigneeTeamId,
    assigneeStaffId: f.assigneeStaffId,
  }
}

const findingOut = z.object({
  ruleId: z.string(),
  ruleTitle: z.string(),
  subjectKind: z.string(),
  subjectId: z.string(),
  subjectRef: z.string().nullable(),
  status: z.string(),
  openedAt: z.string(),
  dueAt: z.string().nullable(),
  breachedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  detail: z.string(),
  boroughId: z.string().nullable(),
  bcuId: z.string().nullable(),
  assigneeTeamId: z.string().nullable(),
  assigneeStaffId: z.string().nullable(),
})

/** GET /api/v1/findings: stored findings, or findings computed at an instant. */
export function findingsApi(app: FastifyInstance, service: StandardsService) {
  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/findings',
    access: findingsApiReaders,
    summary: 'Findings: stored, or computed at an instant',
    description:
      "Without asOf: the stored findings within the caller's need to know (the boroughs of their BCU today, and findings assigned to them or their team). With asOf (ISO 8601 instant): findings computed from the data as it stood then (events dated later are treated as not yet happened), not stored.",
    tags: ['Findings'],
    query: z.object({
      asOf: isoInstant('must be a date and time like 2018-08-01T09:00:00+01:00')
        .optional()
        .describe('Evaluate at this instant, e.g. 2018-08-01T09:00:00+01:00'),
      rule: z
        .string()
        .regex(/^[A-Z]{2,6}-[0-9A-Za-z-]{1,20}$/)
        .optional()
        .describe('A rule id, e.g. CUS-04'),
      subjectRef: z.string().min(1).max(200).optional(),
    }),
    response: z.object({ asOf: z.string().nullable(), findings: z.array(findingOut) }),
    handler: async ({ query, principal, request }) => {
      if (query.rule && !service.rule(query.rule)) {
        throw new ValidationError([{ field: 'rule', reason: `there is no rule ${query.rule}` }])
      }
      const filter: FindingFilter = {
        reach: reachOf(principal),
        ruleId: query.rule,
        subjectRef: query.subjectRef,
        limit: 10_000,
      }
      const findings = query.asOf
        ? (await service.findingsAt(new Date(query.asOf), filter)).findings
        : await service.listFindings(filter)
      await service.logListRead(readerOf(request), findings, query.asOf ? { asOf: query.asOf } : undefined)
      return { asOf: query.asOf ?? null, findings: findings.map(findingJson) }
    },
  })
}
