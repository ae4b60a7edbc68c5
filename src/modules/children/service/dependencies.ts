import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor } from '../../../platform/db/database.ts'

export { inTransaction } from '../../../platform/db/database.ts'

import type { HistoryService } from '../../../platform/db/history.ts'
import { type FieldError, ForbiddenError, ValidationError } from '../../../platform/http/errors.ts'
import { londonDate } from '../../../platform/time.ts'
import { type Editor, editRefusal, mayEdit } from '../access.ts'
import { holdingOf } from '../holding.ts'
import type { IsoDate } from '../person.ts'
import { type Changer, isEditor } from './records.ts'

/**
 * What the person index's writes are given besides their executor. Each read and write goes through the
 * executor it was handed, so a use case runs inside a caller's transaction as well as on its own.
 */
export interface ChildrenDeps {
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  /**
   * Told, in the write's transaction, of the people whose own record or links (households, relationships)
   * a write changed, so that the rules reading them are evaluated again before it commits.
   */
  peopleChanged?: (trx: Executor, personIds: readonly string[]) => Promise<void>
}

/** Ages, flags and "today" change at London midnight, whatever the server's zone. */
export function todayOf(clock: Clock): IsoDate {
  return londonDate(clock.now())
}

export function fail(errors: FieldError[]): never {
  throw new ValidationError(errors)
}

/** May this principal change this person (their area holds them, or they are the MASH or an admin)? */
export async function canEdit(q: Executor, editor: Editor, personId: string, day: IsoDate): Promise<boolean> {
  return mayEdit(editor, await holdingOf(q, personId, day))
}

/**
 * Refuses (403) a change by a principal whose area does not hold the person. Read on the write's own
 * executor, so the check and the change see the same addresses. The person is known force-wide, so
 * the refusal does not hide that they exist.
 */
export async function mustMayEdit(
  q: Executor,
  changer: Changer,
  personId: string,
  day: IsoDate,
): Promise<void> {
  if (!isEditor(changer)) return
  if (!(await canEdit(q, changer, personId, day))) throw new ForbiddenError(editRefusal)
}
