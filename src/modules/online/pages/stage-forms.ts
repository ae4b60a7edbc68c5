import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Access } from '../../../platform/access/access.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { FormSchema } from '../../../platform/http/form.ts'
import { dateTimeInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { outcomeCodes, outcomeLabels } from '../../investigations/investigation.ts'
// The offenders forms' field drawing is generic (GOV.UK components from a field list); shared, not copied.
import { type FormField, fieldsView, instantOf, nowParts } from '../../offenders/pages/shared.ts'
import { deviceKindLabels, deviceKinds } from '../../triage/device.ts'
import { maySuperviseClosing, onlineAccess } from '../access.ts'
import {
  allocationAgainstPolicy,
  kiratLabels,
  kiratLevels,
  stageLabels,
  stages,
  teamKindLabels,
  teamKindOf,
} from '../online-case.ts'
import { safeguardingKinds } from '../service/inputs.ts'
import type { CaseView } from '../service/view.ts'
import { casePath, inFormWords, type OnlinePageDeps } from './shared.ts'

/** The stages this form moves a case to: allocation and closing have pages of their own. */
const movable = stages.filter((s) => !['received', 'allocated', 'closed'].includes(s)) as [
  string,
  ...string[],
]

const stageForm = z.object({
  stage: radios(movable, 'Select the stage the case has reached'),
  at: dateTimeInput({ label: 'Date and time' }).transform(instantOf),
  returnedAt: dateTimeInput({ label: 'Date and time the data came back', required: false }),
  outcomeCode: optionalText({ maxLength: 20 }),
  reason: optionalText({ maxLength: 2000 }),
})
const allocateForm = z.object({
  team: text({ required: 'Select the team', maxLength: 200 }),
  officer: optionalText({ maxLength: 50 }),
  at: dateTimeInput({ label: 'Date and time of the allocation' }).transform(instantOf),
  reason: optionalText({ maxLength: 2000 }),
})
const closeForm = z.object({
  at: dateTimeInput({ label: 'Date and time it was closed' }).transform(instantOf),
  reason: optionalText({ maxLength: 2000 }),
})
const deviceForm = z.object({
  ref: text({ required: 'Enter the exhibit reference', maxLength: 100 }),
  description: text({ required: 'Describe the device', maxLength: 500 }),
  deviceKind: radios(deviceKinds, 'Select the kind of device'),
  at: dateTimeInput({ label: 'Date and time it was seized' }).transform(instantOf),
})
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

interface CaseForm<S extends FormSchema> {
  path: string
  title: string
  submitText: string
  access: Access
  form: S
  fields(v: CaseView, deps: OnlinePageDeps): Promise<readonly FormField[]>
  /** Paragraphs above the form, and a warning (the KIRAT policy, children unprotected). */
  intro?(v: CaseView, principal: Principal): string[]
  warning?(v: CaseView, principal: Principal): string | undefined
  save(deps: OnlinePageDeps, caseId: string, input: z.output<S>, principal: Principal): Promise<unknown>
}

function casePage<S extends FormSchema>(app: FastifyInstance, deps: OnlinePageDeps, spec: CaseForm<S>) {
  page(app, `/online/cases/:caseId/${spec.path}`, {
    access: spec.access,
    form: spec.form,
    get: async ({ params, principal, form, request }) => {
      const v = await deps.online.view(params.caseId as string, principal, request.id)
      const fields = await spec.fields(v, deps)
      return view('online/views/form.njk', {
        pageTitle: spec.title,
        caseRef: v.case.ref,
        intro: spec.intro?.(v, principal) ?? [],
        warning: spec.warning?.(v, principal),
        action: `${casePath(v.case.id)}/${spec.path}`,
        fields: fieldsView(fields, form, { at: nowParts(deps.clock.now()) }),
        submitText: spec.submitText,
        cancelHref: casePath(v.case.id),
      })
    },
    post: async ({ params, principal, input }) => {
      const key = params.caseId as string
      const labels = Object.fromEntries(
        (await spec.fields(await deps.online.view(key, principal), deps)).map((f) => [f.name, f.label]),
      )
      try {
        await spec.save(deps, key, input as z.output<S>, principal)
      } catch (error) {
        inFormWords(error, labels)
      }
      return casePath(key)
    },
  })
}

const reasonField = (label: string, hint?: string): FormField => ({
  name: 'reason',
  kind: 'textarea',
  label,
  ...(hint ? { hint } : {}),
})
const atField: FormField = { name: 'at', kind: 'datetime', label: 'Date and time' }
const level = (v: CaseView) => v.kirat[0]?.level ?? null

/** Moving a case on, allocating it, closing it, and recording what was done for the household's children. */
export function stagePages(app: FastifyInstance, deps: OnlinePageDeps) {
  casePage(app, deps, {
    path: 'stage',
    title: 'Move the case to its next stage',
    submitText: 'Record the stage',
    access: onlineAccess.investigate,
    form: stageForm,
    fields: async () => [
      {
        name: 'stage',
        kind: 'radios',
        label: 'Stage reached',
        options: movable.map((s) => ({ value: s, text: stageLabels[s as keyof typeof stageLabels] })),
      },
      atField,
      {
        name: 'returnedAt',
        kind: 'datetime',
        label: 'Date and time the data came back (optional)',
        hint: 'Awaiting communications data only',
      },
      {
        name: 'outcomeCode',
        kind: 'select',
        label: 'Home Office outcome (optional)',
        hint: 'For an outcome',
        options: outcomeCodes.map((c) => ({ value: c, text: `${c}: ${outcomeLabels[c]}` })),
      },
      reasonField('Note (optional)'),
    ],
    save: (d, caseId, input, principal) =>
      d.online.changeStage(
        {
          case: caseId,
          stage: input.stage as (typeof stages)[number],
          at: input.at,
          returnedAt: input.returnedAt ? instantOf(input.returnedAt) : undefined,
          outcomeCode: input.outcomeCode ?? undefined,
          reason: input.reason ?? undefined,
        },
        principal,
      ),
  })

  casePage(app, deps, {
    path: 'allocate',
    title: 'Allocate the case',
    submitText: 'Allocate',
    access: onlineAccess.allocate,
    form: allocateForm,
    intro: (v) => [
      `KIRAT level: ${level(v) ? kiratLabels[level(v) as keyof typeof kiratLabels] : 'not assessed'}.`,
    ],
    warning: (v) =>
      allocationAgainstPolicy(level(v), 'frontline')
        ? 'This case is very high or high risk: force policy sends it to the specialist online team. Allocating it to another team needs a reason, which is recorded.'
        : undefined,
    fields: async (_v, d) => {
      const force = await d.organisation.force()
      const teams = (await d.organisation.teams(force.id, { activeOnly: true })).filter((t) =>
        ['online_csae', 'cait', 'response_neighbourhood', 'sapphire'].includes(t.kind),
      )
      return [
        {
          name: 'team',
          kind: 'select',
          label: 'Team',
          options: teams.map((t) => ({
            value: t.name,
            text: `${t.name} (${teamKindLabels[teamKindOf(t.kind)]})`,
          })),
        },
        { name: 'officer', kind: 'text', label: 'Officer’s staff number (optional)', short: true },
        atField,
        reasonField(
          'Reason (required for a very high or high case going to a team other than the specialists)',
        ),
      ]
    },
    save: (d, caseId, input, principal) =>
      d.online.changeStage(
        {
          case: caseId,
          stage: 'allocated',
          at: input.at,
          team: input.team,
          officer: input.officer ?? undefined,
          reason: input.reason ?? undefined,
        },
        principal,
      ),
  })

  casePage(app, deps, {
    path: 'close',
    title: 'Close the case',
    submitText: 'Close the case',
    access: onlineAccess.investigate,
    form: closeForm,
    warning: (v, principal) =>
      v.children.length && !v.safeguarding.some((s) => s.kind !== 'pac')
        ? `Children were identified in the household and no welfare visit or social care referral is recorded. ${
            maySuperviseClosing(principal.roles)
              ? 'Record one first, or give your reason as supervisor to close without one.'
              : 'Record one first: only a supervisor may close the case without one.'
          }`
        : undefined,
    fields: async () => [
      atField,
      reasonField('Supervisor’s reason (only to close without a welfare visit or referral)'),
    ],
    save: (d, caseId, input, principal) =>
      d.online.changeStage(
        { case: caseId, stage: 'closed', at: input.at, reason: input.reason ?? undefined },
        principal,
      ),
  })

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
    path: 'devices',
    title: 'Record a device seized',
    submitText: 'Record the device',
    access: onlineAccess.investigate,
    form: deviceForm,
    intro: () => [
      'The device is kept with device triage as one of this case’s exhibits, held by the team the case is allocated to. Triage it before sending it for full examination.',
    ],
    fields: async () => [
      { name: 'ref', kind: 'text', label: 'Exhibit reference', short: true },
      { name: 'description', kind: 'text', label: 'Description' },
      {
        name: 'deviceKind',
        kind: 'radios',
        label: 'Kind of device',
        options: deviceKinds.map((k) => ({ value: k, text: deviceKindLabels[k] })),
      },
      { name: 'at', kind: 'datetime', label: 'Date and time it was seized' },
    ],
    save: (d, caseId, input, principal) =>
      d.online.recordDevice(
        {
          case: caseId,
          ref: input.ref,
          description: input.description,
          deviceKind: input.deviceKind,
          seizedAt: input.at,
        },
        principal,
      ),
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
