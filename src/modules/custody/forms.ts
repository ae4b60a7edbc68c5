import type { FieldError } from '../../platform/http/errors.ts'
import { londonDate, londonInstant, londonTime } from '../../platform/time.ts'
import { type DatePart, dateErrorHref, dateInputItems, parseDateInput } from '../organisation/form-dates.ts'
import {
  aaRelationshipLabels,
  absenceReasonLabels,
  type CustodyEvent,
  destinationLabels,
  type EventKind,
  eventKindLabels,
  extensionKindLabels,
  laResponseLabels,
  observationLevelLabels,
  rankLabels,
  searchTypeLabels,
} from './custody.ts'

/**
 * The event forms: which fields each kind of event asks for, how a form body becomes an event input for the
 * one schema, and what the template needs to show the fields (with what the user typed and their errors).
 * Times are typed as a London date (three boxes) and a 24-hour time.
 */

type Body = Record<string, unknown> | undefined

export type FieldType = 'datetime' | 'text' | 'textarea' | 'boolean' | 'select' | 'related'
export interface FieldSpec {
  name: string
  label: string
  type: FieldType
  required?: boolean
  hint?: string
  options?: Record<string, string>
}

const at: FieldSpec = { name: 'at', label: 'When', type: 'datetime', required: true }
const note: FieldSpec = { name: 'note', label: 'Note (optional)', type: 'textarea' }
const officer = (label = 'Officer', required = true): FieldSpec => ({
  name: 'officerName',
  label,
  type: 'text',
  required,
})
const rank = (required = true): FieldSpec => ({
  name: 'officerRank',
  label: 'Rank',
  type: 'select',
  options: rankLabels,
  required,
})
const yesNo = (name: string, label: string, required = true, hint?: string): FieldSpec => ({
  name,
  label,
  type: 'boolean',
  required,
  ...(hint ? { hint } : {}),
})

export const eventFields: Record<EventKind, FieldSpec[]> = {
  arrived: [at, note],
  relevant_time: [{ ...at, hint: 'PACE s41(2): usually the arrival at the police station' }, note],
  detention_authorised: [at, officer('Custody officer', false), note],
  welfare_informed: [
    at,
    { name: 'personName', label: 'Who was informed', type: 'text', required: true },
    note,
  ],
  aa_contacted: [
    at,
    { name: 'personName', label: 'Appropriate adult', type: 'text', required: true },
    {
      name: 'aaRelationship',
      label: 'Who they are to the child',
      type: 'select',
      options: aaRelationshipLabels,
      required: true,
    },
    note,
  ],
  aa_arrived: [at, { name: 'personName', label: 'Appropriate adult (optional)', type: 'text' }, note],
  aa_left: [at, note],
  rights_given: [
    at,
    yesNo('aaPresent', 'Was the appropriate adult present?'),
    yesNo('countersigned', 'Did the appropriate adult countersign the notice of rights and entitlements?'),
    note,
  ],
  risk_assessed: [
    at,
    {
      name: 'observationLevel',
      label: 'Observation level',
      type: 'select',
      options: observationLevelLabels,
      required: true,
    },
    note,
  ],
  healthcare_requested: [at, { name: 'reason', label: 'Why (optional)', type: 'textarea' }],
  healthcare_seen: [
    at,
    { name: 'personName', label: 'Healthcare professional (optional)', type: 'text' },
    note,
  ],
  interview: [
    { ...at, label: 'Started' },
    { name: 'endedAt', label: 'Ended (optional)', type: 'datetime' },
    yesNo('aaPresent', 'Was the appropriate adult present?'),
    yesNo('urgentInterviewAuthorised', 'Was an urgent interview authorised (Code C 11.1, 11.18)?', false),
    officer('Authorising officer (urgent interview only)', false),
    note,
  ],
  search: [
    at,
    {
      name: 'searchType',
      label: 'Type of search',
      type: 'select',
      options: searchTypeLabels,
      required: true,
    },
    officer('Officer who authorised a strip or intimate search', false),
    rank(false),
    yesNo('aaPresent', 'Was the appropriate adult present?', false),
    { name: 'personsPresent', label: 'Who was present (optional)', type: 'text' },
    {
      name: 'urgencyReason',
      label: 'Why it was urgent, if the appropriate adult was not present',
      type: 'textarea',
    },
    note,
  ],
  review: [
    at,
    officer('Reviewing officer'),
    rank(),
    yesNo('inPerson', 'Was the review held in the child’s presence?'),
    { name: 'absenceReason', label: 'If not, why', type: 'select', options: absenceReasonLabels },
    { name: 'representations', label: 'Representations made (optional)', type: 'textarea' },
    note,
  ],
  review_told: [
    at,
    { name: 'relatedEventId', label: 'Which review', type: 'related', required: true },
    { name: 'representations', label: 'Representations the child made (optional)', type: 'textarea' },
    note,
  ],
  extension: [
    at,
    {
      name: 'extensionKind',
      label: 'Authority',
      type: 'select',
      options: extensionKindLabels,
      required: true,
    },
    officer('Authorised by'),
    rank(false),
    { name: 'extendedUntil', label: 'Warrant runs until (warrant only)', type: 'datetime' },
    note,
  ],
  charged: [at, note],
  bail_decision: [
    at,
    yesNo('bailRefused', 'Was bail refused?'),
    { name: 'reason', label: 'Grounds (optional)', type: 'textarea' },
  ],
  accommodation_request: [
    at,
    yesNo('secure', 'Was secure accommodation requested?'),
    { name: 'localAuthority', label: 'Local authority (optional)', type: 'text' },
    { name: 'ratifiedBy', label: 'Inspector who ratified a secure request', type: 'text' },
    { name: 'ratifiedAt', label: 'Ratified at', type: 'datetime' },
    note,
  ],
  la_response: [
    at,
    { name: 'relatedEventId', label: 'Which request', type: 'related', required: true },
    { name: 'laResponse', label: 'Response', type: 'select', options: laResponseLabels, required: true },
    note,
  ],
  escalation: [
    at,
    officer('Escalated to'),
    rank(),
    { name: 'reason', label: 'Why (optional)', type: 'textarea' },
  ],
  detention_certificate: [
    at,
    {
      name: 'reason',
      label: 'Why the child was not moved to local authority accommodation',
      type: 'textarea',
      required: true,
    },
  ],
  left_custody: [
    at,
    {
      name: 'destination',
      label: 'Where the child went',
      type: 'select',
      options: destinationLabels,
      required: true,
    },
    note,
  ],
}

