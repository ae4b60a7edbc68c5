import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { permits } from '../../platform/access/access.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { auditAccess } from './access.ts'
import { caseTypes } from './case-types.ts'
import { grades, judgements, themes } from './criteria.ts'
import { bulletinInput } from './service/bulletins.ts'
import { learningInput, moderationInput, resolutionInput, responseInput } from './service/follow-up.ts'
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

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/audits/:ref/moderation',
    access: auditAccess.audit,
    summary: 'A second auditor’s grade of an audit',
    description:
      'The moderator’s grade and a note; a disagreement with the auditor’s grade is recorded, to be resolved. A 400 names `grade` when outside the scale or when the audit is the caller’s own; a 404 for an audit outside the caller’s need to know; a 409 when it has been moderated already.',
    tags,
    params: refParams,
    body: moderationInput,
    status: 201,
    response: z.object({ ref: z.string(), agreed: z.boolean() }),
    handler: async ({ principal, params, body }) => ({
      ref: params.ref.toUpperCase(),
      ...(await audits.moderate(params.ref, body, principal)),
    }),
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/audits/:ref/moderation/resolution',
    access: auditAccess.audit,
    summary: 'The resolution of a disagreement between auditor and moderator',
    description:
      'The grade agreed, which becomes the audit’s, and the reasons. A 400 names the field; a 404 when the audit is out of reach or not moderated; a 409 when they agreed or it was resolved already.',
    tags,
    params: refParams,
    body: resolutionInput,
    response: z.object({ ref: z.string(), grade: z.enum(grades) }),
    handler: async ({ principal, params, body }) => {
      await audits.resolveModeration(params.ref, body, principal)
      return { ref: params.ref.toUpperCase(), grade: body.grade }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/audits/:ref/learning',
    access: auditAccess.audit,
    summary: 'A learning point from an audit, tagged by theme',
    description:
      'It lies in the audited case’s area until a bulletin shares it force-wide (AUD-02). A 400 names `theme` or `text`; a 404 for an audit outside the caller’s need to know.',
    tags,
    params: refParams,
    body: learningInput,
    status: 201,
    response: z.object({ ref: z.string(), id: z.string() }),
    handler: async ({ principal, params, body }) => audits.addLearning(params.ref, body, principal),
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/audits/learning/unshared',
    access: auditAccess.audit,
    summary: 'Learning points not yet in a force-wide bulletin',
    description: 'For the DIT, to choose what the next bulletin shares; oldest first.',
    tags,
    response: z.object({
      learning: z.array(
        z.object({
          id: z.string(),
          ref: z.string(),
          theme: z.enum(themes),
          text: z.string(),
          auditRef: z.string().nullable(),
        }),
      ),
    }),
    handler: async () => ({
      learning: (await audits.unsharedLearning()).map((l) => ({
        id: l.id,
        ref: l.ref,
        theme: l.theme as (typeof themes)[number],
        text: l.text,
        auditRef: l.audit_ref,
      })),
    }),
  })

  const bulletinSummary = z.object({
    ref: z.string(),
    title: z.string(),
    publishedAt: z.string(),
    read: z.boolean(),
  })
  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/audits/bulletins',
    access: auditAccess.bulletins,
    summary: 'Force-wide bulletins of audit learning, newest first',
    description: 'For everyone in the force; `read` says whether the caller has read each.',
    tags,
    response: z.object({ bulletins: z.array(bulletinSummary) }),
    handler: async ({ principal }) => ({
      bulletins: (await audits.bulletins(principal)).map((b) => ({
        ref: b.ref,
        title: b.title,
        publishedAt: new Date(b.published_at).toISOString(),
        read: Boolean(b.read),
      })),
    }),
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/audits/bulletins',
    access: auditAccess.audit,
    summary: 'Publish a force-wide bulletin of learning points',
    description: 'A 400 names `title` or `learning` (ids of learning points that exist, at least one).',
    tags,
    body: bulletinInput,
    status: 201,
    response: z.object({ ref: z.string() }),
    handler: async ({ principal, body }) => ({ ref: (await audits.publishBulletin(body, principal)).ref }),
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/audits/bulletins/:ref',
    access: auditAccess.bulletins,
    summary: 'One bulletin with its learning points',
    description:
      'Who has read it (the read receipts) only for the DIT, as on its page. Reading it here keeps no receipt: POST …/read does.',
    tags,
    params: refParams,
    response: z.object({
      ref: z.string(),
      title: z.string(),
      publishedAt: z.string(),
      learning: z.array(z.object({ ref: z.string(), theme: z.enum(themes), text: z.string() })),
      receipts: z.array(z.object({ reader: z.string(), readAt: z.string() })).nullable(),
    }),
    handler: async ({ principal, params }) => {
      const b = await audits.bulletin(params.ref)
      return {
        ref: b.ref,
        title: b.title,
        publishedAt: new Date(b.published_at).toISOString(),
        learning: b.items.map((i) => ({
          ref: i.ref,
          theme: i.theme as (typeof themes)[number],
          text: i.text,
        })),
        receipts: permits(auditAccess.audit, principal.roles)
          ? b.receipts.map((r) => ({ reader: r.reader_name, readAt: new Date(r.read_at).toISOString() }))
          : null,
      }
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/audits/bulletins/:ref/read',
    access: auditAccess.bulletins,
    summary: 'The caller’s read receipt for a bulletin',
    description: 'Kept once, at the first reading; an API token leaves none (it is no member of staff).',
    tags,
    params: refParams,
    response: z.object({ ref: z.string(), read: z.boolean() }),
    handler: async ({ principal, params }) => {
      const b = await audits.readBulletin(params.ref, principal)
      const mine = (await audits.bulletins(principal)).find((x) => x.ref === b.ref)
      return { ref: b.ref, read: Boolean(mine?.read) }
    },
  })
}
