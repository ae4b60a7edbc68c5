import { displayName } from '../children/person.ts'
import type { ChildrenService, Person, SearchViewer } from '../children/service.ts'
import type { LinkedChildrenSql, PeopleLinkedThroughSql } from './rules.ts'

/**
 * What the referrals module needs from the person index (the children module): a child by id or ref,
 * a search for the "which child?" question, and the other children in a household or with access to the
 * same adult on a day, as SQL REF-06 joins.
 */
export interface ReferralPerson {
  id: string
  ref: string
  name: string
  dateOfBirth: string | null
  /** Where they live today, with the borough, to tell people of one name apart (search results only). */
  livesAt?: string | null
}

export interface PersonIndex {
  /** By id or ref; a merged record answers with the person it was merged into. */
  find(idOrRef: string): Promise<ReferralPerson | undefined>
  /** The borough of the person's address today, to suggest where the concern arose. */
  boroughOf(personId: string): Promise<string | null>
  /** Every person listed is logged as read by the viewer. */
  search(text: string, viewer: SearchViewer, dateOfBirth?: string): Promise<ReferralPerson[]>
  linkedChildrenSql: LinkedChildrenSql
  peopleLinkedThroughSql: PeopleLinkedThroughSql
}

const summary = (p: Person): ReferralPerson => ({
  id: p.id,
  ref: p.ref,
  name: displayName(p),
  dateOfBirth: p.dateOfBirth,
})

/** The person index through the children service. */
export function personIndexFromChildren(children: ChildrenService): PersonIndex {
  return {
    async find(idOrRef) {
      const person = await children.find(idOrRef)
      return person ? summary(person) : undefined
    },
    boroughOf: (personId) => children.boroughOn(personId),
    async search(text, viewer, dateOfBirth) {
      const { people } = await children.searchPage({ q: text, dob: dateOfBirth }, viewer, { limit: 50 })
      return people.map((p) => ({
        ...summary(p),
        livesAt: p.livesAt ? [p.livesAt.address, p.livesAt.boroughName].filter(Boolean).join(', ') : null,
      }))
    },
    // SQL not yet run: REF-06 answers with one query, run by the engine on the sweep's own connection.
    linkedChildrenSql: (asked) => children.linkedChildrenSql(asked),
    peopleLinkedThroughSql: (people) => children.peopleLinkedThroughSql(people),
  }
}
