import type { FastifyInstance } from 'fastify'
import { permits, signedIn } from '../../platform/access/access.ts'
import { roleLabels } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { morePath } from '../../platform/http/navigation.ts'
import { moduleStartPanels } from '../../platform/module.ts'
import type { Services } from '../../services.ts'

/**
 * Home, each role's start page: the panels the modules declare (their queues' counts and most urgent
 * items) for the viewer's roles, then the links of their menu. Each panel reads and logs through its own
 * module's service within the viewer's need to know; Home knows no module.
 */
export function homeRoutes(app: FastifyInstance, services: Services) {
  const panels = moduleStartPanels(services)
  app.get('/', { config: { access: signedIn } }, async (request, reply) => {
    const principal = request.principal as Principal
    const mine = panels.filter((p) => permits(p.access, principal.roles))
    // One after another: each panel logs its own read, and the embedded database has one connection.
    const shown = []
    for (const panel of mine) {
      const view = await panel.read({
        principal,
        query: `${request.method} ${request.url} (start page: ${panel.id})`,
        requestId: request.id,
      })
      shown.push({ id: panel.id, title: panel.title, ...view })
    }
    return reply.render('home/views/home.njk', {
      pageTitle: 'Home',
      roleNames: principal.roles.map((r) => roleLabels[r]),
      panels: shown,
    })
  })

  // The menu's "More": the items that are not in its row, as a page, so it works without JavaScript.
  app.get(morePath, { config: { access: signedIn } }, async (_request, reply) =>
    reply.render('home/views/more.njk', { pageTitle: 'More' }),
  )
}
