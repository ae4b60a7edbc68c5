import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { apiRoute } from '../../platform/http/api.ts'
import { type DeviceReach, triageAccess } from './access.ts'
import { deviceKinds, deviceStatuses } from './device.ts'
import { triageReportInput } from './result-schema.ts'
import { deviceInput, deviceRef, type TriageService } from './service.ts'

const refParams = z.object({ ref: deviceRef })

const resultOutput = z.object({
  id: z.string(),
  ref: z.string(),
  startedAt: z.date(),
  runAt: z.date(),
  complete: z.boolean(),
  toolVersion: z.string(),
  hashSets: z.array(z.object({ name: z.string(), version: z.number().optional() }).passthrough()),
  counts: z.object({
    files: z.number(),
    images: z.number(),
    videos: z.number(),
    unreadable: z.number(),
    problems: z.number(),
  }),
  exactMatches: z.number(),
  nearMatches: z.number(),
  exactByCategory: z.record(z.string(), z.number()),
  nearByCategory: z.record(z.string(), z.number()),
  decision: z.string(),
  reason: z.string(),
})

const deviceOutput = z
  .object({
    id: z.string(),
    ref: z.string(),
    description: z.string(),
    deviceKind: z.enum(deviceKinds),
    caseRef: z.string().nullable(),
    seizedAt: z.date(),
    status: z.enum(deviceStatuses),
    statusAt: z.date(),
    version: z.number(),
    statusHistory: z.array(z.object({ status: z.string(), at: z.date(), note: z.string().nullable() })),
    triageResults: z.array(resultOutput),
  })
  .describe(
    'A seized device with its status history and triage results (counts and recommendation; no match details)',
  )

/**
 * The devices API. A laptop that ran `kestrel triage` uploads its triage-report.json here; the match details
 * (paths, hashes) are stored but never returned by the API: they are read on the device page by the specialist
 * team, each view logged.
 */
export function triageApi(app: FastifyInstance, triage: TriageService) {
  const show = async (ref: string, reach: DeviceReach) => {
    const device = await triage.device(ref, reach)
    return {
      id: device.id,
      ref: device.ref,
      description: device.description,
      deviceKind: device.kind,
      caseRef: device.caseRef,
      seizedAt: device.seizedAt,
      status: device.status,
      statusAt: device.statusAt,
      version: device.version,
      statusHistory: (await triage.statusHistory(device.id)).map((e) => ({
        status: e.status,
        at: e.at,
        note: e.note,
      })),
      triageResults: await triage.results(device.id),
    }
  }

  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/devices/:ref',
    access: triageAccess.read,
    summary: 'A seized device with its status history and triage results',
    description:
      'The ref is the exhibit reference, percent-encoded (EXH%2F1 for EXH/1). 404 outside the caller’s need to know.',
    tags: ['Devices'],
    params: refParams,
    response: deviceOutput,
    handler: async ({ principal, params, request }) => {
      const result = await show(params.ref, await triage.reachOf(principal))
      await triage.recordView(principal, result.id, request.id)
      return result
    },
  })

  apiRoute(app, {
    method: 'PUT',
    url: '/api/v1/devices/:ref',
    access: triageAccess.recordDevice,
    summary: 'Record a seized device, or replace its facts and status history',
    description:
      'owner is a person ref, team and borough names as the organisation holds them. A device seized in an ' +
      'online case (caseRef its ref) given no team or borough is held by the team the case is allocated to, ' +
      'in its borough; an investigating officer records devices only in the cases they may see (403 otherwise). ' +
      'Refused with a 400 naming the field for a seizure or status change in the future or before the seizure, ' +
      'an unknown reference, or a case not yet allocated.',
    tags: ['Devices'],
    params: refParams,
    body: deviceInput,
    response: deviceOutput,
    handler: async ({ principal, params, body }) => {
      const reach = await triage.reachOf(principal)
      await triage.saveDevice(params.ref, body, principal, reach)
      return show(params.ref, reach)
    },
  })

  apiRoute(app, {
    method: 'POST',
    url: '/api/v1/devices/:ref/triage-results',
    access: triageAccess.uploadResult,
    summary: 'Upload the triage report kestrel triage produced for a device',
    description:
      'The body is triage-report.json as written by `kestrel triage` (kind "triage-result"). Its `device` must ' +
      'be the device in the path, and the device must be recorded. Uploading the same report again replaces ' +
      'the earlier copy. A device that was only seized becomes "triaged". Rules ONL-05 to ONL-07 are evaluated.',
    tags: ['Devices'],
    params: refParams,
    body: triageReportInput,
    response: z.object({ id: z.string(), ref: z.string(), device: deviceOutput }),
    status: 201,
    handler: async ({ principal, params, body }) => {
      const reach = await triage.reachOf(principal)
      const stored = await triage.storeResult(params.ref, body, principal, 'upload', reach)
      return { ...stored, device: await show(params.ref, reach) }
    },
  })
}
