import type { FastifyInstance } from 'fastify'
import { allow } from '../access/access.ts'
import { problem } from '../http/app.ts'
import { type Importer, ImportRejected } from './importer.ts'

/** POST /api/v1/imports: a JSON Lines batch in the body, all or nothing. */
export function importRoutes(app: FastifyInstance, imports: Importer) {
  for (const type of ['application/x-ndjson', 'application/jsonl', 'application/jsonlines', 'text/plain']) {
    app.addContentTypeParser(
      type,
      { parseAs: 'string', bodyLimit: 200 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    )
  }
  app.post(
    '/api/v1/imports',
    // The importer names the line and field of text the database cannot store (checksOwnText).
    { config: { access: allow('admin'), checksOwnText: true }, bodyLimit: 200 * 1024 * 1024 },
    async (request, reply) => {
      if (typeof request.body !== 'string') {
        return reply
          .code(415)
          .type('application/problem+json')
          .send({
            ...problem(415, 'Send the batch as JSON Lines with Content-Type: application/x-ndjson', request),
          })
      }
      const actor = request.principal?.username ?? 'unknown'
      try {
        const outcome = await imports.run(request.body, actor)
        return reply.code(200).send(outcome)
      } catch (error) {
        if (error instanceof ImportRejected) {
          return reply
            .code(400)
            .type('application/problem+json')
            .send({
              ...problem(400, 'Import rejected: nothing was written', request),
              detail: error.message,
              errors: error.errors,
            })
        }
        throw error
      }
    },
  )
}
