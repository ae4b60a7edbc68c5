import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Access } from '../../../platform/access/access.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import type { FormSchema } from '../../../platform/http/form.ts'
import {
  dateInput,
  dateTimeInput,
  optionalText,
  radios,
  text,
  yesNo,
} from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { londonDate } from '../../../platform/time.ts'
import { offendersAccess } from '../access.ts'
import { notificationKinds, notificationLabels, riskLabels, riskLevels } from '../rso.ts'
import type { RsoView } from '../service/view.ts'
import {
  actorOf,
  type FormField,
  fieldsView,
  identityOf,
  inFormWords,
  instantOf,
  nowParts,
  type OffendersPageDeps,
  offendersPath,
} from './shared.ts'

/*
 * The forms that add one record to an RSO's file, each from a link on the RSO's page: an ARMS assessment,
 * a change of risk level, new information, a plan, a visit, a notification, and (for those who balance
 * caseloads) a reallocation. Each is a page() with its fields in the order shown; the service checks the
 * record against the RSO (a visit before notification began) and its refusals are shown on the form.
 */

const levelOptions = riskLevels.map((l) => ({ value: l, text: riskLabels[l] }))
const yesNoOptions = [
  { value: 'yes', text: 'Yes' },
  { value: 'no', text: 'No' },
]

interface RecordForm<S extends FormSchema> {
  /** The page's path under the RSO's, and the section of the RSO's page it returns to. */
  path: string
  section: string
  title: string
  intro?: string
  submitText: string
  access: Access
  form: S
  /** The fields in the order the schema lists them, as the template draws them. */
  fields: readonly FormField[]
  /** Choices read when the page is shown (the RSO's assessments, the managers). */
  options?(deps: OffendersPageDeps, rso: RsoView): Promise<Record<string, FormField['options']>>
  /** What the form opens with. */
  initial?(now: Date, rso: RsoView): Record<string, unknown>
  save(deps: OffendersPageDeps, rso: string, input: z.output<S>, principal: Principal): Promise<unknown>
}

function recordPage<S extends FormSchema>(
  app: FastifyInstance,
  deps: OffendersPageDeps,
  spec: RecordForm<S>,
) {
  page(app, `${offendersPath}/:id/${spec.path}`, {
    access: spec.access,
    form: spec.form,
    get: async ({ params, principal, form }) => {
      const rso = await deps.offenders.view(params.id as string, principal)
      const options = (await spec.options?.(deps, rso)) ?? {}
      const fields = spec.fields.map((f) => (options[f.name] ? { ...f, options: options[f.name] } : f))
      return view('offenders/views/form.njk', {
        pageTitle: spec.title,
        intro: spec.intro,
        rso: identityOf(rso),
        action: `${offendersPath}/${rso.rso.id}/${spec.path}`,
        fields: fieldsView(fields, form, spec.initial?.(deps.clock.now(), rso)),
        submitText: spec.submitText,
        cancelHref: `${offendersPath}/${rso.rso.id}`,
      })
    },
    post: async ({ params, principal, input }) => {
      const key = params.id as string
      try {
        await spec.save(deps, key, input as z.output<S>, principal)
      } catch (error) {
        inFormWords(error, spec.fields)
      }
      return `${offendersPath}/${encodeURIComponent(key)}#${spec.section}`
    },
  })
}

const keeping = (principal: Principal) => [actorOf(principal), reachOf(principal)] as const

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

