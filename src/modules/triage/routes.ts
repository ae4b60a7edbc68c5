import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Reach, reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { type FieldError, NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import { londonInstant } from '../../platform/time.ts'
import type { Services } from '../../services.ts'
import { dateErrorHref, dateInputItems, parseDateInput } from '../organisation/form-dates.ts'
import { canSeeMatchDetails, deviceKind, mayDo, triageAccess } from './access.ts'
import {
  type DeviceStatus,
  decisionLabels,
  deviceKindLabels,
  deviceStatuses,
  deviceStatusLabels,
} from './device.ts'
import { decisions } from './result-schema.ts'

export const devicesPath = '/devices'

const reach = (request: FastifyRequest): Reach => reachOf(request.principal as Principal)
type Body = Record<string, string | undefined> | undefined
const laterStatuses: readonly DeviceStatus[] = deviceStatuses.filter((s) => s !== 'seized')

/** The device list, the device page (status history, triage results, findings) and the match details. */
export function triageRoutes(app: FastifyInstance, services: Services) {
  const { triage, standards } = services

  app.get(devicesPath, { config: { access: triageAccess.read } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>
    const status = deviceStatuses.includes(query.status as DeviceStatus)
      ? (query.status as DeviceStatus)
      : undefined
    const decision =
      query.decision === 'none' || decisions.includes(query.decision as (typeof decisions)[number])
        ? query.decision
        : undefined
    const rows = await triage.list({ status, decision }, reach(request), {
      actor: request.principal as Principal,
      query: `GET ${request.url}`,
      requestId: request.id,
    })
    return reply.render('triage/views/list.njk', {
      pageTitle: 'Seized devices',
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
  })

  async function devicePage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form?: { errors: FieldError[]; values: Body },
  ) {
    const principal = request.principal as Principal
    const device = await triage.deviceById(id, reach(request))
    await triage.recordView(principal, device.id, request.id)
    const [history, results, findings] = await Promise.all([
      triage.statusHistory(device.id),
      triage.results(device.id),
      standards.findingsForSubject(deviceKind.kind, device.id),
    ])
    const values = form?.values ?? {}
    const dateError = form?.errors.find((e) => e.field === 'at')
    if (form) reply.code(400)
    return reply.render('triage/views/device.njk', {
      pageTitle: `Device ${device.ref}`,
      device: {
        ...device,
        kindLabel: deviceKindLabels[device.kind],
        statusLabel: deviceStatusLabels[device.status],
      },
      history: history.map((h) => ({ ...h, statusLabel: deviceStatusLabels[h.status as DeviceStatus] })),
      results: results.map((r) => ({
        ...r,
        decisionLabel: decisionLabels[r.decision as keyof typeof decisionLabels],
      })),
      findings,
      mayRecord: mayDo('recordStatus', principal.roles),
      maySeeDetails: canSeeMatchDetails(principal.roles),
      statusItems: laterStatuses.map((s) => ({
        value: s,
        text: deviceStatusLabels[s],
        checked: values.status === s,
      })),
      dateItems: dateInputItems(
        { day: values['at-day'] ?? '', month: values['at-month'] ?? '', year: values['at-year'] ?? '' },
        dateError ? ['day', 'month', 'year'] : [],
      ),
      values,
      errors: form?.errors.map((e) => ({
        text: e.reason,
        href: e.field === 'at' ? dateErrorHref('at', ['day']) : `#${e.field}`,
      })),
      fieldErrors: Object.fromEntries((form?.errors ?? []).map((e) => [e.field, { text: e.reason }])),
    })
  }

  app.get(`${devicesPath}/:id`, { config: { access: triageAccess.read } }, async (request, reply) =>
    devicePage(request, reply, (request.params as { id: string }).id),
  )

  app.post(
    `${devicesPath}/:id/status`,
    { config: { access: triageAccess.recordStatus } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const body = request.body as Body
      const device = await triage.deviceById(id, reach(request))
      const errors: FieldError[] = []
      const status = body?.status as DeviceStatus | undefined
      if (!status || !laterStatuses.includes(status))
        errors.push({ field: 'status', reason: 'Select the new status' })
      const date = parseDateInput(body, 'at', { label: 'Date', required: true })
      let at: Date | null = null
      if (date.error || !date.value) errors.push({ field: 'at', reason: date.error ?? 'Enter the date' })
      const time = /^(\d{1,2})[:.](\d{2})$/.exec((body?.['at-time'] ?? '').trim())
      if (!time || Number(time[1]) > 23 || Number(time[2]) > 59)
        errors.push({ field: 'at-time', reason: 'Enter the time on the 24-hour clock, like 14:30' })
      else if (date.value) at = londonInstant(date.value, `${time[1]?.padStart(2, '0')}:${time[2]}`)
      const note = (body?.note ?? '').trim()
      if (note.length > 2000) errors.push({ field: 'note', reason: 'Note must be 2000 characters or fewer' })
      if (errors.length) return devicePage(request, reply, id, { errors, values: body })
      try {
        await triage.recordStatus(
          device.ref,
          { status: status as Exclude<DeviceStatus, 'seized'>, at: at as Date, ...(note ? { note } : {}) },
          Number(body?.version) || undefined,
          request.principal as Principal,
          reach(request),
        )
      } catch (e) {
        if (e instanceof ValidationError)
          return devicePage(request, reply, id, { errors: e.errors, values: body })
        throw e
      }
      return reply.redirect(`${devicesPath}/${id}`, 303)
    },
  )

  // Match details: the specialist team only (the access layer refuses everyone else with a 403); each view is
  // written to the access log by the service.
  app.get(
    `${devicesPath}/:id/results/:resultId`,
    { config: { access: triageAccess.readMatches } },
    async (request, reply) => {
      const { id, resultId } = request.params as { id: string; resultId: string }
      const device = await triage.deviceById(id, reach(request))
      if ((await triage.resultDevice(resultId)) !== device.id)
        throw new NotFoundError('There is no such triage result')
      const result = (await triage.results(device.id)).find((r) => r.id === resultId)
      const matches = await triage.matchDetails(resultId, request.principal as Principal, request.id)
      return reply.render('triage/views/matches.njk', {
        pageTitle: `Matches on device ${device.ref}`,
        device,
        result: result
          ? { ...result, decisionLabel: decisionLabels[result.decision as keyof typeof decisionLabels] }
          : undefined,
        exact: matches.filter((m) => m.kind === 'exact'),
        near: matches.filter((m) => m.kind === 'near'),
      })
    },
  )
}
