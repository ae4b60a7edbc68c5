import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { permits } from '../../platform/access/access.ts'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { type FormBody, formText } from '../../platform/http/form-body.ts'
import { staffAccess, teamRoles } from '../access.ts'
import { sourceLabels } from '../rule.ts'
import type { StandardsService } from '../service.ts'
import { readerOf, viewFinding } from './shared.ts'

export const eventLabels: Record<string, string> = {
  opened: 'Opened',
  breached: 'Breached',
  acknowledged: 'Acknowledged',
  resolved_auto: 'Resolved: the record no longer breaches',
  resolved_by_supervisor: 'Resolved by a supervisor',
  reopened: 'Reopened',
  met: 'Met',
}

/**
 * One finding: what is wrong, the standard, its history, and a supervisor's acknowledgement or
 * resolution. Reading the page and acting on it are open to different roles, so the two forms are plain
 * POSTs under their own access, answered on the finding's page.
 */
export function findingPages(app: FastifyInstance, service: StandardsService) {
  async function renderFinding(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    form: { errors?: { text: string; href: string }[]; note?: string; reason?: string; status?: number } = {},
  ) {
    const principal = request.principal as Principal
    const finding = await service.finding(id, reachOf(principal))
    await service.logRead(readerOf(request), id)
    const canAct = permits(teamRoles, principal.roles)
    const boroughs = await service.boroughs()
    return reply.code(form.status ?? 200).render('views/finding.njk', {
      pageTitle: `${finding.ruleId} ${finding.ruleTitle}`,
      finding: viewFinding(finding),
      rule: finding.rule,
      sourceLabel: finding.rule ? sourceLabels[finding.rule.source] : '',
      detail: finding,
      boroughName: boroughs.find((b) => b.id === finding.boroughId)?.name,
      isOpen: finding.closedAt === null,
      canAct,
      events: finding.events.map((e) => ({ ...e, label: eventLabels[e.event] })),
      errors: form.errors ?? [],
      note: form.note ?? '',
      reason: form.reason ?? '',
    })
  }

  app.get('/findings/:id', { config: { access: staffAccess } }, async (request, reply) =>
    renderFinding(request, reply, (request.params as { id: string }).id),
  )

  for (const action of ['acknowledge', 'resolve'] as const) {
    const field = action === 'acknowledge' ? 'note' : 'reason'
    app.post(`/findings/:id/${action}`, { config: { access: teamRoles } }, async (request, reply) => {
      const principal = request.principal as Principal
      const id = (request.params as { id: string }).id
      const body = request.body as FormBody
      const actor = { reach: reachOf(principal), by: principal.username }
      const version = Number(formText(body, 'version')) || undefined
      const words = formText(body, field)
      try {
        if (action === 'acknowledge') await service.acknowledge(id, actor, words, version)
        else await service.resolve(id, actor, words, version)
      } catch (error) {
        if (error instanceof ValidationError) {
          return renderFinding(request, reply, id, {
            status: 400,
            errors: error.errors.map((e) => ({ text: e.reason, href: `#${field}` })),
            [field]: words,
          })
        }
        throw error
      }
      return reply.redirect(`/findings/${id}`, 303)
    })
  }
}
