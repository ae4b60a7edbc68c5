import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import { type FieldError, ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { dateInput, optionalText, radios, text } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { offendersAccess } from '../access.ts'
import {
  basisLabels,
  notificationBases,
  orderKinds,
  orderLabels,
  riskLabels,
  riskLevels,
  rsoStatuses,
  statusLabels,
} from '../rso.ts'
import {
  actorOf,
  type FormField,
  fieldsView,
  inFormWords,
  type OffendersPageDeps,
  offendersPath,
} from './shared.ts'

const scale = ['1', '2', '3'] as const

/** The register form's fields, in the order the page shows them; one offence and one order may come with it. */
const registerForm = z.object({
  person: text({ required: 'Enter the person’s reference in the person index', maxLength: 200 }),
  notificationBasis: radios(notificationBases, 'Select how the notification requirements began'),
  notificationStart: dateInput({ label: 'Date the notification period started' }),
  notificationEnd: dateInput({ label: 'Date the notification period ends', required: false }),
  mappaCategory: radios(scale, 'Select the MAPPA category'),
  mappaLevel: radios(scale, 'Select the MAPPA level'),
  riskLevel: radios(riskLevels, 'Select the risk level'),
  status: radios(rsoStatuses, 'Select the status'),
  visorRef: optionalText({ maxLength: 50 }),
  address: text({ required: 'Enter the address', maxLength: 500 }),
  borough: text({ required: 'Select the borough of the address', maxLength: 200 }),
  ward: optionalText({ maxLength: 200 }),
  manager: optionalText({ maxLength: 50 }),
  offence: optionalText({ maxLength: 500 }),
  offenceConvictedOn: dateInput({ label: 'Date of conviction', required: false }),
  offenceCourt: optionalText({ maxLength: 200 }),
  orderKind: optionalText({ maxLength: 50 }),
  orderStartsOn: dateInput({ label: 'Date the order starts', required: false }),
  orderEndsOn: dateInput({ label: 'Date the order ends', required: false }),
  orderConditions: optionalText({ maxLength: 4000 }),
})

const fields: FormField[] = [
  {
    name: 'person',
    kind: 'text',
    label: 'Person reference',
    hint: 'Their reference in the person index, for example KP-0000042. Add them to the index first.',
    short: true,
  },
  {
    name: 'notificationBasis',
    kind: 'radios',
    label: 'How the notification requirements began',
    options: notificationBases.map((b) => ({ value: b, text: basisLabels[b] })),
  },
  { name: 'notificationStart', kind: 'date', label: 'Date the notification period started' },
  {
    name: 'notificationEnd',
    kind: 'date',
    label: 'Date the notification period ends (optional)',
    hint: 'Leave empty for an indefinite period. For example, 27 3 2029',
  },
  {
    name: 'mappaCategory',
    kind: 'radios',
    label: 'MAPPA category',
    options: scale.map((n) => ({ value: n, text: n })),
  },
  {
    name: 'mappaLevel',
    kind: 'radios',
    label: 'MAPPA level',
    options: scale.map((n) => ({ value: n, text: n })),
  },
  {
    name: 'riskLevel',
    kind: 'radios',
    label: 'Risk level',
    options: riskLevels.map((l) => ({ value: l, text: riskLabels[l] })),
  },
  {
    name: 'status',
    kind: 'radios',
    label: 'Status',
    options: rsoStatuses.map((s) => ({ value: s, text: statusLabels[s] })),
  },
  { name: 'visorRef', kind: 'text', label: 'ViSOR reference (optional)', short: true },
  { name: 'address', kind: 'textarea', label: 'Address' },
  { name: 'borough', kind: 'select', label: 'Borough of the address' },
  {
    name: 'ward',
    kind: 'text',
    label: 'Ward of the address (optional)',
    hint: 'Where known: the ward’s neighbourhood team is then briefed on them',
  },
  {
    name: 'manager',
    kind: 'text',
    label: 'Offender manager’s staff number (optional)',
    hint: 'A member of an offender management (Jigsaw) team',
    short: true,
  },
  {
    name: 'offenceHeading',
    kind: 'heading',
    label: 'Offence (optional)',
    hint: 'One offence may be given here; leave these empty to add offences later.',
  },
  { name: 'offence', kind: 'text', label: 'Offence (optional)' },
  { name: 'offenceConvictedOn', kind: 'date', label: 'Date of conviction (optional)' },
  { name: 'offenceCourt', kind: 'text', label: 'Court (optional)' },
  {
    name: 'orderHeading',
    kind: 'heading',
    label: 'Civil order (optional)',
    hint: 'A sexual harm prevention order, sexual risk order or notification order, if there is one.',
  },
  {
    name: 'orderKind',
    kind: 'select',
    label: 'Kind of order (optional)',
    options: orderKinds.map((k) => ({ value: k, text: orderLabels[k] })),
  },
  { name: 'orderStartsOn', kind: 'date', label: 'Date the order starts (optional)' },
  { name: 'orderEndsOn', kind: 'date', label: 'Date the order ends (optional)' },
  { name: 'orderConditions', kind: 'textarea', label: 'Conditions of the order (optional)' },
]

/** The service names an offence's or order's fields by their place in the list; the form has one of each. */
const fieldOf = (field: string) => {
  const row = /^(offences|orders)\.0\.(\w+)$/.exec(field)
  if (!row) return field
  const name = row[2] as string
  if (row[1] === 'offences')
    return name === 'offence' ? 'offence' : `offence${name[0]?.toUpperCase()}${name.slice(1)}`
  return `order${name[0]?.toUpperCase()}${name.slice(1)}`
}

type Registered = z.output<typeof registerForm>

/** The offence and the order, each all or nothing: what is missing from one half given. */
function offenceAndOrder(input: Registered) {
  const problems: FieldError[] = []
  const offence = [input.offence, input.offenceConvictedOn, input.offenceCourt].some(Boolean)
  if (offence) {
    if (!input.offence) problems.push({ field: 'offence', reason: 'Enter the offence' })
    if (!input.offenceConvictedOn)
      problems.push({ field: 'offenceConvictedOn', reason: 'Enter date of conviction' })
    if (!input.offenceCourt) problems.push({ field: 'offenceCourt', reason: 'Enter the court' })
  }
  const order = [input.orderKind, input.orderStartsOn, input.orderEndsOn, input.orderConditions].some(Boolean)
  if (order) {
    if (!(orderKinds as readonly (string | null)[]).includes(input.orderKind))
      problems.push({ field: 'orderKind', reason: 'Select the kind of order' })
    if (!input.orderStartsOn) problems.push({ field: 'orderStartsOn', reason: 'Enter date the order starts' })
    if (!input.orderConditions)
      problems.push({ field: 'orderConditions', reason: 'Enter the conditions of the order' })
  }
  if (problems.length) throw new ValidationError(problems)
  return {
    offences:
      offence && input.offence && input.offenceConvictedOn && input.offenceCourt
        ? [{ offence: input.offence, convictedOn: input.offenceConvictedOn, court: input.offenceCourt }]
        : [],
    orders:
      order && input.orderStartsOn && input.orderConditions
        ? [
            {
              kind: input.orderKind as (typeof orderKinds)[number],
              startsOn: input.orderStartsOn,
              ...(input.orderEndsOn ? { endsOn: input.orderEndsOn } : {}),
              conditions: input.orderConditions,
            },
          ]
        : [],
  }
}

/** Registering an RSO: a person in the person index, their notification, MAPPA, risk, address and manager. */
export function registerPages(app: FastifyInstance, deps: OffendersPageDeps) {
  page(app, `${offendersPath}/new`, {
    access: offendersAccess.write,
    form: registerForm,
    action: offendersPath,
    get: async ({ principal, form, query }) => {
      const force = await deps.organisation.force()
      const boroughs = await deps.organisation.boroughs(force.id)
      const own = principal.area.forceWide ? null : principal.area.boroughId
      const person = typeof query?.person === 'string' ? query.person.slice(0, 200) : ''
      const shown = fields.map((f) =>
        f.name === 'borough' ? { ...f, options: boroughs.map((b) => ({ value: b.id, text: b.name })) } : f,
      )
      return view('offenders/views/form.njk', {
        pageTitle: 'Register a sex offender',
        intro:
          'Register a person already in the person index. Their assessments, plans, visits and notifications are added from their page.',
        action: offendersPath,
        fields: fieldsView(shown, form, { person, status: 'active', borough: own ?? '' }),
        submitText: 'Register',
        cancelHref: offendersPath,
      })
    },
    post: async ({ input, principal }) => {
      const { offences, orders } = offenceAndOrder(input)
      try {
        const saved = await deps.offenders.register(
          {
            person: input.person,
            status: input.status,
            notificationBasis: input.notificationBasis,
            notificationStart: input.notificationStart,
            ...(input.notificationEnd ? { notificationEnd: input.notificationEnd } : {}),
            mappaCategory: Number(input.mappaCategory),
            mappaLevel: Number(input.mappaLevel),
            riskLevel: input.riskLevel,
            ...(input.visorRef ? { visorRef: input.visorRef } : {}),
            address: input.address,
            borough: input.borough,
            ...(input.ward ? { ward: input.ward } : {}),
            ...(input.manager ? { manager: input.manager } : {}),
            offences,
            orders,
          },
          actorOf(principal),
          reachOf(principal),
        )
        return `${offendersPath}/${saved.id}`
      } catch (error) {
        // An RSO the keeper would place outside their own area: the borough or the manager is the one to change.
        if (error instanceof ForbiddenError)
          throw new ValidationError([{ field: 'borough', reason: error.message }])
        return inFormWords(error, fields, fieldOf)
      }
    },
  })
}