const text = (body: Body, key: string) => {
  const value = body?.[key]
  return typeof value === 'string' ? value.trim() : ''
}

export interface ParsedDateTime {
  value: Date | null
  error: string | null
  errorParts: DatePart[]
}

/** A London date (three boxes) and a time ('HH:MM') from a form. */
export function parseDateTime(body: Body, name: string, label: string, required: boolean): ParsedDateTime {
  const date = parseDateInput(body, name, { label, required })
  const time = text(body, `${name}-time`)
  if (date.error) return { value: null, error: date.error, errorParts: date.errorParts }
  if (!date.value) {
    return time
      ? {
          value: null,
          error: `Enter the date for ${label.toLowerCase()}`,
          errorParts: ['day', 'month', 'year'],
        }
      : { value: null, error: null, errorParts: [] }
  }
  const match = /^(\d{1,2})[:.](\d{2})$/.exec(time)
  if (!time) return { value: null, error: `Enter the time for ${label.toLowerCase()}`, errorParts: [] }
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) {
    return { value: null, error: `${label}: enter a time like 21:30`, errorParts: [] }
  }
  const hhmm = `${match[1]?.padStart(2, '0')}:${match[2]}`
  return { value: londonInstant(date.value, hhmm), error: null, errorParts: [] }
}

/** A form body as the input for the event schema, and the errors only the form can see (dates, times). */
export function eventFromForm(
  kind: EventKind,
  body: Body,
): { input: Record<string, unknown>; errors: FieldError[]; dateParts: Record<string, DatePart[]> } {
  const input: Record<string, unknown> = { kind }
  const errors: FieldError[] = []
  const dateParts: Record<string, DatePart[]> = {}
  for (const field of eventFields[kind]) {
    if (field.type === 'datetime') {
      const parsed = parseDateTime(body, field.name, field.label, Boolean(field.required))
      if (parsed.error) {
        errors.push({ field: field.name, reason: parsed.error })
        dateParts[field.name] = parsed.errorParts
      } else if (parsed.value) input[field.name] = parsed.value
    } else if (field.type === 'boolean') {
      const value = text(body, field.name)
      if (value === 'yes' || value === 'no') input[field.name] = value === 'yes'
      else if (field.required)
        errors.push({ field: field.name, reason: `Select yes or no: ${field.label.toLowerCase()}` })
    } else {
      const value = text(body, field.name)
      if (value) input[field.name] = value
      else if (field.required)
        errors.push({ field: field.name, reason: `Enter ${field.label.toLowerCase()}` })
    }
  }
  return { input, errors, dateParts }
}

/** What the template needs to draw one kind's form, with values typed and errors. */
export function formFields(
  kind: EventKind,
  body: Body,
  errors: readonly FieldError[],
  dateParts: Record<string, DatePart[]>,
  related: { value: string; text: string }[],
) {
  const errorOf = (name: string) => errors.find((e) => e.field === name)?.reason
  return eventFields[kind].map((field) => {
    const error = errorOf(field.name)
    const base = {
      ...field,
      id: field.name,
      error: error ? { text: error } : undefined,
      value: text(body, field.name),
    }
    if (field.type === 'datetime') {
      const parts = {
        day: text(body, `${field.name}-day`),
        month: text(body, `${field.name}-month`),
        year: text(body, `${field.name}-year`),
      }
      return {
        ...base,
        dateItems: dateInputItems(
          parts,
          error
            ? dateParts[field.name]?.length
              ? (dateParts[field.name] ?? [])
              : ['day', 'month', 'year']
            : [],
        ),
        time: text(body, `${field.name}-time`),
      }
    }
    if (field.type === 'select' || field.type === 'related') {
      const choices =
        field.type === 'related'
          ? related
          : Object.entries(field.options ?? {}).map(([value, t]) => ({ value, text: t }))
      return {
        ...base,
        items: [
          { value: '', text: 'Choose' },
          ...choices.map((c) => ({ ...c, selected: c.value === base.value })),
        ],
      }
    }
    if (field.type === 'boolean') {
      return {
        ...base,
        items: [
          { value: 'yes', text: 'Yes', checked: base.value === 'yes' },
          { value: 'no', text: 'No', checked: base.value === 'no' },
        ],
      }
    }
    return base
  })
}

