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

const gradeField = z.enum(grades, { message: listed(grades) })
const day = isoDay('must be a date like 2018-08-01')

/** A second auditor's grade, and how a disagreement was resolved (the audit's `grade` is then the one agreed). */
export const moderationLine = z
  .object({
    moderator: text(200),
    on: day,
    auditorGrade: gradeField
      .optional()
      .describe('The auditor’s grade before moderation; the audit’s grade if left out'),
    grade: gradeField.describe('The moderator’s grade'),
    note: text(5000).optional(),
    resolution: z
      .object({ grade: gradeField, reasons: text(5000), on: day, by: text(200).optional() })
      .strict()
      .optional(),
  })
  .strict()

/** A learning point from the audit, one a theme, and the force-wide bulletin it was shared in, if any. */
export const learningLine = z
  .object({
    theme: z.enum(themes, { message: listed(themes) }),
    text: text(5000),
    recordedOn: day,
    sharedIn: text(200).optional().describe('The ref of the audit-bulletin it was shared in'),
  })
  .strict()

export const auditInput = z
  .object({
    caseType: z
      .enum(caseTypes, { message: listed(caseTypes) })
      .optional()
      .describe('Required, unless the audit is of a programme’s sampled case (then the sample’s)'),
    sampled: z
      .object({
        programme: text(200),
        position: z.number().int('must be a whole number').min(1, 'must be 1 or more'),
      })
      .strict()
      .optional()
      .describe(
        'The case of an audit-programme’s sample audited, by the programme’s ref and the case’s place in it',
      ),
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
    moderation: moderationLine.optional(),
    learning: z.array(learningLine).max(themes.length).default([]),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.sampled && (a.record || a.caseReference))
      ctx.addIssue({
        code: 'custom',
        path: ['sampled'],
        message: 'give the sampled case, the record or a caseReference: one of them',
      })
    if (!a.sampled && !a.caseType)
      ctx.addIssue({ code: 'custom', path: ['caseType'], message: listed(caseTypes) })
    if (!a.sampled && !a.record && !a.caseReference)
      ctx.addIssue({
        code: 'custom',
        path: ['record'],
        message: 'give the record audited or a caseReference',
      })
    if (a.record && a.caseType && !recordKindsOf[a.caseType].includes(a.record.kind))
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
    const m = a.moderation
    if (m) {
      if (m.on < a.auditedOn)
        ctx.addIssue({ code: 'custom', path: ['moderation', 'on'], message: 'must not be before auditedOn' })
      const auditorGrade = m.auditorGrade ?? a.grade
      if (m.resolution && auditorGrade === m.grade)
        ctx.addIssue({
          code: 'custom',
          path: ['moderation', 'resolution'],
          message: 'only a disagreement is resolved: the auditor and moderator gave the same grade',
        })
      if (m.resolution && m.resolution.grade !== a.grade)
        ctx.addIssue({
          code: 'custom',
          path: ['grade'],
          message:
            'must be the grade agreed when the disagreement was resolved (moderation.resolution.grade)',
        })
      if (!m.resolution && auditorGrade !== a.grade)
        ctx.addIssue({
          code: 'custom',
          path: ['moderation', 'auditorGrade'],
          message: 'differs from the audit’s grade: give the resolution that changed it',
        })
      if (m.resolution && m.resolution.on < m.on)
        ctx.addIssue({
          code: 'custom',
          path: ['moderation', 'resolution', 'on'],
          message: 'must not be before the moderation',
        })
    }
    const themesSeen = new Set<string>()
    a.learning.forEach((l, i) => {
      if (themesSeen.has(l.theme))
        ctx.addIssue({
          code: 'custom',
          path: ['learning', i, 'theme'],
          message: `${l.theme} has a point already`,
        })
      themesSeen.add(l.theme)
      if (l.recordedOn < a.auditedOn)
        ctx.addIssue({
          code: 'custom',
          path: ['learning', i, 'recordedOn'],
          message: 'must not be before auditedOn',
        })
    })
  })

export type AuditInput = z.output<typeof auditInput>
