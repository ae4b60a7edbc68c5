import { z } from 'zod'
import { coercedInstant } from '../../../platform/time-schemas.ts'
import type { EventInput } from '../custody.ts'

const refText = z.string().trim().min(1, 'enter a reference').max(200, 'must be 200 characters or fewer')

/** A detention's own facts, as the forms, the API and the import give them. */
export const detentionInput = z
  .object({
    child: refText.describe('The child’s person reference (KP-...) or id'),
    custodySuite: refText.describe('The custody suite: its team id or name'),
    custodyRecordNumber: z.string().trim().max(50).optional(),
    offences: z
      .array(z.string().trim().min(1, 'enter the offence').max(200))
      .min(1, 'enter at least one offence')
      .max(20, 'enter at most 20 offences'),
    arrestedAt: coercedInstant('must be a date and time'),
    appearsUnder18: z.boolean().default(false),
    pacRef: z.string().trim().min(1).max(200).optional(),
    /** When the PAC was linked; defaults to the time of writing. */
    pacLinkedAt: coercedInstant('must be a date and time').optional(),
  })
  .strict()
export type DetentionInput = z.infer<typeof detentionInput>

/** A detention with its events as a caller gives them (events may point at earlier ones as "#index"). */
export interface DetentionSubmission {
  /** Where errors point: '' for a form, 'events' on the API, a line of an import. */
  ref?: string
  detention: DetentionInput
  events: EventInput[]
}

export interface WrittenDetention {
  id: string
  ref: string
  created: boolean
}
