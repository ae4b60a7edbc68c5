import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateTimeInput, radios, recordVersion, text } from '../../../platform/http/form-fields.ts'
import type { Services } from '../../../services.ts'
import { type caseFor, caseForm, instantOf } from './shared.ts'

/**
 * Whether the child was seen decides what else must be answered. These rules run even when another
 * field is wrong (zod's `when`), so every mistake is listed at once, as each field's own are.
 */
const always = { when: () => true }

const childSeenForm = z
  .object({
    linkId: text({ required: 'Select the child' }),
    seen: radios(['yes', 'no'], 'Select whether the child was seen'),
    // Read only when the child was seen.
    seenAt: dateTimeInput({ label: 'Date the child was seen', required: false }),
    spokenTo: text(),
    notSeenReason: text(),
    version: recordVersion(),
  })
  .refine((v) => v.seen !== 'yes' || v.seenAt !== null, {
    path: ['seenAt'],
    message: 'Enter date the child was seen',
    ...always,
  })
  .refine((v) => v.seen !== 'yes' || v.spokenTo === 'yes' || v.spokenTo === 'no', {
    path: ['spokenTo'],
    message: 'Select whether the child was spoken to',
    ...always,
  })
  .refine((v) => v.seen !== 'no' || v.notSeenReason !== '', {
    path: ['notSeenReason'],
    message: 'Enter why the child was not seen',
    ...always,
  })

const policeProtectionForm = z.object({
  personId: text({ required: 'Select the child' }),
  startedAt: dateTimeInput({ label: 'Date police protection began' }),
  designatedOfficerName: text(),
  endedAt: dateTimeInput({ label: 'Date police protection ended', required: false }),
  version: recordVersion(),
})

/** The children on the case, to choose one by its link (`id`) or its person (`person_id`). */
const childItems = (c: Awaited<ReturnType<typeof caseFor>>, key: 'id' | 'person_id', chosen: unknown) => [
  { value: '', text: 'Select the child' },
  ...c.people
    .filter((p) => p.is_child)
    .map((p) => ({ value: p[key], text: `${p.name} (${p.ref})`, selected: p[key] === chosen })),
]

/** Keeping the child safe: seeing and speaking to them, and police protection under section 46. */
export function childSafetyPages(app: FastifyInstance, services: Services) {
  const { investigations } = services

  caseForm(app, services, {
    path: 'child-seen',
    template: 'child-seen.njk',
    title: 'Record the child seen and spoken to',
    tab: 'people',
    form: childSeenForm,
    extra: (c, values) => ({ childItems: childItems(c, 'id', values.linkId) }),
    save: ({ id, version, input, actor, reach }) => {
      const seen = input.seen === 'yes'
      return investigations.recordChildSeen(
        id,
        version,
        {
          linkId: input.linkId,
          seenAt: seen && input.seenAt ? instantOf(input.seenAt) : null,
          spokenTo: seen && input.spokenTo === 'yes',
          notSeenReason: input.notSeenReason,
        },
        actor,
        reach,
      )
    },
  })

  caseForm(app, services, {
    path: 'police-protection',
    template: 'police-protection.njk',
    title: 'Record police protection (section 46)',
    tab: 'people',
    form: policeProtectionForm,
    extra: (c, values) => ({ childItems: childItems(c, 'person_id', values.personId) }),
    // The end before the start is refused by the service, naming the end.
    save: ({ id, version, input, actor, reach }) =>
      investigations.recordPoliceProtection(
        id,
        version,
        {
          personId: input.personId,
          startedAt: instantOf(input.startedAt),
          designatedOfficerName: input.designatedOfficerName,
          endedAt: input.endedAt ? instantOf(input.endedAt) : null,
        },
        actor,
        reach,
      ),
  })
}
