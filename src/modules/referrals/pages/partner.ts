import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { formText } from '../../../platform/http/form-body.ts'
import { optionalText, radios, recordVersion } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { pageAsked, pageOfList } from '../../../platform/http/pagination.ts'
import type { Services } from '../../../services.ts'
import { pacPartners } from '../access.ts'
import { aboutLabels, concernLabels, outcomeLabels, outcomes, riskLabels } from '../pac.ts'
import { partnerOutcomeFilters, requirePartnerBorough } from '../service.ts'
import { actorOf, logList } from './shared.ts'

/** Children's social care's answer to a PAC, in the order the page shows it; the service checks it again. */
const outcomeForm = z.object({
  outcome: radios(outcomes, 'Select the outcome'),
  outcomeReason: optionalText(),
  version: recordVersion(),
})

/** The partner's list a page at a time, as the other PAC lists. */
const partnerPageSize = 50

/**
 * The partners' pages (children's social care): the PACs shared with their borough's MASH, one of them,
 * and its outcome. Anything not shared with their borough is not found.
 */
export function partnerPages(app: FastifyInstance, services: Services) {
  const { referrals, organisation } = services

  // The borough's shared PACs, a page at a time: awaiting the partner's outcome first. The filter is a GET
  // form of fixed choices; one not offered is named in the summary and nothing is listed.
  page(app, '/partner/pacs', {
    access: pacPartners,
    get: async ({ request, principal, query }) => {
      const boroughId = requirePartnerBorough(principal.area)
      const chosen = formText(query, 'outcome')
      const outcome = partnerOutcomeFilters.find((f) => f === chosen)
      const errors = chosen && !outcome ? [{ text: 'Select which PACs to show', href: '#outcome' }] : []
      const pageNumber = pageAsked(query)
      const { items, total, awaiting } = errors.length
        ? { items: [], total: 0, awaiting: 0 }
        : await referrals.partner.list(boroughId, {
            outcome,
            limit: partnerPageSize,
            offset: (pageNumber - 1) * partnerPageSize,
          })
      if (!errors.length) await logList(services, request, items)
      const borough = (await organisation.borough(boroughId))?.name ?? 'your borough'
      return view(
        'referrals/views/partner-list.njk',
        {
          pageTitle: `PACs shared with ${borough}`,
          errors,
          items,
          borough,
          outcome,
          awaiting,
          ...pageOfList({
            path: '/partner/pacs',
            page: pageNumber,
            size: partnerPageSize,
            total,
            shown: items.length,
            query,
          }),
          outcomeItems: [
            { value: '', text: 'All shared PACs' },
            { value: 'awaiting', text: 'Awaiting your outcome' },
            { value: 'recorded', text: 'Outcome recorded' },
          ].map((o) => ({ ...o, selected: o.value === (outcome ?? '') })),
          outcomeLabels,
        },
        errors.length ? 400 : 200,
      )
    },
  })

  page(app, '/partner/pacs/:id', {
    access: pacPartners,
    form: outcomeForm,
    action: '/partner/pacs/:id/outcome',
    get: async ({ params, principal, form }) => {
      const boroughId = requirePartnerBorough(principal.area)
      const pac = await referrals.partner.read(params.id as string, boroughId, actorOf(principal))
      const values: Record<string, unknown> = form?.values ?? {}
      return view('referrals/views/partner-pac.njk', {
        pageTitle: `PAC ${pac.ref}`,
        pac,
        aboutLabel: aboutLabels[pac.aboutKind],
        concerns: pac.concerns.map((c) => concernLabels[c]),
        riskLabel: riskLabels[pac.riskLevel],
        outcomeLabel: pac.outcome ? outcomeLabels[pac.outcome] : null,
        outcomeItems: outcomes.map((o) => ({
          value: o,
          text: outcomeLabels[o],
          checked: values.outcome === o,
        })),
        values,
      })
    },
    post: async ({ params, input, principal }) => {
      const boroughId = requirePartnerBorough(principal.area)
      const id = params.id as string
      await referrals.partner.recordOutcome(
        id,
        input.version,
        { outcome: input.outcome, outcomeReason: input.outcomeReason },
        boroughId,
        actorOf(principal),
      )
      return `/partner/pacs/${id}`
    },
  })
}
