import { defineModule } from '../../platform/module.ts'
import { onlineCasesMigration } from './migrations/0025-online-cases.ts'
import { onlineWelfareMigration } from './migrations/0026-online-welfare.ts'
import { onlineService } from './service.ts'

export type Online = ReturnType<typeof onlineService>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    online: Online
  }
}

/** Online child sexual abuse: CEOP/NCA referrals, the Bellona queue, KIRAT, stages, safeguarding and outcomes. */
export const onlineModule = defineModule({
  name: 'online',
  needs: ['organisation', 'standards', 'children', 'investigations', 'triage'],
  migrations: [onlineCasesMigration, onlineWelfareMigration],
  create: ({ db, clock, accessLog, standards }) =>
    onlineService(db, {
      clock,
      accessLog,
      afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    }),
})
