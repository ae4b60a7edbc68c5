import type { Executor } from '../../../platform/db/database.ts'
import { ConflictError } from '../../../platform/http/errors.ts'
import { type PersonInput, validatePerson } from '../person.ts'
import { type ChildrenDeps, fail, inTransaction, mustMayEdit, todayOf } from './dependencies.ts'
import { mustGet } from './find-people.ts'
import { type Changer, type Person, type PersonPatch, personColumns, toPerson } from './records.ts'

/**
 * Changes a person's details if they are still at the version the user read (409 otherwise); a
 * principal whose area does not hold the person is refused (403), nothing changed.
 */
export async function changePerson(
  q: Executor,
  deps: ChildrenDeps,
  id: string,
  version: number,
  patch: PersonPatch,
  actor: Changer,
): Promise<Person> {
  const today = todayOf(deps.clock)
  return inTransaction(q, async (trx) => {
    const current = await mustGet(trx, id)
    await mustMayEdit(trx, actor, id, today)
    if (current.mergedInto)
      throw new ConflictError('This record was merged into another; change the surviving record')
    const merged = {
      familyName: patch.familyName ?? current.familyName,
      givenNames: patch.givenNames ?? current.givenNames,
      dateOfBirth: patch.dateOfBirth !== undefined ? patch.dateOfBirth : current.dateOfBirth,
      estimatedAgeYears:
        patch.estimatedAgeYears !== undefined ? patch.estimatedAgeYears : current.estimatedAgeYears,
      gender: (patch.gender ?? current.gender) as PersonInput['gender'],
      ethnicity: (patch.ethnicity ?? current.ethnicity) as PersonInput['ethnicity'],
    }
    const errors = validatePerson(merged, today)
    if (errors.length) fail(errors)
    const columns = personColumns(patch, today)
    // An unchanged estimate keeps the day it was made.
    if (patch.estimatedAgeYears !== undefined && patch.estimatedAgeYears === current.estimatedAgeYears) {
      delete columns.estimated_age_years
      delete columns.estimated_age_on
    }
    const row = await deps.history.updateRecord(
      trx,
      'person',
      id,
      version,
      { ...columns, updated_at: deps.clock.now() },
      actor,
    )
    await deps.accessLog.logChange(actor, { action: 'update', subjectKind: 'person', subjectId: id }, trx)
    await deps.peopleChanged?.(trx, [id])
    return toPerson(row)
  })
}
