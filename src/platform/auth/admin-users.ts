import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'

export function adminUserRoutes(_app: FastifyInstance, _services: Services) {}
