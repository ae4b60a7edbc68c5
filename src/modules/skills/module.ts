import { defineModule } from '../../platform/module.ts'
import { skillsAccess, staffMemberKind } from './access.ts'
import { ensureDefaultRequirements } from './default-requirements.ts'
import { skillsImportKinds } from './import-kinds.ts'
import { skillsMeasures } from './measures.ts'
import { skillsMigration } from './migrations/0037-skills.ts'
import { skillsPath, skillsRoutes } from './routes.ts'
import { stf01Rule } from './rules.ts'
import { skillsSeed } from './seed.ts'
import { type SkillsService, skillsService } from './service.ts'

declare module '../../platform/module.ts' {
  interface ModuleServices {
    skills: SkillsService
  }
}

/**
 * The skills audit (issue 22, item 6): the training each team kind and role requires, coverage of it by
 * team, BCU and force from the organisation's training records and this module's bookings, STF-01, and a
 * person's gaps on their staff page.
 */
export const skillsModule = defineModule({
  name: 'skills',
  needs: ['organisation', 'standards'],
  migrations: [skillsMigration],
  setUp: ensureDefaultRequirements,
  importKinds: skillsImportKinds,
  seed: skillsSeed,
  menu: [{ text: 'Skills audit', href: skillsPath, access: skillsAccess.read, position: 106 }],
  create: ({ db, clock, history, organisation }) => skillsService({ db, clock, history, organisation }),
  rules: (_skills, { organisation }) => [stf01Rule(() => organisation.trainingRecordsSql())],
  measures: (skills) => skillsMeasures(skills.auditForFigures),
  // STF-01's findings are about a member of staff: their courses here, where their supervisor can book one.
  subjectLinks: { [staffMemberKind]: (id) => `${skillsPath}/people/${id}` },
  // The staff page shows a person's gaps without the organisation module knowing this one.
  wire(skills, { organisation }) {
    organisation.registerStaffPanel((staffId, reach) => skills.staffPanel(staffId, reach))
  },
  routes: skillsRoutes,
})
