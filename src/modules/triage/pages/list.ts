import type { FastifyInstance } from 'fastify'
import { page, view } from '../../../platform/http/page.ts'
import { mayDo, triageAccess } from '../access.ts'
import {
  type DeviceStatus,
  decisionLabels,
  deviceKindLabels,
  deviceStatuses,
  deviceStatusLabels,
} from '../device.ts'
import { decisions } from '../result-schema.ts'
import { devicesPath, type TriagePageServices } from './shared.ts'

/** The devices the reader may see, filtered by status and by triage recommendation; the read is logged. */
export function devicesListPage(app: FastifyInstance, { triage }: TriagePageServices) {
  page(app, devicesPath, {
    access: triageAccess.read,
    get: async ({ request, principal, query: sent }) => {
      const query = (sent ?? {}) as Record<string, string | undefined>
      // An unknown filter value is the same as none: the list's filters are choices, not typed text.
      const status = deviceStatuses.includes(query.status as DeviceStatus)
        ? (query.status as DeviceStatus)
        : undefined
      const decision =
        query.decision === 'none' || decisions.includes(query.decision as (typeof decisions)[number])
          ? (query.decision as string)
          : undefined
      const rows = await triage.list({ status, decision }, await triage.reachOf(principal), {
        actor: principal,
        query: `GET ${request.url}`,
        requestId: request.id,
      })
      return view('triage/views/list.njk', {
        pageTitle: 'Seized devices',
        mayRecord: mayDo('recordDevice', principal.roles),
        items: rows.map((r) => ({
          ...r,
          kindLabel: deviceKindLabels[r.device_kind as keyof typeof deviceKindLabels] ?? r.device_kind,
          statusLabel: deviceStatusLabels[r.status as DeviceStatus] ?? r.status,
          decisionLabel: r.decision ? decisionLabels[r.decision as keyof typeof decisionLabels] : null,
        })),
        statusItems: [
          { value: '', text: 'Any status' },
          ...deviceStatuses.map((s) => ({ value: s, text: deviceStatusLabels[s], selected: s === status })),
        ],
        decisionItems: [
          { value: '', text: 'Any recommendation' },
          ...decisions.map((d) => ({ value: d, text: decisionLabels[d], selected: d === decision })),
          { value: 'none', text: 'Not triaged', selected: decision === 'none' },
        ],
      })
    },
  })
}
