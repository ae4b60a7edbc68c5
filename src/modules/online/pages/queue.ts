import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems, dateParts } from '../../../platform/http/date-input.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { parseForm } from '../../../platform/http/form.ts'
import { dateInput, optionalText } from '../../../platform/http/form-fields.ts'
import { page, view } from '../../../platform/http/page.ts'
import { exportHrefs, exportRoutes, oneBatch } from '../../../platform/http/record-export.ts'
import { addMonths, formatSpan, londonDate, londonInstant } from '../../../platform/time.ts'
import { mayDo, onlineAccess, onlineCaseKind } from '../access.ts'
import { kiratLabels, openStages, stageLabels, teamKindLabels, teamKinds } from '../online-case.ts'
import type { QueueItem } from '../service/queue.ts'
import { casePath, choices, type OnlinePageDeps, onlinePath } from './shared.ts'

/** The queue's filter form, read from the query: a borough, a team kind, and a day to see the queue as it stood. */
const filterForm = z.object({
  borough: optionalText({ maxLength: 200 }),
  teamKind: optionalText({ maxLength: 50 }),
  asOf: dateInput({ label: 'Queue as it stood on', required: false }),
})

/** The Bellona-style queue: every open case the reader may see by stage, with the counts per stage at the top. */
export function queuePages(app: FastifyInstance, deps: OnlinePageDeps) {
  page(app, onlinePath, {
    access: onlineAccess.read,
    get: async ({ principal, query, request }) => {
      const { errors, filter, teamKind, future, asOf } = queueFilterOf(deps, query)
      const force = await deps.organisation.force()
      const [boroughs, queue] = await Promise.all([
        deps.organisation.boroughs(force.id),
        deps.online.queue(
          principal,
          { borough: filter.borough ?? undefined, teamKind, asOf },
          { query: `GET ${request.url}`, requestId: request.id },
        ),
      ])
      // The queue's history: the counts at the start of each of the twelve months before the day shown.
      const firstOfMonth = `${londonDate(queue.asOf).slice(0, 7)}-01`
      const months = Array.from({ length: 12 }, (_, i) => londonInstant(addMonths(firstOfMonth, i - 11)))
      const history = await deps.online.queueHistory(principal, months, {
        query: `GET ${request.url} (history)`,
        requestId: request.id,
      })
      return view('online/views/queue.njk', {
        historyStages: openStages.map((s) => ({ stage: s, label: stageLabels[s] })),
        history,
        canSeeWelfare: mayDo('welfare', principal.roles),
        canRecord: mayDo('record', principal.roles),
        pageTitle: 'Online child abuse cases',
        exportLinks: exportHrefs(onlinePath, query),
        asOf: asOf ? queue.asOf : null,
        counts: openStages.map((s) => ({ stage: s, label: stageLabels[s], count: queue.counts[s] })),
        total: queue.total,
        boroughItems: choices(
          'Any borough',
          boroughs.map((b) => ({ value: b.id, text: b.name })),
          filter.borough ?? '',
        ),
        teamKindItems: choices(
          'Any team',
          teamKinds.map((k) => ({ value: k, text: teamKindLabels[k] })),
          teamKind ?? '',
        ),
        asOfItems: errors ? errors.dateItems('asOf') : dateInputItems(dateParts(filter.asOf)),
        asOfError: future ? { text: 'The date must be today or in the past' } : errors?.fieldErrors.asOf,
        filtered: Boolean(filter.borough || teamKind || filter.asOf),
        rows: queue.items.map((i) => ({
          ...i,
          href: casePath(i.id),
          stageLabel: stageLabels[i.stage],
          age: formatSpan(i.msInStage),
          kiratLabel: i.kirat ? kiratLabels[i.kirat] : 'Not assessed',
          teamKindLabel: i.teamKind ? teamKindLabels[i.teamKind] : 'Not allocated',
        })),
        shown: queue.items.length,
      })
    },
  })

  // The whole queue to download (not only the first cases the page lists), with the page's filters.
  exportRoutes<QueueItem>(app, onlinePath, {
    access: onlineAccess.read,
    accessLog: deps.accessLog,
    list: async ({ principal, query, request }) => {
      const { errors, filter, teamKind, future, asOf } = queueFilterOf(deps, query)
      if (errors)
        throw new ValidationError(
          Object.entries(errors.fieldErrors).map(([field, e]) => ({ field, reason: e.text })),
        )
      if (future) throw new ValidationError([{ field: 'asOf', reason: 'must be today or in the past' }])
      return {
        fileName: 'kestrel-online-cases',
        subjectKind: onlineCaseKind.kind,
        idOf: (i: QueueItem) => i.id,
        batches: () =>
          oneBatch(
            async () =>
              (
                await deps.online.queue(
                  principal,
                  { borough: filter.borough ?? undefined, teamKind, asOf },
                  {
                    query: `GET ${request.url}`,
                    requestId: request.id,
                    shown: Number.POSITIVE_INFINITY,
                    exported: true,
                  },
                )
              ).items,
          ),
        columns: [
          { header: 'case', value: (i) => i.ref },
          { header: 'stage', value: (i) => stageLabels[i.stage] },
          { header: 'in stage since', value: (i) => i.stageAt },
          { header: 'KIRAT', value: (i) => (i.kirat ? kiratLabels[i.kirat] : null) },
          { header: 'children identified', value: (i) => i.children },
          { header: 'borough', value: (i) => i.borough },
          { header: 'team', value: (i) => (i.teamKind ? teamKindLabels[i.teamKind] : null) },
        ],
      }
    },
  })
}

/** The queue's filters from the query, as the page reads them; a day asked for is the queue at its start in London. */
function queueFilterOf(deps: OnlinePageDeps, query: unknown) {
  const parsed = parseForm(filterForm, query as Parameters<typeof parseForm>[1])
  const errors = parsed.ok ? undefined : parsed.state
  const filter = parsed.ok ? parsed.input : { borough: null, teamKind: null, asOf: null }
  const teamKind = teamKinds.find((k) => k === filter.teamKind)
  const day = filter.asOf ? londonInstant(filter.asOf) : undefined
  const future = day !== undefined && day > deps.clock.now()
  const asOf = future ? undefined : day
  return { errors, filter, teamKind, future, asOf }
}
