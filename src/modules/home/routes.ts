import type { FastifyInstance } from 'fastify'
import { signedIn } from '../../platform/access/access.ts'
import { roleLabels } from '../../platform/access/roles.ts'
import type { Services } from '../../services.ts'

export function homeRoutes(app: FastifyInstance, _services: Services) {
  app.get('/', { config: { access: signedIn } }, async (request, reply) => {
    const principal = request.principal
    return reply.render('home/views/home.njk', {
      pageTitle: 'Home',
      roleNames: principal?.roles.map((r) => roleLabels[r]) ?? [],
    })
  })
}
