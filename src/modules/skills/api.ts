import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { apiRoute } from '../../platform/http/api.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import type { Services } from '../../services.ts'
import { skillsAccess, skillsReach } from './access.ts'
import { type Tally, tally, tallyBy } from './coverage.ts'
import { emptyTally } from './pages/shared.ts'
import { visibleTeams } from './service/audit.ts'

const tallySchema = z.object({
  people: z.number().describe('People whose team and role require any course'),
  trained: z.number().describe('Of them, those holding every course required'),
  scheduled: z.number().describe('Those booked on every course they lack'),
  noPlan: z.number().describe('Those with a course neither held nor booked'),
  trainedShare: z.number().nullable().describe('trained / people; null when nobody needs a course'),
})

const row = (id: string | null, name: string, t: Tally) => ({ id, name, ...t })

/**
 * The API twin of the coverage pages: without `bcu`, the force and each BCU (and the force-wide teams); with
 * it, that BCU's teams the caller may see (a BCU outside their reach is a 400 naming it, as an unknown one).
 */
export function skillsApi(app: FastifyInstance, services: Services) {
  const { skills } = services
  apiRoute(app, {
    method: 'GET',
    url: '/api/v1/skills/coverage',
    access: skillsAccess.read,
    summary:
      'Skills audit coverage: who holds the training their role requires, who is scheduled, who has no plan',
    description:
      'Today, from the training matrix, the organisation’s training records and the bookings. Without bcu: the ' +
      'force, each BCU and each force-wide team (figures only). With bcu: each team of that BCU the caller may see.',
    tags: ['Skills audit'],
    query: z.object({ bcu: z.uuid({ message: 'must be a BCU’s id' }).optional() }).strict(),
    response: z.object({
      day: z.string().describe('The London day the audit was taken, YYYY-MM-DD'),
      area: z.object({ id: z.string().nullable(), name: z.string() }),
      total: tallySchema,
      rows: z.array(
        tallySchema.extend({
          id: z.string().nullable().describe('The BCU’s or team’s id'),
          name: z.string(),
        }),
      ),
    }),
    handler: async ({ query, principal }) => {
      const audit = await skills.audit()
      if (!query.bcu) {
        const byBcu = tallyBy(audit.coverage, (c) => c.team.bcuId)
        const byTeam = tallyBy(audit.coverage, (c) => c.team.id)
        return {
          day: audit.day,
          area: { id: null, name: services.config.forceName },
          total: tally(audit.coverage.map((c) => c.state)),
          rows: [
            ...audit.bcus.map((b) => row(b.id, b.name, byBcu.get(b.id) ?? emptyTally)),
            ...audit.teams
              .filter((t) => t.bcuId === null && byTeam.has(t.id))
              .map((t) => row(t.id, t.name, byTeam.get(t.id) ?? emptyTally)),
          ],
        }
      }
      const bcu = audit.bcus.find((b) => b.id === query.bcu)
      const teams = visibleTeams(audit, skillsReach(principal)).filter((t) => bcu && t.bcuId === bcu.id)
      if (!bcu || !teams.length)
        throw new ValidationError([{ field: 'bcu', reason: 'is not a BCU of this force you may see' }])
      const shown = new Set(teams.map((t) => t.id))
      const byTeam = tallyBy(audit.coverage, (c) => c.team.id)
      return {
        day: audit.day,
        area: { id: bcu.id, name: bcu.name },
        total: tally(audit.coverage.filter((c) => shown.has(c.team.id)).map((c) => c.state)),
        rows: teams
          .filter((t) => byTeam.has(t.id))
          .map((t) => row(t.id, t.name, byTeam.get(t.id) ?? emptyTally)),
      }
    },
  })
}
