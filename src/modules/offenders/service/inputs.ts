import { z } from 'zod'
import { isIsoDate } from '../../../platform/time.ts'
import { coercedInstant } from '../../../platform/time-schemas.ts'
import { notificationBases, notificationKinds, orderKinds, riskLevels, rsoStatuses } from '../rso.ts'

/*
 * What the pages, the API and the import send about RSOs: one schema per record validates the input, types
 * the code and documents the API. Records name their RSO by ref (RSO-000123) or id.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'enter a value').max(max, `must be ${max} characters or fewer`)
const optionalText = (max: number) =>
  z.string().trim().max(max, `must be ${max} characters or fewer`).optional()
// Only the years Kestrel records (platform/time-schemas.ts): year 0 or 10000 is a 400, not a 500 on writing.
const instant = coercedInstant('must be a date and time')
const day = z.string().refine(isIsoDate, 'must be a date like 2018-08-01')
const level = z.enum(riskLevels, { message: `must be one of ${riskLevels.join(', ')}` })
const mappa = z.coerce
  .number()
  .int('must be 1, 2 or 3')
  .min(1, 'must be 1, 2 or 3')
  .max(3, 'must be 1, 2 or 3')
const rso = text(100).describe('The RSO’s reference (RSO-...) or id')

export const offenceInput = z.object({ offence: text(500), convictedOn: day, court: text(200) }).strict()

export const orderInput = z
  .object({
    kind: z.enum(orderKinds, { message: `must be one of ${orderKinds.join(', ')}` }),
    startsOn: day,
    endsOn: day.optional(),
    conditions: text(4000),
  })
  .strict()

/** An RSO as the form, the API and the import give it. */
export const rsoInput = z
  .object({
    person: text(200).describe('The person’s reference in the person index (KP-...) or id'),
    status: z.enum(rsoStatuses, { message: `must be one of ${rsoStatuses.join(', ')}` }).default('active'),
    notificationBasis: z.enum(notificationBases, {
      message: `must be one of ${notificationBases.join(', ')}`,
    }),
    notificationStart: day,
    notificationEnd: day.optional().describe('Leave out for an indefinite notification period'),
    mappaCategory: mappa,
    mappaLevel: mappa,
    riskLevel: level,
    visorRef: optionalText(50),
    address: text(500),
    borough: text(200).describe('The borough of the address: its name or id'),
    ward: optionalText(200).describe(
      'The ward of the address where known, by its name: a ward of that borough (its briefing lists the RSO)',
    ),
    manager: optionalText(50).describe('The offender manager’s staff number'),
    offences: z.array(offenceInput).max(50).default([]),
    orders: z.array(orderInput).max(20).default([]),
  })
  .strict()
export type RsoInput = z.output<typeof rsoInput>

export const armsInput = z
  .object({
    rso,
    assessedOn: day,
    assessor: text(200),
    priority: level.describe('The dynamic risk priority the assessment gives'),
    keyFactors: text(4000),
  })
  .strict()
export type ArmsInput = z.output<typeof armsInput>

export const riskChangeInput = z
  .object({ rso, changedAt: instant, toLevel: level, reason: text(2000) })
  .strict()
export type RiskChangeInput = z.output<typeof riskChangeInput>

export const informationInput = z
  .object({ rso, receivedAt: instant, source: text(200), summary: text(4000) })
  .strict()
export type InformationInput = z.output<typeof informationInput>

export const planActionInput = z.object({ action: text(1000), owner: text(200), due: day }).strict()

export const planInput = z
  .object({
    rso,
    agreedAt: instant,
    author: text(200),
    arms: optionalText(100).describe('The ARMS assessment the plan answers (ARMS-...); default the latest'),
    riskLevel: level,
    actions: z.array(planActionInput).min(1, 'give at least one action').max(50),
  })
  .strict()
export type PlanInput = z.output<typeof planInput>

export const visitInput = z
  .object({
    rso,
    plannedOn: day.optional(),
    visitedAt: instant.optional().describe('When the visit was made; leave out for a planned visit'),
    announced: z.boolean(),
    officers: text(500),
    outcome: optionalText(4000),
    childrenPresent: z.boolean().default(false),
    concerns: optionalText(4000),
    socialCareReferralAt: instant
      .optional()
      .describe('When children’s social care were told, if not by a PAC'),
  })
  .strict()
export type VisitInput = z.output<typeof visitInput>

export const notificationInput = z
  .object({
    rso,
    notificationKind: z.enum(notificationKinds, {
      message: `must be one of ${notificationKinds.join(', ')}`,
    }),
    notifiedAt: instant,
    deadlineAt: instant.optional(),
    details: text(4000),
    socialCareReferralAt: instant
      .optional()
      .describe('When children’s social care were told, if not by a PAC'),
  })
  .strict()
export type NotificationInput = z.output<typeof notificationInput>

export const allocationInput = z
  .object({
    rso,
    manager: text(50).describe('The offender manager’s staff number'),
    at: instant,
    reason: text(1000),
  })
  .strict()
export type AllocationInput = z.output<typeof allocationInput>

/** A charge of an adult for a sexual offence recorded in another system (RSO-09). */
export const chargeInput = z
  .object({
    person: text(200).describe('The person charged: their reference in the person index (KP-...) or id'),
    offence: text(500),
    chargedAt: instant,
    borough: text(200).describe('The borough where the charge was made: its name or id'),
    officer: optionalText(50).describe('The officer in the case: their staff number'),
  })
  .strict()
export type ChargeInput = z.output<typeof chargeInput>

export const orderResults = ['granted', 'refused', 'adjourned'] as const

/** A deportee's notified arrival, and what was done on the day. */
export const arrivalInput = z
  .object({
    person: optionalText(200).describe('Their reference in the person index (KP-...), once they are in it'),
    name: text(200),
    country: text(100).describe('The country deporting them'),
    flight: text(20),
    expectedAt: instant,
    borough: text(200).describe('The borough where they will live, or the airport’s: its name or id'),
    team: optionalText(200).describe('The Jigsaw team meeting the arrival: its name'),
    officers: optionalText(500).describe('The officers assigned to meet it'),
    metAt: instant.optional(),
    orderAppliedAt: instant.optional().describe('When the notification order was applied for'),
    orderResult: z.enum(orderResults, { message: `must be one of ${orderResults.join(', ')}` }).optional(),
    orderResultAt: instant.optional(),
    notes: optionalText(4000),
  })
  .strict()
export type ArrivalInput = z.output<typeof arrivalInput>
