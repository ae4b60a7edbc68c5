import { z } from 'zod'
import { coercedInstant } from '../../../platform/time-schemas.ts'
import { outcomeCodes } from '../../investigations/investigation.ts'
import { identifierKinds, kiratLevels, materialCategories, sources, stages } from '../online-case.ts'

/*
 * What the pages, the API and the import send about online cases: one schema per record validates the input,
 * types the code and documents the API. Records name their case by ref (ONL-...) or id.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'enter a value').max(max, `must be ${max} characters or fewer`)
const optionalText = (max: number) =>
  z.string().trim().max(max, `must be ${max} characters or fewer`).optional()
const instant = coercedInstant('must be a date and time')
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `must be one of ${values.join(', ')}` })
const onlineCase = text(100).describe('The case’s reference (ONL-...) or id')

export const identifierInput = z
  .object({ kind: oneOf(identifierKinds), value: text(500), seenAt: instant.optional() })
  .strict()

/** One stage change: allocation names the team (and officer), an outcome its Home Office code. */
export const stageChangeFields = {
  stage: oneOf(stages),
  at: instant,
  returnedAt: instant.optional().describe('Awaiting communications data: when the providers answered'),
  team: optionalText(200).describe('Allocated: the team’s name or id'),
  officer: optionalText(50).describe('Allocated: the officer’s staff number'),
  outcomeCode: oneOf(outcomeCodes as [string, ...string[]])
    .optional()
    .describe('Outcome: the Home Office code'),
  reason: optionalText(2000).describe(
    'Why: an allocation of a very high or high case to a non-specialist team, or closing a case with children and no welfare visit or social care referral',
  ),
}
export const stageInput = z.object(stageChangeFields).strict()
export type StageInput = z.output<typeof stageInput>

export const stageChangeInput = z.object({ case: onlineCase, ...stageChangeFields }).strict()
export type StageChangeInput = z.output<typeof stageChangeInput>

/** An online case as the form, the API and the import give it. */
export const caseInput = z
  .object({
    source: oneOf(sources),
    ncaReference: optionalText(100).describe('The NCA’s reference: required for a CEOP/NCA referral'),
    receivedAt: instant,
    materialCategory: oneOf(materialCategories),
    materialDescription: text(4000).describe('What was found: read only by the specialist online team'),
    materialLocation: optionalText(500).describe('Where it was found (the platform or service)'),
    materialUploadedAt: instant.optional(),
    suspect: optionalText(200).describe(
      'The suspect’s reference in the person index (KP-...); leave out if unknown',
    ),
    borough: optionalText(200).describe('The borough of the suspect’s address, once known: its name or id'),
    identifiers: z.array(identifierInput).max(50).default([]),
  })
  .strict()
export type CaseInput = z.output<typeof caseInput>

export const kiratAnswer = z.object({ question: text(500), answer: text(1000) }).strict()

export const kiratInput = z
  .object({
    case: onlineCase,
    assessedAt: instant,
    level: oneOf(kiratLevels),
    answers: z.array(kiratAnswer).min(1, 'give the answers the level was computed from').max(50),
    assessor: text(200),
  })
  .strict()
export type KiratInput = z.output<typeof kiratInput>

export const childInput = z
  .object({
    case: onlineCase,
    person: text(200).describe('The child’s reference in the person index (KP-...) or id'),
    identifiedAt: instant,
  })
  .strict()
export type ChildInput = z.output<typeof childInput>

export const safeguardingKinds = ['pac', 'social_care_referral', 'welfare_visit'] as const
export const safeguardingInput = z
  .object({
    case: onlineCase,
    kind: oneOf(safeguardingKinds),
    child: optionalText(200).describe('The child it was for (KP-...); leave out for the whole household'),
    at: instant,
    pacRef: optionalText(100).describe('A PAC: its reference in the referrals module'),
    note: optionalText(2000),
  })
  .strict()
export type SafeguardingInput = z.output<typeof safeguardingInput>
