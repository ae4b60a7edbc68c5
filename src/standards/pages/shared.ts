import type { FastifyRequest } from 'fastify'
import type { Principal } from '../../platform/auth/principal.ts'
import { statusLabels } from '../lifecycle.ts'
import { type ParameterSpec, sourceLabels } from '../rule.ts'
import type { FindingSummary, FindingsReader, StandardsService } from '../service.ts'

export function viewFinding(f: FindingSummary) {
  return { ...f, statusLabel: statusLabels[f.status], breached: f.breachedAt !== null }
}

/** The rules catalogue as the pages show it: each rule with its parameters and their defaults. */
export function ruleView(service: StandardsService) {
  return service.rules().map((rule) => ({
    id: rule.id,
    title: rule.title,
    citation: rule.citation,
    source: rule.source,
    sourceLabel: sourceLabels[rule.source],
    appliesTo: rule.appliesTo,
    severity: rule.severity,
    timeBased: rule.timeBased,
    params: Object.entries(rule.params as Record<string, ParameterSpec>).map(([name, spec]) => ({
      name,
      description: spec.description,
      unit: spec.unit ?? '',
      perBorough: spec.perBorough ?? false,
      defaultText: JSON.stringify(spec.default),
    })),
  }))
}

/** The reader of a list, as the access log records them: who, and the request they made. */
export function readerOf(request: FastifyRequest): FindingsReader {
  const principal = request.principal as Principal
  return {
    actorId: principal.id,
    actorName: principal.username,
    query: `${request.method} ${request.url}`,
    requestId: request.id,
  }
}
