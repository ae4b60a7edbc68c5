import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Clock } from '../../platform/clock.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { addDays, londonDate, londonInstant } from '../../platform/time.ts'
import { isoDay } from '../../platform/time-schemas.ts'
import { recommendationsAccess } from './access.ts'
import { rags } from './rag.ts'
import { actionStatuses, evidenceKinds, reportYears, timeFrames } from './recommendations.ts'
import type { RecommendationView } from './service/read.ts'
import { noSuchRecommendation } from './service/write.ts'
import type { RecommendationsService } from './service.ts'

/* The tracker's API: the twins of its list and of a recommendation's page. Keeping it is the pages'. */

const tags = ['Recommendations']
const rag = z.enum(rags).describe('red, amber, green or complete, by the rule in rag.ts')

const summary = z.object({
  id: z.string(),
  ref: z.string().describe('R2016-01: the report’s year and its place in the report’s list'),
  reportYear: z.number(),
  timeFrame: z.enum(timeFrames),
  text: z.string().describe('The report’s words, a paragraph or bullet to a line'),
  madeOn: z.string(),
  dueOn: z.string().describe('The day the report’s time frame ended'),
  rag,
  actions: z.number(),
  actionsComplete: z.number(),
})

const full = summary.omit({ actions: true, actionsComplete: true }).extend({
  version: z.number(),
  actions: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      owner: z.object({ id: z.string(), name: z.string(), team: z.string().nullable() }),
      status: z.enum(actionStatuses),
      completedOn: z.string().nullable(),
      rag,
      version: z.number(),
      milestones: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          dueOn: z.string(),
          evidencedOn: z.string().nullable(),
        }),
      ),
      evidence: z.array(
        z.object({
          id: z.string(),
          milestoneId: z.string().nullable(),
          kind: z.enum(evidenceKinds),
          reference: z.string(),
          description: z.string().nullable(),
          evidenceOn: z.string(),
        }),
      ),
    }),
  ),
})

const listQuery = z.object({
  report: z.coerce
    .number()
    .refine((y) => (reportYears as readonly number[]).includes(y), 'must be 2016 or 2018')
    .optional(),
  timeFrame: z.enum(timeFrames, 'must be immediately, three_months or six_months').optional(),
  rag: z.enum(rags, 'must be red, amber, green or complete').optional(),
  asOf: isoDay('must be a date, YYYY-MM-DD').optional().describe('The day to judge on; today if not given'),
})

const refParams = z.object({
  ref: z
    .string()
    .trim()
    .refine(
      (v) => isUuid(v) || /^R[0-9]{4}-[0-9]{2}$/.test(v),
      'must be a recommendation’s id or ref, like R2016-01',
    ),
})

const summaryOf = (r: RecommendationView) => ({
  id: r.id,
  ref: r.ref,
  reportYear: r.reportYear,
  timeFrame: r.timeFrame,
  text: r.text,
  madeOn: r.madeOn,
  dueOn: r.dueOn,
  rag: r.rag,
  actions: r.actions.length,
  actionsComplete: r.actions.filter((a) => a.status === 'complete').length,
})

export function recommendationsApi(
  app: FastifyInstance,
  { recommendations, clock }: { recommendations: RecommendationsService; clock: Clock },
) {
  /** The end of the day asked (or now): a day after today is not judged yet. */
  const asOfOf = (day: string | undefined) => {
    if (!day) return clock.now()
    if (day > londonDate(clock.now()))
      throw new ValidationError([{ field: 'asOf', reason: 'must be today or in the past' }])
    return new Date(londonInstant(addDays(day, 1)).getTime() - 1)
  }

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/recommendations',
    access: recommendationsAccess.read,
    summary: 'Every recommendation of the 2016 and 2018 reports, with its colour',
    description:
      'In the reports’ order, filtered by report, time frame and colour; as they stood at the end of `asOf` when given.',
    tags,
    query: listQuery,
    response: z.object({ recommendations: z.array(summary) }),
    handler: async ({ query }) => {
      const list = await recommendations.list(asOfOf(query.asOf))
      return {
        recommendations: list
          .filter((r) => query.report === undefined || r.reportYear === query.report)
          .filter((r) => query.timeFrame === undefined || r.timeFrame === query.timeFrame)
          .filter((r) => query.rag === undefined || r.rag === query.rag)
          .map(summaryOf),
      }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/recommendations/:ref',
    access: recommendationsAccess.read,
    summary: 'One recommendation, by id or ref, with its actions, milestones and evidence',
    tags,
    params: refParams,
    response: full,
    handler: async ({ params }) => {
      const found = (await recommendations.list()).find((r) => r.id === params.ref || r.ref === params.ref)
      if (!found) throw new NotFoundError(noSuchRecommendation)
      const { actions: _count, actionsComplete: _complete, ...rest } = summaryOf(found)
      return {
        ...rest,
        version: found.version,
        actions: found.actions.map((a) => ({
          ...a,
          milestones: a.milestones.map(({ version: _v, ...m }) => m),
        })),
      }
    },
  })
}
