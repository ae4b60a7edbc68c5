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
    pacRef: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('The Merlin PAC: one Kestrel holds (linked), or another system’s reference kept as such'),
    pacLinkedAt: coercedInstant('must be a date and time')
      .optional()
      .describe(
        'When the PAC was made or linked, as the other system says. Without it: a PAC Kestrel holds takes its ' +
          'own creation time; one held elsewhere has no time on an import (CUS-12 counts it from the start of ' +
          'the detention), and the time of recording on a form or the API',
      ),
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
