import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Access } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import type { StandardsService } from '../../standards/service.ts'
import { offendersAccess } from './access.ts'
import { rsoAnswer } from './api/rso-answer.ts'
import { ref, rsoOutput, rsoSummary, tags, written } from './api/schemas.ts'
import { caseloadBand } from './rso.ts'
import { noSuchRso } from './service/dependencies.ts'
import {
  allocationInput,
  armsInput,
  informationInput,
  notificationInput,
  planInput,
  riskChangeInput,
  rsoInput,
  visitInput,
} from './service/inputs.ts'
import { caseloadFilter, rsoListFilter } from './service/lists.ts'
import type { OffendersService } from './service.ts'

/** A refusal naming the RSO itself means there is none the caller may see: a 404, as for one out of reach. */
function noRso(error: unknown): never {
  if (error instanceof ValidationError && error.errors.some((e) => e.field === 'rso'))
    throw new NotFoundError(noSuchRso)
  throw error
}

/** The offenders API: the RSOs the caller may see, their records, and the managers' caseloads. */
export function offendersApi(
  app: FastifyInstance,
  { offenders, standards }: { offenders: OffendersService; standards: StandardsService },
) {
  const show = (key: string, principal: Principal) => rsoAnswer(offenders, standards, key, principal)

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/rsos',
    access: offendersAccess.read,
    summary: 'The RSOs the caller may see, what needs doing soonest first, 50 a page',
    description:
      'RSOs living in the caller’s area and those they or their team manage, filtered by borough, manager, ' +
      'risk level and status; sorted by breached practice standards findings, then the nearest due.',
    tags,
    query: rsoListFilter,
    response: z.object({
      rsos: z.array(rsoSummary),
      total: z.number(),
      page: z.number(),
      pageSize: z.number(),
    }),
    handler: async ({ principal, query, request }) => {
      const list = await offenders.list(principal, query, {
        query: `GET ${request.url}`,
        requestId: request.id,
      })
      return {
        rsos: list.items.map((r) => ({
          id: r.id,
          ref: r.ref,
          personRef: r.personRef,
          name: r.name,
          status: r.status,
          riskLevel: r.riskLevel,
          borough: r.boroughName,
          manager:
            r.managerName && r.managerStaffNumber
              ? { name: r.managerName, staffNumber: r.managerStaffNumber }
              : null,
          openFindings: { breached: r.breached, due: r.due, nextDueAt: r.nextDueAt },
        })),
        total: list.total,
        page: list.page,
        pageSize: list.size,
      }
    },
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/rsos/:ref',
    access: offendersAccess.read,
    summary: 'One RSO with everything the managers keep about them',
    description:
      'By reference (RSO-...) or id. A 404 for an RSO outside the caller’s need to know, as for one that does not exist.',
    tags,
    params: ref,
    response: rsoOutput,
    handler: async ({ principal, params }) => show(params.ref, principal),
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/rsos',
    access: offendersAccess.write,
    summary: 'Register an RSO: a person in the person index with their notification, MAPPA, risk and address',
    description:
      'A 400 names each field wrong: a person not in the index or already registered, a date in the future, a ' +
      'manager not in an offender management (Jigsaw) team. A 403 for an RSO the caller would place outside ' +
      'their own area.',
    tags,
    body: rsoInput,
    response: rsoOutput,
    status: 201,
    handler: async ({ principal, body }) => {
      const saved = await offenders.register(
        body,
        { id: principal.id, username: principal.username },
        reachOf(principal),
      )
      return show(saved.id, principal)
    },
  })

  /** A record kept about an RSO, named by the path; the body is the record without its `rso`. */
  function keep<S extends z.ZodObject>(options: {
    path: string
    summary: string
    description?: string
    access: Access
    body: S
    save: (input: z.output<S> & { rso: string }, principal: Principal) => Promise<{ ref: string; id: string }>
  }) {
    apiRoute(app, {
      method: 'POST',
      url: `/api/v1/rsos/:ref/${options.path}`,
      access: options.access,
      summary: options.summary,
      description: `${options.description ?? ''} A 404 for an RSO outside the caller’s need to know.`.trim(),
      tags,
      params: ref,
      body: options.body,
      response: written,
      status: 201,
      handler: async ({ principal, params, body }) => {
        const saved = await options
          .save({ ...(body as z.output<S>), rso: params.ref }, principal)
          .catch(noRso)
        return { ref: saved.ref, id: saved.id }
      },
    })
  }
  const as = (principal: Principal) =>
    [{ id: principal.id, username: principal.username }, reachOf(principal)] as const

  keep({
    path: 'arms',
    summary: 'Record an ARMS assessment',
    description: 'Refused with a 400 for an assessment dated in the future.',
    access: offendersAccess.write,
    body: armsInput.omit({ rso: true }),
    save: (input, principal) => offenders.recordArms(input, ...as(principal)),
  })
  keep({
    path: 'risk-changes',
    summary: 'Change the RSO’s risk level, with the reason',
    access: offendersAccess.write,
    body: riskChangeInput.omit({ rso: true }),
    save: (input, principal) => offenders.changeRisk(input, ...as(principal)),
  })
  keep({
    path: 'information',
    summary: 'Record new relevant information about the RSO',
    access: offendersAccess.write,
    body: informationInput.omit({ rso: true }),
    save: (input, principal) => offenders.recordInformation(input, ...as(principal)),
  })
  keep({
    path: 'plans',
    summary: 'Agree a risk management plan, with its actions',
    description:
      'The plan answers the ARMS assessment named, or the latest one on or before the day it was agreed.',
    access: offendersAccess.write,
    body: planInput.omit({ rso: true }),
    save: (input, principal) => offenders.agreePlan(input, ...as(principal)),
  })
  keep({
    path: 'visits',
    summary: 'Record a visit made, or one planned',
    description: 'Refused with a 400 for a visit made before the RSO’s notification began, or in the future.',
    access: offendersAccess.write,
    body: visitInput.omit({ rso: true }),
    save: (input, principal) => offenders.recordVisit(input, ...as(principal)),
  })
  keep({
    path: 'notifications',
    summary: 'Record a notification the RSO made',
    access: offendersAccess.write,
    body: notificationInput.omit({ rso: true }),
    save: (input, principal) => offenders.recordNotification(input, ...as(principal)),
  })
  keep({
    path: 'allocations',
    summary: 'Reallocate the RSO to another offender manager, with the reason',
    description:
      'Refused with a 400 naming `manager` for a member of staff not in an offender management (Jigsaw) team.',
    access: offendersAccess.reallocate,
    body: allocationInput.omit({ rso: true }),
    save: (input, principal) => offenders.allocate(input, ...as(principal)),
  })

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/rso-caseloads',
    access: offendersAccess.read,
    summary:
      'Offender managers’ caseloads: active RSOs by risk level and overdue work, against RSO-05’s lines',
    description:
      'Counted over the active RSOs the caller may see. `lines` are RSO-05’s warning and breach lines as ' +
      'configured today; `band` says where each caseload stands against them.',
    tags,
    query: caseloadFilter.strict(),
    response: z.object({
      lines: z.object({ warnAbove: z.number(), breachAbove: z.number() }),
      caseloads: z.array(
        z.object({
          staffId: z.string(),
          name: z.string(),
          staffNumber: z.string(),
          team: z.string().nullable(),
          active: z.number().describe('Their active RSOs the caller may see; the other counts are of these'),
          total: z
            .number()
            .describe('All their active RSOs, wherever they live: what RSO-05 and `band` judge'),
          byRisk: z.object({ low: z.number(), medium: z.number(), high: z.number(), very_high: z.number() }),
          visitsDue: z.number(),
          visitsOverdue: z.number(),
          armsOutOfDate: z.number(),
          plansOutOfDate: z.number(),
          band: z.enum(['within', 'over_warning', 'over_breach']),
        }),
      ),
    }),
    handler: async ({ principal, query }) => {
      const [lines, loads] = await Promise.all([
        offenders.caseloadLines(),
        offenders.caseloads(principal, { teamId: query.team, bcuId: query.bcu, staffId: query.manager }),
      ])
      return {
        lines,
        caseloads: loads.map((c) => ({
          staffId: c.staffId,
          name: c.name,
          staffNumber: c.staffNumber,
          team: c.teamName,
          active: c.active,
          total: c.total,
          byRisk: c.byRisk,
          visitsDue: c.visitsDue,
          visitsOverdue: c.visitsOverdue,
          armsOutOfDate: c.armsOutOfDate,
          plansOutOfDate: c.plansOutOfDate,
          band: caseloadBand(c.total, lines),
        })),
      }
    },
  })
}