const pacLinkForm = z.object({
  record: text({ required: 'Choose the visit or notification that found the child' }),
  pac: text({ required: 'Enter the PAC reference', maxLength: 100 }),
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

const visitForm = z.object({
  visitedAt: dateTimeInput({ label: 'Date and time of the visit', required: false }),
  plannedOn: dateInput({ label: 'Date the visit is planned for', required: false }),
  announced: yesNo('Select whether the visit was announced'),
  officers: text({ required: 'Enter who made the visit', maxLength: 500 }),
  childrenPresent: yesNo('Select whether children were present'),
  outcome: optionalText({ maxLength: 4000 }),
  concerns: optionalText({ maxLength: 4000 }),
  socialCareReferralAt: dateTimeInput({ label: 'Date and time social care were told', required: false }),
})

const notificationForm = z.object({
  notificationKind: radios(notificationKinds, 'Select the kind of notification'),
  notifiedAt: dateTimeInput({ label: 'Date and time of the notification' }).transform(instantOf),
  deadlineAt: dateTimeInput({ label: 'Deadline for the notification', required: false }),
  details: text({ required: 'Enter the details notified', maxLength: 4000 }),
  socialCareReferralAt: dateTimeInput({ label: 'Date and time social care were told', required: false }),
})

const allocationForm = z.object({
  manager: text({ required: 'Select the offender manager', maxLength: 50 }),
  at: dateTimeInput({ label: 'Date and time the new manager takes over' }).transform(instantOf),
  reason: text({ required: 'Enter the reason for the reallocation', maxLength: 1000 }),
})

/** A date and time field opening at now, London time. */
const fromNow =
  (...names: string[]) =>
  (now: Date) =>
    Object.fromEntries(names.map((n) => [n, nowParts(now)]))

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

  recordPage(app, deps, {
    path: 'visits',
    section: 'visits',
    title: 'Record a visit',
    intro: 'Give when the visit was made, or for a visit still to come, the date it is planned for.',
    submitText: 'Save visit',
    access: offendersAccess.write,
    form: visitForm,
    fields: [
      {
        name: 'visitedAt',
        kind: 'datetime',
        label: 'Date and time of the visit',
        hint: 'Leave empty for a planned visit. Date, and the time on the 24-hour clock, for example 27 3 2019 and 14:30',
      },
      { name: 'plannedOn', kind: 'date', label: 'Date the visit is planned for (optional)' },
      { name: 'announced', kind: 'radios', label: 'Was the visit announced?', options: yesNoOptions },
      { name: 'officers', kind: 'text', label: 'Officers who visited' },
      { name: 'childrenPresent', kind: 'radios', label: 'Were children present?', options: yesNoOptions },
      { name: 'outcome', kind: 'textarea', label: 'Outcome (optional)' },
      { name: 'concerns', kind: 'textarea', label: 'Concerns raised (optional)' },
      {
        name: 'socialCareReferralAt',
        kind: 'datetime',
        label: 'When children’s social care were told (optional)',
        hint: 'Where the RSO has access to children and social care were told directly rather than by a PAC. Date and time, for example 27 3 2019 and 14:30',
      },
    ],
    save: (deps, rso, input, principal) =>
      deps.offenders.recordVisit(
        {
          rso,
          ...(input.visitedAt ? { visitedAt: instantOf(input.visitedAt) } : {}),
          ...(input.plannedOn ? { plannedOn: input.plannedOn } : {}),
          announced: input.announced,
          officers: input.officers,
          childrenPresent: input.childrenPresent,
          ...(input.outcome ? { outcome: input.outcome } : {}),
          ...(input.concerns ? { concerns: input.concerns } : {}),
          ...(input.socialCareReferralAt
            ? { socialCareReferralAt: instantOf(input.socialCareReferralAt) }
            : {}),
        },
        ...keeping(principal),
      ),
  })

  recordPage(app, deps, {
    path: 'notifications',
    section: 'notifications',
    title: 'Record a notification',
    submitText: 'Save notification',
    access: offendersAccess.write,
    form: notificationForm,
    fields: [
      {
        name: 'notificationKind',
        kind: 'radios',
        label: 'Kind of notification',
        options: notificationKinds.map((k) => ({ value: k, text: notificationLabels[k] })),
      },
      { name: 'notifiedAt', kind: 'datetime', label: 'Date and time of the notification' },
      {
        name: 'deadlineAt',
        kind: 'datetime',
        label: 'Deadline for the notification (optional)',
        hint: 'The latest the law allowed, where there is one. Date and time, for example 27 3 2019 and 14:30',
      },
      { name: 'details', kind: 'textarea', label: 'Details notified' },
      {
        name: 'socialCareReferralAt',
        kind: 'datetime',
        label: 'When children’s social care were told (optional)',
        hint: 'Where the RSO has access to children and social care were told directly rather than by a PAC. Date and time, for example 27 3 2019 and 14:30',
      },
    ],
    initial: fromNow('notifiedAt'),
    save: (deps, rso, input, principal) =>
      deps.offenders.recordNotification(
        {
          rso,
          notificationKind: input.notificationKind,
          notifiedAt: input.notifiedAt,
          ...(input.deadlineAt ? { deadlineAt: instantOf(input.deadlineAt) } : {}),
          details: input.details,
          ...(input.socialCareReferralAt
            ? { socialCareReferralAt: instantOf(input.socialCareReferralAt) }
            : {}),
        },
        ...keeping(principal),
      ),
  })

  recordPage(app, deps, {
    path: 'pac-links',
    section: 'visits',
    title: 'Link a PAC to the visit or notification that found a child',
    intro: 'Raise a PAC for each child first; linking it meets rule RSO-06 for the visit or notification.',
    submitText: 'Link the PAC',
    access: offendersAccess.write,
    form: pacLinkForm,
    fields: [
      { name: 'record', kind: 'select', label: 'Visit or notification' },
      { name: 'pac', kind: 'text', label: 'PAC reference', hint: 'For example, PAC-0001234', short: true },
    ],
    options: async (_deps, rso) => ({
      record: [
        { value: '', text: 'Choose the visit or notification' },
        ...rso.visits
          .filter((v) => v.children_present && v.visited_at)
          .map((v) => ({ value: v.ref, text: `Visit of ${londonDate(v.visited_at as Date)} (${v.ref})` })),
        ...rso.notifications
          .filter((n) => n.kind === 'household_with_child')
          .map((n) => ({ value: n.ref, text: `Notification of ${londonDate(n.notified_at)} (${n.ref})` })),
      ],
    }),
    save: (deps, rso, input, principal) => deps.offenders.linkPac({ rso, ...input }, ...keeping(principal)),
  })

  recordPage(app, deps, {
    path: 'allocation',
    section: 'allocations',
    title: 'Reallocate to another offender manager',
    intro: 'The reason is kept with the allocation history.',
    submitText: 'Reallocate',
    access: offendersAccess.reallocate,
    form: allocationForm,
    fields: [
      { name: 'manager', kind: 'select', label: 'New offender manager' },
      { name: 'at', kind: 'datetime', label: 'Date and time the new manager takes over' },
      { name: 'reason', kind: 'textarea', label: 'Reason for the reallocation' },
    ],
    options: async (deps, rso) => ({
      manager: (await deps.offenders.managers())
        .filter((m) => m.id !== rso.rso.manager_staff_id)
        .map((m) => ({ value: m.staff_number, text: `${m.name} (${m.staff_number}), ${m.team_name}` })),
    }),
    initial: fromNow('at'),
    save: (deps, rso, input, principal) => deps.offenders.allocate({ rso, ...input }, ...keeping(principal)),
  })
}
