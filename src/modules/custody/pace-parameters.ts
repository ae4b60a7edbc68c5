import type { Executor } from '../../platform/db/database.ts'
import { parameterValuesAt, resolveParameters } from '../../standards/parameters.ts'
import type { PaceParameters } from './custody.ts'
import { cus04, cus13 } from './rules.ts'

/**
 * The PACE clock's hours as configured at asOf: the review intervals are CUS-04's parameters, the limits
 * CUS-13's, so the clocks an officer watches are the ones the rules judge by. Both are force-wide.
 */
export async function paceParametersAt(q: Executor, asOf: Date): Promise<PaceParameters> {
  // A plain read: a caller's transaction serves as well as the database.
  const values = await parameterValuesAt(q, asOf, [cus04.id, cus13.id])
  return {
    ...resolveParameters<{ firstReviewHours: number; laterReviewHours: number }>(cus04, values).forceWide,
    ...resolveParameters<{ limitHours: number; extendedLimitHours: number }>(cus13, values).forceWide,
  }
}
