import type { FastifyInstance } from 'fastify'
import type { Principal } from '../../../platform/auth/principal.ts'
import { custodyAccess, mayDo } from '../access.ts'
import { type CustodyPageDeps, clockView, custodyPath } from './shared.ts'

/** The children in custody within the reader's reach, each with its next deadline. */
export function listPages(app: FastifyInstance, { custody, clock }: CustodyPageDeps) {
  app.get(custodyPath, { config: { access: custodyAccess.read } }, async (request, reply) => {
    const principal = request.principal as Principal
    const query = request.query as { recent?: string }
    const recentHours = query.recent === '24' ? 24 : 0
    const asOf = clock.now()
    const { reach, items } = await custody.list(
      principal,
      { query: `GET ${request.url}`, requestId: request.id },
      { recentHours, asOf },
    )
    return reply.render('custody/views/list.njk', {
      pageTitle: 'Children in custody',
      asOf,
      recent: recentHours > 0,
      forceWide: reach.forceWide,
      canRecord: mayDo('recordDetention', principal.roles),
      rows: items.map((i) => ({
        id: i.detention.id,
        ref: i.detention.ref,
        childName: i.child?.name ?? 'Unknown',
        childRef: i.child?.ref ?? '',
        suiteName: i.suiteName,
        arrestedAt: i.detention.arrestedAt,
        clocks: clockView(i.clocks, asOf),
      })),
    })
  })
}
