import { sql } from 'kysely'
import type { Actor } from '../../../platform/access/access-log.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { HttpError } from '../../../platform/http/errors.ts'
import { type PersonInput, validatePerson } from '../person.ts'
import { checkBorough, insertAddress, validateAddress } from './addresses.ts'
import { type ChildrenDeps, fail, inTransaction, todayOf } from './dependencies.ts'
import { type NewPerson, type Person, type PersonRow, personColumns, toPerson } from './records.ts'

/** A create that looks like someone Kestrel already holds: the form asks the user to confirm. */
export class PossibleDuplicateError extends HttpError {
  constructor(readonly candidates: Person[]) {
    super(
      409,
      `This person may already be recorded (${candidates.map((c) => c.ref).join(', ')}). ` +
        'Check them, then confirm this is a different person to create a new record.',
    )
  }
}

/** People Kestrel already holds who may be the person about to be created. */
export async function possibleDuplicates(
  q: Executor,
  input: PersonInput,
  excludeId?: string,
): Promise<Person[]> {
  const family = input.familyName.trim()
  const given = input.givenNames.trim()
  const firstGiven = given.split(/\s+/)[0] ?? ''
  // Same or sound-alike family name, and either the same date of birth or a similar given name.
  const { rows } = await sql<PersonRow>`
    select p.* from person p
    where p.merged_into is null
      and (${excludeId ?? null}::uuid is null or p.id <> ${excludeId ?? null}::uuid)
      and (p.family_name ilike ${family} or p.family_name % ${family}
           or dmetaphone(p.family_name) = dmetaphone(${family}))
      and ((${input.dateOfBirth}::date is not null and p.date_of_birth = ${input.dateOfBirth}::date)
           or (${firstGiven} <> '' and (dmetaphone(split_part(p.given_names, ' ', 1)) = dmetaphone(${firstGiven})
               or similarity(p.given_names, ${given}) >= 0.5)))
    order by similarity(p.family_name, ${family}) desc, p.family_name, p.given_names
    limit 20`.execute(q)
  return rows.map(toPerson)
}

/**
 * Creates a person, with their first address when given. Unless the user has confirmed this is a
 * different person, a possible duplicate stops the create with the candidates to check.
 */
export async function createPerson(
  q: Executor,
  deps: ChildrenDeps,
  input: NewPerson,
  actor: Actor,
  options: { confirmedNotDuplicate?: boolean } = {},
): Promise<Person> {
  const day = todayOf(deps.clock)
  const errors = validatePerson(input, day)
  if (input.ref !== undefined && !/^[\w./-]{1,200}$/.test(input.ref))
    errors.push({ field: 'ref', reason: 'Reference must be letters, numbers, dots, dashes or slashes' })
  if (input.address) {
    errors.push(...validateAddress(input.address, day).map((e) => ({ ...e, field: `address.${e.field}` })))
    errors.push(
      ...(await checkBorough(q, input.address.boroughId)).map((e) => ({
        ...e,
        field: 'address.boroughId',
      })),
    )
  }
  if (errors.length) fail(errors)
  if (!options.confirmedNotDuplicate) {
    const candidates = await possibleDuplicates(q, input)
    if (candidates.length) throw new PossibleDuplicateError(candidates)
  }
  return inTransaction(q, async (trx) => {
    if (input.ref) {
      const taken = await trx
        .selectFrom('person')
        .select('id')
        .where('ref', '=', input.ref)
        .executeTakeFirst()
      if (taken) fail([{ field: 'ref', reason: `Another person already has the reference ${input.ref}` }])
    }
    const now = deps.clock.now()
    const row = await deps.history.insertRecord(
      trx,
      'person',
      {
        ...(input.ref ? { ref: input.ref } : {}),
        ...personColumns(input, day),
        created_at: now,
        updated_at: now,
      } as never,
      actor,
    )
    if (input.address) await insertAddress(trx, deps, row.id, input.address, actor)
    await deps.accessLog.logChange(actor, { action: 'create', subjectKind: 'person', subjectId: row.id }, trx)
    return toPerson(row)
  })
}
