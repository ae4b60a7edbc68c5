import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateTimeInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
// The offenders forms' field drawing is generic (GOV.UK components from a field list); shared, not copied.
import { type FormField, instantOf } from '../../offenders/pages/shared.ts'
import { onlineAccess } from '../access.ts'
import { kiratLabels, kiratLevels } from '../online-case.ts'
import { safeguardingKinds } from '../service/inputs.ts'
import { atField, casePage } from './case-form.ts'
import type { OnlinePageDeps } from './shared.ts'

/** KIRAT's questions as the form asks them; the level is the assessor's tool's, the answers are shown with it. */
const kiratQuestions = [
  'Does the suspect have access to children?',
  'Is there evidence of contact offending?',
  'Does the suspect hold a position of trust?',
  'Is there evidence of production or distribution?',
] as const
const kiratForm = z.object({
  level: radios(kiratLevels, 'Select the KIRAT level'),
  answer1: text({ required: 'Answer the first question', maxLength: 1000 }),
  answer2: text({ required: 'Answer the second question', maxLength: 1000 }),
  answer3: text({ required: 'Answer the third question', maxLength: 1000 }),
  answer4: text({ required: 'Answer the fourth question', maxLength: 1000 }),
  assessor: text({ required: 'Enter the assessor’s name', maxLength: 200 }),
  at: dateTimeInput({ label: 'Date and time of the assessment' }).transform(instantOf),
})
const childForm = z.object({
  person: text({ required: 'Enter the child’s person reference', maxLength: 200 }),
  at: dateTimeInput({ label: 'Date and time they were identified' }).transform(instantOf),
})
const safeguardingForm = z.object({
  kind: radios(safeguardingKinds, 'Select what was done'),
  child: optionalText({ maxLength: 200 }),
  at: dateTimeInput({ label: 'Date and time' }).transform(instantOf),
  pacRef: optionalText({ maxLength: 100 }),
  note: optionalText({ maxLength: 2000 }),
})

/**
 * The KIRAT assessment, the household's children and what was done to protect them. Devices seized are
 * recorded on the triage module's form, which the case page links to.
 */
export function householdPages(app: FastifyInstance, deps: OnlinePageDeps) {
  casePage(app, deps, {
    path: 'kirat',
    title: 'Record a KIRAT assessment',
    submitText: 'Record the assessment',
    access: onlineAccess.record,
    form: kiratForm,
    fields: async () => [
      {
        name: 'level',
        kind: 'radios',
        label: 'KIRAT level',
        options: kiratLevels.map((l) => ({ value: l, text: kiratLabels[l] })),
      },
      ...kiratQuestions.map((q, i): FormField => ({ name: `answer${i + 1}`, kind: 'text', label: q })),
      { name: 'assessor', kind: 'text', label: 'Assessor' },
      { name: 'at', kind: 'datetime', label: 'Date and time of the assessment' },
    ],
    save: (d, caseId, input, principal) =>
      d.online.recordKirat(
        {
          case: caseId,
          level: input.level,
          assessedAt: input.at,
          assessor: input.assessor,
          answers: kiratQuestions.map((question, i) => ({
            question,
            answer: input[`answer${i + 1}` as 'answer1'],
          })),
        },
        principal,
      ),
  })

  casePage(app, deps, {
    path: 'children',
    title: 'Record a child identified in the household',
    submitText: 'Record the child',
    access: onlineAccess.investigate,
    form: childForm,
    intro: () => [
      'The child must be in the person index: find or add them there, then give their reference (KP-...).',
    ],
    fields: async () => [
      { name: 'person', kind: 'text', label: 'Child’s person reference', short: true },
      { name: 'at', kind: 'datetime', label: 'Date and time they were identified' },
    ],
    save: (d, caseId, input, principal) =>
      d.online.identifyChild({ case: caseId, person: input.person, identifiedAt: input.at }, principal),
  })

  casePage(app, deps, {
    path: 'safeguarding',
    title: 'Record safeguarding for the household',
    submitText: 'Record it',
    access: onlineAccess.investigate,
    form: safeguardingForm,
    intro: (v) =>
      v.children.length
        ? ['Raise a PAC for each child identified (Referrals), then record its reference here.']
        : ['No children are identified in the household yet.'],
    fields: async (v) => [
      {
        name: 'kind',
        kind: 'radios',
        label: 'What was done',
        options: [
          { value: 'pac', text: 'PAC raised' },
          { value: 'social_care_referral', text: 'Referral to children’s social care' },
          { value: 'welfare_visit', text: 'Welfare visit' },
        ],
      },
      {
        name: 'child',
        kind: 'select',
        label: 'For (leave as Choose for the whole household)',
        options: v.children.flatMap((c) => (c.person ? [{ value: c.person.ref, text: c.person.name }] : [])),
      },
      atField,
      { name: 'pacRef', kind: 'text', label: 'PAC reference (for a PAC)', short: true },
      { name: 'note', kind: 'textarea', label: 'Note (optional)' },
    ],
    save: (d, caseId, input, principal) =>
      d.online.recordSafeguarding(
        {
          case: caseId,
          kind: input.kind,
          child: input.child ?? undefined,
          at: input.at,
          pacRef: input.pacRef ?? undefined,
          note: input.note ?? undefined,
        },
        principal,
      ),
  })
}
