import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal } from '../../../platform/auth/principal.ts'
import { ValidationError } from '../../../platform/http/errors.ts'
import { type FormBody, formText } from '../../../platform/http/form-body.ts'
import { statusLabels } from '../../../standards/lifecycle.ts'
import { custodyAccess, detentionKind, mayDo } from '../access.ts'
import { eventKindLabels, eventKinds } from '../custody.ts'
import { type CustodyPageDeps, clockView, custodyPath } from './shared.ts'
import { describeEvent } from './timeline.ts'

/** What the detention page shows: the clocks, the findings and the timeline, newest first. */
export async function detentionPage(deps: CustodyPageDeps, request: FastifyRequest, id: string) {
  const principal = request.principal as Principal
  const asOf = deps.clock.now()
  const view = await deps.custody.get(id, principal, asOf)
  const findings = await deps.standards.findingsForSubject(detentionKind.kind, id)
  const events = [...view.events].sort((a, b) => b.at.getTime() - a.at.getTime())
  return {
    view,
    asOf,
    pageTitle: `Detention ${view.detention.ref}`,
    detention: view.detention,
    child: view.child,
    suiteName: view.suiteName,
    clocks: clockView(view.clocks, asOf),
    findings: findings.map((f) => ({ ...f, statusLabel: statusLabels[f.status] })),
    openFindings: findings.filter(
      (f) => f.status === 'due' || f.status === 'breached' || f.status === 'acknowledged',
    ).length,
    timeline: events.map((e) => ({ ...describeEvent(e), at: e.at, id: e.id })),
    kindItems: [
      { value: '', text: 'Choose what happened' },
      ...eventKinds.map((k) => ({ value: k, text: eventKindLabels[k] })),
    ],
    canRecord: mayDo('recordEvent', principal.roles),
    canLinkPac: mayDo('linkPac', principal.roles),
  }
}

/**
 * The live timeline of one detention, and linking its Merlin PAC. The PAC form posts under its own access
 * (linkPac, narrower than reading the page), so it is a plain POST answered on the detention page.
 */
export function detentionPages(app: FastifyInstance, deps: CustodyPageDeps) {
  app.get(
    `${custodyPath}/detentions/:id`,
    { config: { access: custodyAccess.read } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      return reply.render('custody/views/detention.njk', await detentionPage(deps, request, id))
    },
  )

  app.post(
    `${custodyPath}/detentions/:id/pac`,
    { config: { access: custodyAccess.linkPac } },
    async (request, reply) => {
      const { id } = request.params as { id: string }
      const body = request.body as FormBody
      try {
        await deps.custody.linkPac(
          id,
          Number(formText(body, 'version')),
          formText(body, 'pacRef'),
          request.principal as Principal,
        )
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('custody/views/detention.njk', {
          ...(await detentionPage(deps, request, id)),
          errors: error.errors.map((e) => ({ text: e.reason, href: '#pacRef' })),
          pacError: { text: error.errors[0]?.reason ?? 'Enter the PAC reference' },
        })
      }
      return reply.redirect(`${custodyPath}/detentions/${id}`, 303)
    },
  )
}
