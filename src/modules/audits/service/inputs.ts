import { z } from 'zod'
import { isoDay } from '../../../platform/time-schemas.ts'
import { caseTypes, recordKindsOf } from '../case-types.ts'
import { grades, judgements, themes } from '../criteria.ts'

/*
 * A completed audit as the import, the API and the audit form give it. The case is a Kestrel record (its
 * kind and ref) or a free case reference; the owner's borough and team are taken from the record where it
 * declares them, else as given.
 */

const text = (max: number) =>
  z.string().trim().min(1, 'enter a value').max(max, `must be at most ${max} characters`)
const listed = (values: readonly string[]) => `must be one of ${values.join(', ')}`

export const criterionInput = z
  .object({
    theme: z.enum(themes, { message: listed(themes) }),
    judgement: z.enum(judgements, { message: listed(judgements) }),
    note: text(5000).optional(),
  })
  .strict()

export const auditInput = z
  .object({
    caseType: z.enum(caseTypes, { message: listed(caseTypes) }),
    record: z
      .object({ kind: text(50), ref: text(200) })
      .strict()
      .optional()
      .describe('The Kestrel record audited, by its import kind and ref'),
    caseReference: text(200).optional().describe('A case Kestrel does not hold, by its own reference'),
    borough: text(200).optional().describe('The borough the case lies in, where the record does not say'),
    team: text(200).optional().describe('The team that owns the case, where the record does not say'),
    auditor: text(200).describe('Who audited the case'),
    auditorStaff: text(20)
      .optional()
      .describe('The auditor’s staff number, when they are on the force’s staff'),
    auditedOn: isoDay('must be a date like 2018-08-01'),
    grade: z.enum(grades, { message: listed(grades) }),
    gradeReasons: text(5000).optional(),
    criteria: z.array(criterionInput).max(themes.length).default([]),
    referredBack: z.boolean().default(false),
    referredOn: isoDay('must be a date like 2018-08-01').optional(),
    actionRequired: text(5000).optional(),
    response: z
      .object({ text: text(5000), on: isoDay('must be a date like 2018-08-01') })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.record && !a.caseReference)
      ctx.addIssue({
        code: 'custom',
        path: ['record'],
        message: 'give the record audited or a caseReference',
      })
    if (a.record && !recordKindsOf[a.caseType].includes(a.record.kind))
      ctx.addIssue({
        code: 'custom',
        path: ['record', 'kind'],
        message: `a ${a.caseType} audit is of a ${recordKindsOf[a.caseType].join(' or ')}`,
      })
    const seen = new Set<string>()
    a.criteria.forEach((c, i) => {
      if (seen.has(c.theme))
        ctx.addIssue({
          code: 'custom',
          path: ['criteria', i, 'theme'],
          message: `${c.theme} is judged twice`,
        })
      seen.add(c.theme)
    })
    if (!a.referredBack && (a.referredOn || a.actionRequired || a.response))
      ctx.addIssue({
        code: 'custom',
        path: ['referredBack'],
        message: 'must be true to give a referral or response',
      })
    const referredOn = a.referredOn ?? a.auditedOn
    if (a.referredOn && a.referredOn < a.auditedOn)
      ctx.addIssue({ code: 'custom', path: ['referredOn'], message: 'must not be before auditedOn' })
    if (a.response && a.response.on < referredOn)
      ctx.addIssue({
        code: 'custom',
        path: ['response', 'on'],
        message: 'must not be before the case was referred back',
      })
  })

export type AuditInput = z.output<typeof auditInput>
