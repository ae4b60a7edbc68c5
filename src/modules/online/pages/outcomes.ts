import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { parseForm } from '../../../platform/http/form.ts'
import { dateInput, optionalText } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { addDays, addMonths, londonDate, londonInstant } from '../../../platform/time.ts'
import { onlineAccess } from '../access.ts'
import { outcomeKindLabels, teamKindLabels } from '../online-case.ts'
import { choices, type OnlinePageDeps, onlinePath } from './shared.ts'

const periodForm = z.object({
  from: dateInput({ label: 'From', required: false }),
  to: dateInput({ label: 'To', required: false }),
  bcu: optionalText({ maxLength: 100 }),
})

/** The report's table: closed cases' outcomes by who investigated, for a period and an area. */
export function outcomePages(app: FastifyInstance, deps: OnlinePageDeps) {
  page(app, `${onlinePath}/outcomes`, {
    access: onlineAccess.read,
    get: async ({ principal, query }) => {
      const parsed = parseForm(periodForm, query)
      const today = londonDate(deps.clock.now())
      const given = parsed.ok ? parsed.input : { from: null, to: null, bcu: null }
      // A year to today unless a period is asked for; `to` is the last day counted.
      const to = given.to ?? today
      const from = given.from ?? addMonths(to, -12)
      const force = await deps.organisation.force()
      const bcus = await deps.organisation.bcus(force.id)
      const bcu = bcus.find((b) => b.id === given.bcu)
      const rows = await deps.online.outcomes(principal, {
        from: londonInstant(from),
        until: londonInstant(addDays(to, 1)),
        bcuId: bcu?.id ?? null,
      })
      const percent = (share: number | null) => (share === null ? '–' : `${Math.round(share * 100)}%`)
      return view('online/views/outcomes.njk', {
        pageTitle: 'Outcomes by who investigated',
        from,
        to,
        area: bcu?.name ?? 'the whole force',
        fromItems: parsed.ok ? dateInputItems(dateParts(from)) : parsed.state.dateItems('from'),
        toItems: parsed.ok ? dateInputItems(dateParts(to)) : parsed.state.dateItems('to'),
        fromError: parsed.ok ? undefined : parsed.state.fieldErrors.from,
        toError: parsed.ok ? undefined : parsed.state.fieldErrors.to,
        bcuItems: choices(
          'The whole force',
          bcus.map((b) => ({ value: b.id, text: b.name })),
          bcu?.id ?? '',
        ),
        outcomeKinds: (['no_further_action', 'no_crime', 'positive'] as const).map((k) => ({
          key: k,
          label: outcomeKindLabels[k],
        })),
        rows: rows.map((r) => ({
          label: teamKindLabels[r.teamKind],
          total: r.total,
          cells: (['no_further_action', 'no_crime', 'positive'] as const).map((k) => ({
            count: r.counts[k],
            percent: percent(r.shares[k]),
          })),
        })),
      })
    },
  })
}