/** Error summary links: a date's first box in error, otherwise the field. */
export function errorLinks(
  errors: readonly FieldError[],
  dateParts: Record<string, DatePart[]>,
  kind?: EventKind,
) {
  const datetimes = new Set(
    [...(kind ? eventFields[kind] : []), { name: 'arrestedAt', type: 'datetime' }]
      .filter((f) => f.type === 'datetime')
      .map((f) => f.name),
  )
  return errors.map((e) => ({
    text: e.reason,
    href: datetimes.has(e.field)
      ? dateErrorHref(e.field, dateParts[e.field] ?? [])
      : `#${e.field.replace(/\./g, '-')}`,
  }))
}

/** Body values to pre-fill a form with a time: today and now in London. */
export function nowValues(name: string, now: Date): Record<string, string> {
  const [year, month, day] = londonDate(now).split('-')
  return {
    [`${name}-day`]: String(Number(day)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year as string,
    [`${name}-time`]: londonTime(now),
  }
}

/** What the timeline shows for one event: its title and the facts recorded with it. */
export function describeEvent(e: CustodyEvent): { title: string; lines: string[] } {
  const lines: string[] = []
  const yes = (v: boolean | null | undefined) => (v ? 'yes' : 'no')
  switch (e.kind) {
    case 'aa_contacted':
      lines.push(
        `${e.personName} (${aaRelationshipLabels[e.aaRelationship as keyof typeof aaRelationshipLabels] ?? e.aaRelationship})`,
      )
      break
    case 'rights_given':
      lines.push(`Appropriate adult present: ${yes(e.aaPresent)}`, `Countersigned: ${yes(e.countersigned)}`)
      break
    case 'risk_assessed':
      lines.push(observationLevelLabels[e.observationLevel as keyof typeof observationLevelLabels] ?? '')
      break
    case 'interview':
      lines.push(`Appropriate adult present: ${yes(e.aaPresent)}`)
      if (e.endedAt) lines.push(`Ended ${londonTime(e.endedAt)}`)
      if (e.urgentInterviewAuthorised)
        lines.push(`Urgent interview authorised${e.officerName ? ` by ${e.officerName}` : ''}`)
      break
    case 'search':
      lines.push(searchTypeLabels[e.searchType as keyof typeof searchTypeLabels] ?? '')
      if (e.officerName) lines.push(`Authorised by ${e.officerName}`)
      if (e.searchType !== 'other') lines.push(`Appropriate adult present: ${yes(e.aaPresent)}`)
      if (e.personsPresent) lines.push(`Present: ${e.personsPresent}`)
      if (e.urgencyReason) lines.push(`Urgency: ${e.urgencyReason}`)
      break
    case 'review':
      lines.push(`${rankLabels[e.officerRank as keyof typeof rankLabels] ?? ''} ${e.officerName}`.trim())
      lines.push(
        e.inPerson
          ? 'In person'
          : `In the child’s absence: ${absenceReasonLabels[e.absenceReason as keyof typeof absenceReasonLabels] ?? ''}`,
      )
      break
    case 'extension':
      lines.push(
        `${extensionKindLabels[e.extensionKind as keyof typeof extensionKindLabels] ?? ''}: ${e.officerName}`,
      )
      break
    case 'bail_decision':
      lines.push(e.bailRefused ? 'Bail refused' : 'Bail granted')
      break
    case 'accommodation_request':
      lines.push(e.secure ? 'Secure accommodation' : 'Non-secure accommodation')
      if (e.localAuthority) lines.push(e.localAuthority)
      if (e.secure) lines.push(e.ratifiedBy ? `Ratified by ${e.ratifiedBy}` : 'Not ratified by an inspector')
      break
    case 'la_response':
      lines.push(laResponseLabels[e.laResponse as keyof typeof laResponseLabels] ?? '')
      break
    case 'escalation':
      lines.push(`${rankLabels[e.officerRank as keyof typeof rankLabels] ?? ''} ${e.officerName}`.trim())
      break
    case 'left_custody':
      lines.push(destinationLabels[e.destination as keyof typeof destinationLabels] ?? '')
      break
    default:
      if (e.personName) lines.push(e.personName)
      if (e.officerName) lines.push(e.officerName)
  }
  if (e.representations) lines.push(`Representations: ${e.representations}`)
  if (e.reason) lines.push(e.reason)
  if (e.note) lines.push(e.note)
  return { title: eventKindLabels[e.kind], lines: lines.filter(Boolean) }
}
