import type { FastifyInstance } from 'fastify'
import { areaFilterItems, bcusWithRecords } from '../../../platform/http/area-filter.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { formText } from '../../../platform/http/form-body.ts'
import { page, view } from '../../../platform/http/page.ts'
import { isUuid } from '../../../platform/ids.ts'
import { auditAccess } from '../access.ts'
import { failingsTable } from '../failings.ts'
import { type AuditPageDeps, auditsPath } from './shared.ts'

/** How often each failing was found, by theme, for the force or a BCU, quarter by quarter. */
export function failingPages(app: FastifyInstance, deps: AuditPageDeps) {
  page(app, `${auditsPath}/failings`, {
    access: auditAccess.read,
    get: async ({ principal, query }) => {
      const bcu = formText(query, 'bcu') || null
      const force = await deps.organisation.force()
      const areas = await deps.organisation.areasAt(force.id, deps.clock.now())
      const chosen = bcu ? areas.bcus.find((b) => b.id === bcu) : null
      if (bcu && (!isUuid(bcu) || !chosen))
        throw new ValidationError([{ field: 'bcu', reason: 'is not a BCU of this force' }])
      const counts = await deps.audits.failings(principal, chosen ? chosen.boroughs.map((b) => b.id) : null)
      const withAudits = bcusWithRecords(
        areas.bcus.map((b) => ({ id: b.id, boroughIds: b.boroughs.map((x) => x.id) })),
        await deps.audits.boroughsWithAudits(),
      )
      return view('audits/views/failings.njk', {
        pageTitle: `Failings found by audits: ${chosen ? chosen.name : 'the force'}`,
        table: failingsTable(counts),
        areaItems: areaFilterItems(areas.bcus, withAudits, {
          any: 'The force (the audits you may see)',
          selected: chosen?.id,
        }),
      })
    },
  })
}
