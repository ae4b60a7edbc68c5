import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import { dateInput, dateTimeInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import { offendersAccess } from '../access.ts'
import { riskLabels, riskLevels } from '../rso.ts'
import { fromNow, keeping, levelOptions, recordPage } from './record-page.ts'
import { type FormField, instantOf, nowParts, type OffendersPageDeps } from './shared.ts'

/*
 * The forms that add one record to an RSO's file, each from a link on the RSO's page: an ARMS assessment,
 * a change of risk level, new information, a plan, (the visits, notifications, PAC links and reallocation
 * are in contact-records.ts). Each is a page() with its fields in the order shown; the service checks the
 * record against the RSO (a visit before notification began) and its refusals are shown on the form.
 */

const armsForm = z.object({
  assessedOn: dateInput({ label: 'Date of the assessment' }),
  assessor: text({ required: 'Enter the assessor’s name', maxLength: 200 }),
  priority: radios(riskLevels, 'Select the risk priority the assessment gives'),
  keyFactors: text({ required: 'Enter the key factors', maxLength: 4000 }),
})

const riskForm = z.object({
  toLevel: radios(riskLevels, 'Select the new risk level'),
  changedAt: dateTimeInput({ label: 'Date and time of the change' }).transform(instantOf),
  reason: text({ required: 'Enter the reason for the change', maxLength: 2000 }),
})

const informationForm = z.object({
  receivedAt: dateTimeInput({ label: 'Date and time it was received' }).transform(instantOf),
  source: text({ required: 'Enter where the information came from', maxLength: 200 }),
  summary: text({ required: 'Enter a summary of the information', maxLength: 4000 }),
})

/** A plan's actions are rows of three boxes; the first row is required, the others are used when filled. */
const actionRows = [1, 2, 3] as const
const planForm = z.object({
  agreedAt: dateTimeInput({ label: 'Date and time the plan was agreed' }).transform(instantOf),
  author: text({ required: 'Enter the plan’s author', maxLength: 200 }),
  riskLevel: radios(riskLevels, 'Select the risk level the plan manages'),
  arms: optionalText({ maxLength: 100 }),
  action1: text({ required: 'Enter the first action', maxLength: 1000 }),
  owner1: text({ required: 'Enter who owns the first action', maxLength: 200 }),
  due1: dateInput({ label: 'Date the first action is due' }),
  action2: optionalText({ maxLength: 1000 }),
  owner2: optionalText({ maxLength: 200 }),
  due2: dateInput({ label: 'Date the second action is due', required: false }),
  action3: optionalText({ maxLength: 1000 }),
  owner3: optionalText({ maxLength: 200 }),
  due3: dateInput({ label: 'Date the third action is due', required: false }),
})
const ordinal = { 1: 'first', 2: 'second', 3: 'third' } as const

/** The forms of an RSO's risk: assessments, changes of level, new information, plans. */
export function recordPages(app: FastifyInstance, deps: OffendersPageDeps) {
  recordPage(app, deps, {
    path: 'arms',
    section: 'arms',
    title: 'Record an ARMS assessment',
    submitText: 'Save assessment',
    access: offendersAccess.write,
    form: armsForm,
    fields: [
      { name: 'assessedOn', kind: 'date', label: 'Date of the assessment' },
      { name: 'assessor', kind: 'text', label: 'Assessor' },
      { name: 'priority', kind: 'radios', label: 'Dynamic risk priority', options: levelOptions },
      { name: 'keyFactors', kind: 'textarea', label: 'Key factors' },
    ],
    initial: (now) => {
      const { time: _time, ...day } = nowParts(now)
      return { assessedOn: day }
    },
    save: (deps, rso, input, principal) =>
      deps.offenders.recordArms({ rso, ...input }, ...keeping(principal)),
  })

  recordPage(app, deps, {
    path: 'risk',
    section: 'risk-changes',
    title: 'Change the risk level',
    intro:
      'A change of risk level needs a new ARMS assessment and a new risk management plan (RSO-02, RSO-03).',
    submitText: 'Save the change',
    access: offendersAccess.write,
    form: riskForm,
    fields: [
      { name: 'toLevel', kind: 'radios', label: 'New risk level', options: levelOptions },
      { name: 'changedAt', kind: 'datetime', label: 'Date and time of the change' },
      { name: 'reason', kind: 'textarea', label: 'Reason for the change' },
    ],
    initial: fromNow('changedAt'),
    save: (deps, rso, input, principal) =>
      deps.offenders.changeRisk({ rso, ...input }, ...keeping(principal)),
  })

  recordPage(app, deps, {
    path: 'information',
    section: 'information',
    title: 'Record new information',
    intro:
      'New relevant information needs a new ARMS assessment (RSO-02): a partner’s report, an arrest, a change of household.',
    submitText: 'Save information',
    access: offendersAccess.write,
    form: informationForm,
    fields: [
      { name: 'receivedAt', kind: 'datetime', label: 'Date and time it was received' },
      { name: 'source', kind: 'text', label: 'Source' },
      { name: 'summary', kind: 'textarea', label: 'Summary' },
    ],
    initial: fromNow('receivedAt'),
    save: (deps, rso, input, principal) =>
      deps.offenders.recordInformation({ rso, ...input }, ...keeping(principal)),
  })

  recordPage(app, deps, {
    path: 'plans',
    section: 'plans',
    title: 'Agree a risk management plan',
    submitText: 'Save plan',
    access: offendersAccess.write,
    form: planForm,
    fields: [
      { name: 'agreedAt', kind: 'datetime', label: 'Date and time the plan was agreed' },
      { name: 'author', kind: 'text', label: 'Author' },
      { name: 'riskLevel', kind: 'radios', label: 'Risk level the plan manages', options: levelOptions },
      {
        name: 'arms',
        kind: 'select',
        label: 'ARMS assessment the plan answers (optional)',
        hint: 'Left unchosen, the latest assessment on or before the day the plan was agreed',
      },
      ...actionRows.flatMap((n): FormField[] => {
        const optional = n > 1 ? ' (optional)' : ''
        return [
          { name: `action${n}`, kind: 'textarea', label: `Action ${n}${optional}` },
          { name: `owner${n}`, kind: 'text', label: `Owner of action ${n}${optional}` },
          { name: `due${n}`, kind: 'date', label: `Action ${n} due by${optional}` },
        ]
      }),
    ],
    options: async (_deps, rso) => ({
      arms: rso.arms.map((a) => ({
        value: a.ref,
        text: `${a.ref}, ${a.assessed_on} (${riskLabels[a.priority]})`,
      })),
    }),
    initial: (now, rso) => ({ agreedAt: nowParts(now), riskLevel: rso.rso.risk_level }),
    save: (deps, rso, input, principal) => {
      const problems: FieldError[] = []
      const actions = actionRows.flatMap((n) => {
        const row = {
          action: input[`action${n}`] as string | null,
          owner: input[`owner${n}`] as string | null,
          due: input[`due${n}`] as string | null,
        }
        if (!row.action && !row.owner && !row.due) return []
        if (!row.action) problems.push({ field: `action${n}`, reason: `Enter the ${ordinal[n]} action` })
        if (!row.owner)
          problems.push({ field: `owner${n}`, reason: `Enter who owns the ${ordinal[n]} action` })
        if (!row.due)
          problems.push({ field: `due${n}`, reason: `Enter the date the ${ordinal[n]} action is due` })
        return row.action && row.owner && row.due
          ? [{ action: row.action, owner: row.owner, due: row.due }]
          : []
      })
      if (problems.length) throw new ValidationError(problems)
      return deps.offenders.agreePlan(
        {
          rso,
          agreedAt: input.agreedAt,
          author: input.author,
          riskLevel: input.riskLevel,
          ...(input.arms ? { arms: input.arms } : {}),
          actions,
        },
        ...keeping(principal),
      )
    },
  })
}
