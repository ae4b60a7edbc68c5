import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { apiRoute } from '../../platform/http/api.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { auditAccess } from './access.ts'
import { caseTypes } from './case-types.ts'
import { grades, judgements, themes } from './criteria.ts'
import { responseInput } from './service/follow-up.ts'
import type { Audits } from './service.ts'

/*
 * The audits API. Auditors (the DIT) and the head of profession (force lead) see every audit; a BCU and a team
 * see the audits of their cases, through the need-to-know kernel, as on the pages.
 */

const tags = ['Case file audits']
const period = z
  .object({
    from: isoDay('must be a date like 2018-04-01').optional(),
    to: isoDay('must be a date like 2018-06-30').optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: 'must not be before from' })
const refParams = z.object({ ref: z.string().trim().min(1).max(200) })

const cell = z.object({ count: z.number(), percent: z.number().nullable() })
const figureRow = z.object({
  caseType: z.string(),
  label: z.string(),
  grades: z.object({ good: cell, requires_improvement: cell, inadequate: cell }),
  total: z.number(),
  referredBack: cell,
})
const auditSummary = z.object({
  ref: z.string(),
  caseType: z.enum(caseTypes),
  record: z.object({ kind: z.string(), ref: z.string() }).nullable(),
  caseReference: z.string().nullable(),
  auditor: z.string(),
  auditedOn: z.string(),
  grade: z.enum(grades),
  referredBack: z.boolean(),
  referredOn: z.string().nullable(),
  respondedOn: z.string().nullable(),
})
type Row = Awaited<ReturnType<Audits['list']>>[number]
const summaryOf = (a: Row) => ({
  ref: a.ref,
  caseType: a.case_type as (typeof caseTypes)[number],
  record: a.subject_kind && a.subject_ref ? { kind: a.subject_kind, ref: a.subject_ref } : null,
  caseReference: a.case_reference,
  auditor: a.auditor,
  auditedOn: a.audited_on,
  grade: a.grade as (typeof grades)[number],
  referredBack: a.referred_back,
  referredOn: a.referred_on,
  respondedOn: a.responded_on,
})

export function auditsApi(app: FastifyInstance, audits: Audits) {
  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/audits/figure-1',
    access: auditAccess.read,
    summary: 'Figure 1 of the 2018 report for the audits the caller may see',
    description:
      'Grades by the nine case types, each with its count and whole percent of the row, the totals, and the share referred back; `from` and `to` limit the audit dates. A bad date is a 400 naming it.',
    tags,
    query: period,
    response: z.object({ rows: z.array(figureRow), total: figureRow }),
    handler: async ({ principal, query }) => audits.figure(principal, query),
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/audits',
    access: auditAccess.read,
    summary: 'The audits the caller may see, newest first',
    description: 'At most 500; `from` and `to` limit the audit dates. The read is access-logged.',
    tags,
    query: period,
    response: z.object({ audits: z.array(auditSummary) }),
    handler: async ({ principal, query, request }) => ({
      audits: (
        await audits.list(principal, query, { query: `GET ${request.url}`, requestId: request.id })
      ).map(summaryOf),
    }),
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/audits/:ref',
    access: auditAccess.read,
    summary: 'One audit with its judgements, moderation and referral back',
    description:
      'By reference or id. A 404 for an audit outside the caller’s need to know, as for one that does not exist.',
    tags,
    params: refParams,
    response: auditSummary.extend({
      gradeReasons: z.string().nullable(),
      actionRequired: z.string().nullable(),
      response: z.string().nullable(),
      criteria: z.array(
        z.object({ theme: z.enum(themes), judgement: z.enum(judgements), note: z.string().nullable() }),
      ),
      moderation: z
        .object({
          moderatorGrade: z.enum(grades),
          auditorGrade: z.enum(grades),
          resolvedGrade: z.enum(grades).nullable(),
        })
        .nullable(),
    }),
    handler: async ({ principal, params, request }) => {
      const a = await audits.audit(params.ref, principal, {
        query: `GET ${request.url}`,
        requestId: request.id,
      })
      return {
        ...summaryOf(a),
        gradeReasons: a.grade_reasons,
        actionRequired: a.action_required,
        response: a.response,
        criteria: a.criteria.map((c) => ({
          theme: c.theme as (typeof themes)[number],
          judgement: c.judgement as (typeof judgements)[number],
          note: c.note,
        })),
        moderation: a.moderation && {
          moderatorGrade: a.moderation.moderator_grade as (typeof grades)[number],
          auditorGrade: a.moderation.auditor_grade as (typeof grades)[number],
          resolvedGrade: a.moderation.resolved_grade as (typeof grades)[number] | null,
        },
      }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/audits/:ref/response',
    access: auditAccess.respond,
    summary: 'The case’s owner’s response to a referral back',
    description:
      'A 400 names `respondedOn` when it is before the referral back or in the future; a 404 for an audit outside the caller’s need to know; a 409 when it was not referred back or has a response already.',
    tags,
    params: refParams,
    body: responseInput,
    response: z.object({ ref: z.string(), respondedOn: z.string() }),
    handler: async ({ principal, params, body }) => {
      await audits.respond(params.ref, body, principal)
      return { ref: params.ref.toUpperCase(), respondedOn: body.respondedOn }
    },
  })
}
