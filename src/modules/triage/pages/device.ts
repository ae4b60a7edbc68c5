import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { dateInputItems } from '../../../platform/http/date-input.ts'
import { dateTimeInput, optionalText, radios, recordVersion } from '../../../platform/http/form-fields.ts'
import { formOnPage, notShown, type PageOf, type Shown } from '../../../platform/http/form-on-page.ts'
import { page, view } from '../../../platform/http/page.ts'
import { londonInstant } from '../../../platform/time.ts'
import { canSeeMatchDetails, deviceKind, mayDo, triageAccess } from '../access.ts'
import { type DeviceStatus, decisionLabels, deviceKindLabels, deviceStatusLabels } from '../device.ts'
import { devicesPath, laterStatuses, type TriagePageServices } from './shared.ts'

const statusForm = z.object({
  status: radios(laterStatuses, 'Select the new status'),
  // A London wall-clock time: the instant it names is the service's to check against the device's history.
  at: dateTimeInput({ label: 'Date' }).transform((local) =>
    londonInstant(local.slice(0, 10), local.slice(11, 16)),
  ),
  note: optionalText({ maxLength: 2000, tooLong: 'Note must be 2000 characters or fewer' }),
  version: recordVersion(),
})

/** The device page: its status history, triage results and findings, with the status form for those who keep it. */
function devicePage({ triage, standards }: TriagePageServices) {
  return async ({ request, principal, params }: PageOf, shown: Shown) => {
    const device = await triage.deviceById(params.id as string, await triage.reachOf(principal))
    await triage.recordView(principal, device.id, request.id)
    const [history, results, findings] = await Promise.all([
      triage.statusHistory(device.id),
      triage.results(device.id),
      standards.findingsForSubject(deviceKind.kind, device.id),
    ])
    const values = shown.values as { status?: string; at?: { time?: string }; note?: string }
    return view('triage/views/device.njk', {
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
      dateItems: shown.dateItems?.('at') ?? dateInputItems({ day: '', month: '', year: '' }),
      time: values.at?.time ?? '',
      note: values.note ?? '',
      errors: shown.errors,
      fieldErrors: shown.fieldErrors,
    })
  }
}

/** A device and its status form: a status change the service refuses is listed against the form's fields. */
export function devicePages(app: FastifyInstance, services: TriagePageServices) {
  const shownWith = devicePage(services)
  page(app, `${devicesPath}/:id`, {
    access: triageAccess.read,
    get: (on) => shownWith(on, notShown),
  })
  formOnPage(app, `${devicesPath}/:id/status`, {
    access: triageAccess.recordStatus,
    form: statusForm,
    // A device the person may not see answers 404 before anything is said of the form.
    check: async ({ principal, params }) => {
      await services.triage.deviceById(params.id as string, await services.triage.reachOf(principal))
    },
    page: shownWith,
    save: async ({ principal, params, input }) => {
      const reach = await services.triage.reachOf(principal)
      const device = await services.triage.deviceById(params.id as string, reach)
      await services.triage.recordStatus(
        device.ref,
        { status: input.status, at: input.at, ...(input.note ? { note: input.note } : {}) },
        input.version,
        principal,
        reach,
      )
      return `${devicesPath}/${device.id}`
    },
  })
}
