import { z } from 'zod'
import { notificationBases, notificationKinds, orderKinds, riskLevels, rsoStatuses } from '../rso.ts'

/* The offenders API's answers, as the OpenAPI document describes them. */

export const tags = ['Offenders']
export const level = z.enum(riskLevels)
export const ref = z.object({
  ref: z
    .string()
    .trim()
    .min(1, 'enter the RSO’s reference or id')
    .max(100, 'must be 100 characters or fewer'),
})

export const rsoSummary = z.object({
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

export const rsoOutput = z.object({
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
  ward: z.string().nullable().describe('The ward of the address, where known'),
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

export const written = z.object({
  ref: z.string().describe('The reference of the record written'),
  id: z.string(),
})
