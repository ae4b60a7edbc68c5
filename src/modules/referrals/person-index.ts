import { displayName } from '../children/person.ts'
import type { ChildrenService, Person, SearchViewer } from '../children/service.ts'
import type { LinkedChildrenSql } from './rules.ts'

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
}

export interface PersonIndex {
  /** By id or ref; a merged record answers with the person it was merged into. */
  find(idOrRef: string): Promise<ReferralPerson | undefined>
  /** The borough of the person's address today, to suggest where the concern arose. */
  boroughOf(personId: string): Promise<string | null>
  /** Every person listed is logged as read by the viewer. */
  search(text: string, viewer: SearchViewer, dateOfBirth?: string): Promise<ReferralPerson[]>
  linkedChildrenSql: LinkedChildrenSql
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
      return (await children.search({ q: text, dob: dateOfBirth }, viewer)).map((p) => summary(p))
    },
    // SQL not yet run: REF-06 answers with one query, run by the engine on the sweep's own connection.
    linkedChildrenSql: (asked) => children.linkedChildrenSql(asked),
  }
}
