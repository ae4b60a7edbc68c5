import type { FastifyInstance } from 'fastify'
import { casePages } from './pages/case.ts'
import { householdPages } from './pages/household-forms.ts'
import { newCasePages } from './pages/new-case.ts'
import { outcomePages } from './pages/outcomes.ts'
import { queuePages } from './pages/queue.ts'
import type { OnlinePageDeps } from './pages/shared.ts'
import { stagePages } from './pages/stage-forms.ts'
import { welfarePages } from './pages/welfare.ts'

export { onlinePath } from './pages/shared.ts'

/** The online pages, one file per page group under pages/. */
export function onlineRoutes(app: FastifyInstance, services: OnlinePageDeps) {
  queuePages(app, services)
  newCasePages(app, services)
  casePages(app, services)
  stagePages(app, services)
  householdPages(app, services)
  outcomePages(app, services)
  welfarePages(app, services)
}
