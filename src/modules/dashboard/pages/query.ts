import { z } from 'zod'
import { fieldErrors } from '../../../platform/http/api.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { isIsoDate } from '../../../platform/time.ts'
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
    .describe('One BCU, as it stood on the structure’s day; the force as a whole when no area is chosen'),
  borough: z.string().refine(isUuid, 'must be the id of a borough').optional().describe('One borough'),
  team: z.string().refine(isUuid, 'must be the id of a team').optional().describe('One team'),
  on: z
    .string()
    .refine(isIsoDate, 'must be a date as YYYY-MM-DD, like 2017-04-01')
    .optional()
    .describe('The day whose structure of BCUs is reported by; today when left out'),
  structure: z
    .enum(['bcu', 'borough'], { message: 'must be bcu or borough' })
    .optional()
    .describe('What a measure’s areas are compared as: BCUs (with any borough commands) or boroughs'),
  area: z
    .string()
    .regex(/^(bcu|borough|team):[0-9a-fA-F-]{36}$/, 'must be an area from the list')
    .optional()
    .describe('The area chooser’s answer: bcu:, borough: or team: and an id'),
  id: z.string().max(200).optional().describe('A measure’s id'),
})

export type DashboardQuery = {
  month?: Month
  bcu?: string
  borough?: string
  team?: string
  on?: string
  structure?: 'bcu' | 'borough'
  id?: string
}

/**
 * The dashboard's query: a month, an area (a BCU on a day's structure, a borough or a team), how areas are
 * compared, a measure; '' is "not chosen". Bad values are a 400 naming them.
 */
export function dashboardQueryOf(query: unknown): DashboardQuery {
  const keys = Object.keys(dashboardQuery.shape)
  const sent = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(
      ([key, value]) => keys.includes(key) && value !== '',
    ),
  )
  const parsed = dashboardQuery.safeParse(sent)
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error, 'query'))
  const { area, ...asked } = parsed.data as DashboardQuery & { area?: string }
  // The chooser's one field names the kind of area and its id; links name the kind as the key.
  if (area) {
    const [kind, id] = area.split(':') as ['bcu' | 'borough' | 'team', string]
    if (!isUuid(id)) throw new ValidationError([{ field: 'area', reason: 'must be an area from the list' }])
    if (asked[kind] && asked[kind] !== id)
      throw new ValidationError([{ field: 'area', reason: `must not be given with ${kind}` }])
    asked[kind] = id
  }
  const chosen = (['bcu', 'borough', 'team'] as const).filter((k) => asked[k])
  if (chosen.length > 1)
    throw new ValidationError([{ field: chosen[1] as string, reason: `must not be given with ${chosen[0]}` }])
  return asked
}

/** The query string that keeps a view's month, area and structure on its links. */
export function filtersOf(asked: DashboardQuery & { month: Month }): string {
  const kept = (['month', 'bcu', 'borough', 'team', 'on', 'structure'] as const).flatMap((k) =>
    asked[k] ? [`${k}=${encodeURIComponent(asked[k] as string)}`] : [],
  )
  return kept.join('&')
}
