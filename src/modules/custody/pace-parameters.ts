import type { Executor } from '../../platform/db/database.ts'
import { parameterValuesAt, resolveParameters } from '../../standards/parameters.ts'
import type { CustodyClockParameters } from './custody.ts'
import { cus04, cus09, cus13 } from './rules.ts'

/**
 * The custody clocks' hours as configured at asOf: the review intervals are CUS-04's parameters, the limits
 * CUS-13's, the hours between escalations after charge CUS-09's, so the clocks an officer watches are the
 * ones the rules judge by. All are force-wide.
 */
export async function paceParametersAt(q: Executor, asOf: Date): Promise<CustodyClockParameters> {
  // A plain read: a caller's transaction serves as well as the database.
  const values = await parameterValuesAt(q, asOf, [cus04.id, cus09.id, cus13.id])
  return {
    ...resolveParameters<{ escalationHours: number }>(cus09, values).forceWide,
    ...resolveParameters<{ firstReviewHours: number; laterReviewHours: number }>(cus04, values).forceWide,
    ...resolveParameters<{ limitHours: number; extendedLimitHours: number }>(cus13, values).forceWide,
  }
}
