import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import {
  dateInput,
  dateTimeInput,
  optionalText,
  radios,
  text,
  yesNo,
} from '../../../platform/http/form-fields.ts'
import { londonDate } from '../../../platform/time.ts'
import { offendersAccess } from '../access.ts'
import { notificationKinds, notificationLabels } from '../rso.ts'
import { fromNow, keeping, recordPage, yesNoOptions } from './record-page.ts'
import { instantOf, type OffendersPageDeps } from './shared.ts'

/*
 * The forms of contact with an RSO, each from a link on their page: a visit, a notification, a PAC linked to
 * the visit or notification that found a child, and (for those who balance caseloads) a reallocation.
 */

const pacLinkForm = z.object({
  record: text({ required: 'Choose the visit or notification that found the child' }),
  pac: text({ required: 'Enter the PAC reference', maxLength: 100 }),
})

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

/** The contact forms: visits, notifications, PAC links and reallocation. */
export function contactRecordPages(app: FastifyInstance, deps: OffendersPageDeps) {
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
