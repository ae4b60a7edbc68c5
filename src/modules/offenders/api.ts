import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Access } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { apiRoute } from '../../platform/http/api.ts'
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import { earliestAccepted, isAcceptedInstant, latestAccepted } from '../../platform/time.ts'
import type { StandardsService } from '../../standards/service.ts'
import { offendersAccess, rsoKind } from './access.ts'
import {
  caseloadBand,
  notificationBases,
  notificationKinds,
  orderKinds,
  riskLevels,
  rsoStatuses,
} from './rso.ts'
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

const tags = ['Offenders']
const level = z.enum(riskLevels)
const ref = z.object({
  ref: z
    .string()
    .trim()
    .min(1, 'enter the RSO’s reference or id')
    .max(100, 'must be 100 characters or fewer'),
})

const rsoSummary = z.object({
  id: z.string(),
  ref: z.string(),
  personRef: z.string().nullable(),
  name: z.string(),
  status: z.enum(rsoStatuses),
  riskLevel: level,
  borough: z.string(),
  manager: z.object({ name: z.string(), staffNumber: z.string() }).nullable(),
  openFindings: z.object({ breached: z.number(), due: z.number(), nextDueAt: z.date().nullable() }),
})

const rsoOutput = z.object({
  id: z.string(),
  ref: z.string(),
  personRef: z.string().nullable(),
  name: z.string(),
  status: z.enum(rsoStatuses),
  riskLevel: level,
  notification: z.object({
    basis: z.enum(notificationBases),
    start: z.string(),
    end: z.string().nullable().describe('null for an indefinite period'),
  }),
  mappa: z.object({ category: z.number(), level: z.number() }),
  visorRef: z.string().nullable(),
  address: z.string(),
  borough: z.string(),
  manager: z.string().nullable(),
  team: z.string().nullable(),
  version: z.number(),
  findings: z
    .array(
      z.object({
        ruleId: z.string(),
        title: z.string(),
        status: z.string(),
        dueAt: z.date().nullable(),
        detail: z.string(),
      }),
    )
    .describe('The practice standards findings open about the RSO'),
  arms: z.array(
    z.object({
      ref: z.string(),
      assessedOn: z.string(),
      assessor: z.string(),
      priority: level,
      keyFactors: z.string(),
    }),
  ),
  riskChanges: z.array(
    z.object({
      ref: z.string(),
      changedAt: z.date(),
      fromLevel: level,
      toLevel: level,
      reason: z.string(),
      changedBy: z.string(),
    }),
  ),
  information: z.array(
    z.object({ ref: z.string(), receivedAt: z.date(), source: z.string(), summary: z.string() }),
  ),
  plans: z.array(
    z.object({
      ref: z.string(),
      planNumber: z.number(),
      agreedAt: z.date(),
      author: z.string(),
      arms: z.string().nullable(),
      riskLevel: level,
      actions: z.array(z.object({ action: z.string(), owner: z.string(), due: z.string() })),
    }),
  ),
  visits: z.array(
    z.object({
      ref: z.string(),
      plannedOn: z.string().nullable(),
      visitedAt: z.date().nullable(),
      announced: z.boolean(),
      officers: z.string(),
      outcome: z.string().nullable(),
      childrenPresent: z.boolean(),
      concerns: z.string().nullable(),
      socialCareReferralAt: z.date().nullable(),
    }),
  ),
  notifications: z.array(
    z.object({
      ref: z.string(),
      kind: z.enum(notificationKinds),
      notifiedAt: z.date(),
      deadlineAt: z.date().nullable(),
      details: z.string(),
      socialCareReferralAt: z.date().nullable(),
    }),
  ),
  addresses: z.array(
    z.object({ address: z.string(), borough: z.string(), from: z.string(), to: z.string().nullable() }),
  ),
  allocations: z.array(
    z.object({
      ref: z.string(),
      manager: z.string(),
      staffNumber: z.string(),
      from: z.date(),
      to: z.date().nullable(),
      reason: z.string(),
      allocatedBy: z.string(),
    }),
  ),
  offences: z.array(z.object({ offence: z.string(), convictedOn: z.string(), court: z.string() })),
  orders: z.array(
    z.object({
      kind: z.enum(orderKinds),
      startsOn: z.string(),
      endsOn: z.string().nullable(),
      conditions: z.string(),
    }),
  ),
})

const written = z.object({
  ref: z.string().describe('The reference of the record written'),
  id: z.string(),
})

const outOfRange = `must be between ${earliestAccepted} and ${latestAccepted}`

/**
 * The body's dates as far as Kestrel records them. The input schemas read any date JavaScript can (year 0,
 * six-digit years), which the database or a rule's due date cannot hold: refused here with a 400 naming
 * the field, not a 500 when it is written.
 */
