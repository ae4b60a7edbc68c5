import type { StandardsService } from '../../standards/service.ts'
import type { ChildrenService } from '../children/service.ts'
import { pacKind } from './access.ts'
import { personIndexFromChildren } from './person-index.ts'
import { referralRules } from './rules.ts'
import { type ReferralsDependencies, referralsService } from './service.ts'

/**
 * Builds the referrals service and registers what the module brings to the others: its rules and the PAC
 * link with the standards engine, and PACs on each child's chronology.
 */
export function createReferrals(
  deps: Omit<ReferralsDependencies, 'people' | 'calendar' | 'afterWrite'> & {
    standards: StandardsService
    children: ChildrenService
  },
) {
  const { standards, children } = deps
  const people = personIndexFromChildren(children)
  const service = referralsService({
    ...deps,
    people,
    calendar: standards.calendar,
    afterWrite: async (trx, written) => {
      for (const [kind, ids] of written) await standards.afterWrite(trx, kind, ids)
    },
  })
  for (const rule of referralRules(people.linkedChildrenSql)) standards.register(rule)
  standards.registerSubjectLink(pacKind.kind, (id) => `/pacs/${id}`)
  children.registerTimelineProvider((personId, reach, asOf) => service.timelineItems(personId, reach, asOf))
  return Object.assign(service, { people })
}

export type Referrals = ReturnType<typeof createReferrals>
