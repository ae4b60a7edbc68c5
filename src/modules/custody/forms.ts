import { z } from 'zod'
import * as fields from '../../platform/http/form-fields.ts'
import {
  aaRelationshipLabels,
  absenceReasonLabels,
  destinationLabels,
  type EventKind,
  eventKinds,
  extensionKindLabels,
  laResponseLabels,
  observationLevelLabels,
  rankLabels,
  searchTypeLabels,
} from './custody.ts'
import { instantOf } from './pages/shared.ts'

/**
 * The event forms: which fields each kind of event asks for, and each kind's form schema built from them
 * with the page handler's pieces, so a form body becomes the input for the one event schema (custody.ts).
 * Times are typed as a London date (three boxes) and a 24-hour time.
 */

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
    {
      name: 'aaIntervention',
      label: 'If the appropriate adult has not arrived yet: what you did about it',
      type: 'textarea',
      hint: 'For example chased them, asked for another appropriate adult, escalated to an inspector',
    },
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
  charged: [at, yesNo('aaPresent', 'Was the appropriate adult present when the child was charged?'), note],
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

/** A field's piece: what its input sends, as the event input wants it (absent when left empty). */
function fieldSchema(field: FieldSpec): z.ZodType {
  const words = field.label.toLowerCase()
  switch (field.type) {
    case 'datetime': {
      // The date's messages name it without the legend's "(optional)" or "(warrant only)".
      const label = field.label.replace(/\s*\(.*\)$/, '')
      return field.required
        ? fields.dateTimeInput({ label }).transform(instantOf)
        : fields
            .dateTimeInput({ label, required: false })
            .transform((local) => (local ? instantOf(local) : undefined))
    }
    case 'boolean':
      return field.required
        ? fields.yesNo(`Select yes or no: ${words}`)
        : fields.text().transform((typed) => (typed === 'yes' ? true : typed === 'no' ? false : undefined))
    default:
      return (field.required ? fields.text({ required: `Enter ${words}` }) : fields.text()).transform(
        (typed) => (typed === '' ? undefined : typed),
      )
  }
}

function eventForm(kind: EventKind) {
  return z.object({
    // First, and never typed: a problem with the event as a whole (one only of its kind, or a field this
    // form does not show) heads the summary under it.
    kind: fields.text(),
    ...Object.fromEntries(eventFields[kind].map((field) => [field.name, fieldSchema(field)])),
    version: fields.recordVersion(),
  })
}

export type EventForm = ReturnType<typeof eventForm>

/** Each kind's form schema, its fields in the order the page shows them. */
export const eventForms = Object.fromEntries(eventKinds.map((kind) => [kind, eventForm(kind)])) as Record<
  EventKind,
  EventForm
>
