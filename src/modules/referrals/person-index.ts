import type { Executor } from '../../platform/db/database.ts'
import { displayName } from '../children/person.ts'
import type { ChildrenService, Person } from '../children/service.ts'
import { type HouseholdChild, householdKey, type OtherChildrenAt } from './rules.ts'

/**
 * What the referrals module needs from the person index (the children module): a child by id or ref,
 * a search for the "which child?" question, and the other children in a household or with access to the
 * same adult on a day (REF-06).
 */
export interface ReferralPerson {
  id: string
  ref: string
  name: string
  dateOfBirth: string | null
}

export interface PersonIndex {
  /** By id or ref; a merged record answers with the person it was merged into. */
  find(idOrRef: string): Promise<ReferralPerson | undefined>
  /** The borough of the person's address today, to suggest where the concern arose. */
  boroughOf(personId: string): Promise<string | null>
  search(text: string, dateOfBirth?: string): Promise<ReferralPerson[]>
  otherChildrenAt: OtherChildrenAt
}

const summary = (p: Person): ReferralPerson => ({
  id: p.id,
  ref: p.ref,
  name: displayName(p),
  dateOfBirth: p.dateOfBirth,
})

/**
 * The person index through the children service. `childrenOn(executor)` gives the same service on another
 * executor: REF-06 runs inside the writing transaction after a PAC is saved, and on the embedded database a
 * query on the outer connection would wait for that transaction for ever.
 */
export function personIndexFromChildren(
  children: ChildrenService,
  childrenOn: (executor: Executor) => ChildrenService,
): PersonIndex {
  return {
    async find(idOrRef) {
      const person = await children.find(idOrRef)
      return person ? summary(person) : undefined
    },
    boroughOf: (personId) => children.boroughOn(personId),
    async search(text, dateOfBirth) {
      return (await children.search({ q: text, dob: dateOfBirth })).map((p) => summary(p))
    },
    async otherChildrenAt(executor, asked) {
      // One query for the whole batch, however many days its PACs fall on: the household and the adults.
      const found = await childrenOn(executor).linkedChildrenOn(asked, executor)
      const out = new Map<string, HouseholdChild[]>()
      for (const [key, others] of found) {
        const [personId, day] = key.split('|') as [string, string]
        out.set(
          householdKey(personId, day),
          others.map((o) => ({
            personId: o.person.id,
            ref: o.person.ref,
            name: displayName(o.person),
            links: o.links.map((l) =>
              l.via === 'household'
                ? { via: 'household' as const }
                : {
                    via: 'adult' as const,
                    adultRef: l.adult.ref,
                    adultName: l.adult.name,
                    toChild: l.toChild,
                    toOther: l.toOther,
                  },
            ),
          })),
        )
      }
      return out
    },
  }
}