function acceptedDates<S extends z.ZodType>(schema: S): S {
  return schema.superRefine((value, ctx) => {
    const walk = (v: unknown, path: (string | number)[]) => {
      const day = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : null
      if (
        (v instanceof Date && !isAcceptedInstant(v)) ||
        (day && (day < earliestAccepted || day > latestAccepted))
      )
        ctx.addIssue({ code: 'custom', path, message: outOfRange })
      // A list's items are walked as an object's entries, by index.
      else if (v && typeof v === 'object' && !(v instanceof Date))
        for (const [k, x] of Object.entries(v)) walk(x, [...path, k])
    }
    walk(value, [])
  }) as S
}

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
  const show = async (key: string, principal: Principal): Promise<z.input<typeof rsoOutput>> => {
    const v = await offenders.view(key, principal)
    const findings = await standards.findingsForSubject(rsoKind.kind, v.rso.id)
    const armsRef = new Map(v.arms.map((a) => [a.id, a.ref]))
    return {
      id: v.rso.id,
      ref: v.rso.ref,
      personRef: v.person?.ref ?? null,
      name: v.person?.name ?? 'Unknown person',
      status: v.rso.status,
      riskLevel: v.rso.risk_level,
      notification: {
        basis: v.rso.notification_basis,
        start: v.rso.notification_start,
        end: v.rso.notification_end,
      },
      mappa: { category: v.rso.mappa_category, level: v.rso.mappa_level },
      visorRef: v.rso.visor_ref,
      address: v.rso.address,
      borough: v.boroughName,
      manager: v.managerName,
      team: v.teamName,
      version: v.rso.version,
      findings: findings
        .filter((f) => ['due', 'breached', 'acknowledged'].includes(f.status))
        .map((f) => ({
          ruleId: f.ruleId,
          title: f.ruleTitle,
          status: f.status,
          dueAt: f.dueAt,
          detail: f.detail,
        })),
      arms: v.arms.map((a) => ({
        ref: a.ref,
        assessedOn: a.assessed_on,
        assessor: a.assessor_name,
        priority: a.priority,
        keyFactors: a.key_factors,
      })),
      riskChanges: v.riskChanges.map((c) => ({
        ref: c.ref,
        changedAt: c.changed_at,
        fromLevel: c.from_level,
        toLevel: c.to_level,
        reason: c.reason,
        changedBy: c.changed_by,
      })),
      information: v.information.map((i) => ({
        ref: i.ref,
        receivedAt: i.received_at,
        source: i.source,
        summary: i.summary,
      })),
      plans: v.plans.map((p) => ({
        ref: p.ref,
        planNumber: p.plan_number,
        agreedAt: p.agreed_at,
        author: p.author_name,
        arms: p.arms_id ? (armsRef.get(p.arms_id) ?? null) : null,
        riskLevel: p.risk_level,
        actions: p.actions,
      })),
      visits: v.visits.map((x) => ({
        ref: x.ref,
        plannedOn: x.planned_on,
        visitedAt: x.visited_at,
        announced: x.announced,
        officers: x.officers,
        outcome: x.outcome,
        childrenPresent: x.children_present,
        concerns: x.concerns,
        socialCareReferralAt: x.social_care_referral_at,
      })),
      notifications: v.notifications.map((n) => ({
        ref: n.ref,
        kind: n.kind,
        notifiedAt: n.notified_at,
        deadlineAt: n.deadline_at,
        details: n.details,
        socialCareReferralAt: n.social_care_referral_at,
      })),
      addresses: v.addresses.map((a) => ({
        address: a.address,
        borough: a.borough,
        from: a.from_date,
        to: a.to_date,
      })),
      allocations: v.allocations.map((a) => ({
        ref: a.ref,
        manager: a.name,
        staffNumber: a.staff_number,
        from: a.from_at,
        to: a.to_at,
        reason: a.reason,
        allocatedBy: a.allocated_by,
      })),
      offences: v.offences.map((o) => ({ offence: o.offence, convictedOn: o.convicted_on, court: o.court })),
      orders: v.orders.map((o) => ({
        kind: o.kind,
        startsOn: o.starts_on,
        endsOn: o.ends_on,
        conditions: o.conditions,
      })),
    }
  }

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
    body: acceptedDates(rsoInput),
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
      body: acceptedDates(options.body),
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
          active: z.number(),
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
          byRisk: c.byRisk,
          visitsDue: c.visitsDue,
          visitsOverdue: c.visitsOverdue,
          armsOutOfDate: c.armsOutOfDate,
          plansOutOfDate: c.plansOutOfDate,
          band: caseloadBand(c.active, lines),
        })),
      }
    },
  })
}
