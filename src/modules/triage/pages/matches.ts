import type { FastifyInstance } from 'fastify'
import { NotFoundError } from '../../../platform/http/errors.ts'
import { page, view } from '../../../platform/http/page.ts'
import { triageAccess } from '../access.ts'
import { decisionLabels } from '../device.ts'
import { devicesPath, type TriagePageServices } from './shared.ts'

/**
 * A triage result's match details: the specialist team only (the access layer refuses everyone else with a
 * 403); each view is written to the access log by the service.
 */
export function matchesPage(app: FastifyInstance, { triage }: TriagePageServices) {
  page(app, `${devicesPath}/:id/results/:resultId`, {
    access: triageAccess.readMatches,
    get: async ({ request, principal, params }) => {
      const device = await triage.deviceById(params.id as string, await triage.reachOf(principal))
      const resultId = params.resultId as string
      if ((await triage.resultDevice(resultId)) !== device.id)
        throw new NotFoundError('There is no such triage result')
      const result = (await triage.results(device.id)).find((r) => r.id === resultId)
      const matches = await triage.matchDetails(resultId, principal, request.id)
      return view('triage/views/matches.njk', {
        pageTitle: `Matches on device ${device.ref}`,
        device,
        result: result
          ? { ...result, decisionLabel: decisionLabels[result.decision as keyof typeof decisionLabels] }
          : undefined,
        exact: matches.filter((m) => m.kind === 'exact'),
        near: matches.filter((m) => m.kind === 'near'),
      })
    },
  })
}
