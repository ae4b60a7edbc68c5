import { z } from 'zod'
import { fieldErrors } from '../../../platform/http/api.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isMonth, type Month } from '../months.ts'

const dashboardQuery = z.object({
  month: z
    .string()
    .refine(isMonth, 'must be a month as YYYY-MM, like 2018-03')
    .optional()
    .describe('The month reported; the last complete month when left out'),
  bcu: z
    .string()
    .refine(isUuid, 'must be the id of a BCU')
    .optional()
    .describe('One BCU; the force as a whole when left out'),
  id: z.string().max(200).optional().describe('A measure’s id'),
})

/** The dashboard's query: a month, an area, a measure; '' is "not chosen". Bad values are a 400 naming them. */
export function dashboardQueryOf(query: unknown): { month?: Month; bcu?: string; id?: string } {
  const sent = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(
      ([key, value]) => ['month', 'bcu', 'id'].includes(key) && value !== '',
    ),
  )
  const parsed = dashboardQuery.safeParse(sent)
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error, 'query'))
  return parsed.data as { month?: Month; bcu?: string; id?: string }
}
