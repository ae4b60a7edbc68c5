/**
 * Registered sex offenders as the offender managers keep them: the words and scales of the RSO record,
 * and the pure decisions about one (what counts as active, when a visit falls due).
 */

export const riskLevels = ['low', 'medium', 'high', 'very_high'] as const
export type RiskLevel = (typeof riskLevels)[number]
export const riskLabels: Record<RiskLevel, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  very_high: 'Very high',
}

export const rsoStatuses = ['active', 'in_custody', 'abroad', 'deceased', 'ended'] as const
export type RsoStatus = (typeof rsoStatuses)[number]
export const statusLabels: Record<RsoStatus, string> = {
  active: 'Active in the community',
  in_custody: 'In custody',
  abroad: 'Abroad',
  deceased: 'Deceased',
  ended: 'Notification ended',
}

/** The Sexual Offences Act 2003's ways into the notification requirements. */
export const notificationBases = [
  'conviction',
  'caution',
  'notification_order',
  'foreign_conviction',
] as const
export type NotificationBasis = (typeof notificationBases)[number]
export const basisLabels: Record<NotificationBasis, string> = {
  conviction: 'Conviction',
  caution: 'Caution',
  notification_order: 'Notification order',
  foreign_conviction: 'Conviction abroad',
}

export const orderKinds = ['shpo', 'sro', 'notification_order'] as const
export type OrderKind = (typeof orderKinds)[number]
export const orderLabels: Record<OrderKind, string> = {
  shpo: 'Sexual harm prevention order',
  sro: 'Sexual risk order',
  notification_order: 'Notification order',
}

export const notificationKinds = [
  'initial',
  'change_of_details',
  'periodic',
  'travel_abroad',
  'household_with_child',
  'bank_account',
  'other',
] as const
export type NotificationKind = (typeof notificationKinds)[number]
export const notificationLabels: Record<NotificationKind, string> = {
  initial: 'Initial notification',
  change_of_details: 'Change of details',
  periodic: 'Periodic (yearly) notification',
  travel_abroad: 'Travel abroad',
  household_with_child: 'Staying 12 hours or more at a household with a child',
  bank_account: 'Bank account or card',
  other: 'Other',
}

/**
 * The notifications after which the next is owed within a year (Sexual Offences Act 2003 s85): the initial
 * one, a change of details and the periodic one itself.
 */
export const yearlyNotificationKinds: readonly NotificationKind[] = [
  'initial',
  'change_of_details',
  'periodic',
]

/** MAPPA's categories and levels are each 1 to 3. */
export const mappaScale = [1, 2, 3] as const

export const isRiskLevel = (value: unknown): value is RiskLevel =>
  typeof value === 'string' && (riskLevels as readonly string[]).includes(value)

/** The visit interval parameters of RSO-04 by risk level; a level with 0 months is managed reactively. */
export const visitIntervalParams = {
  veryHighMonths: { default: 1, description: 'Months between home visits at very high risk', unit: 'months' },
  highMonths: { default: 3, description: 'Months between home visits at high risk', unit: 'months' },
  mediumMonths: { default: 6, description: 'Months between home visits at medium risk', unit: 'months' },
  lowMonths: {
    default: 12,
    description: 'Months between home visits at low risk (0: managed reactively, no routine visits)',
    unit: 'months',
  },
} as const

export type VisitIntervals = { [K in keyof typeof visitIntervalParams]: number }

/** The months between visits for a risk level, as configured; 0 means no routine visits. */
export function visitMonths(level: RiskLevel, intervals: VisitIntervals): number {
  switch (level) {
    case 'very_high':
      return intervals.veryHighMonths
    case 'high':
      return intervals.highMonths
    case 'medium':
      return intervals.mediumMonths
    case 'low':
      return intervals.lowMonths
  }
}

/** Where a manager's caseload stands against RSO-05's two lines. */
export function caseloadBand(active: number, lines: { warnAbove: number; breachAbove: number }) {
  if (active > lines.breachAbove) return 'over_breach' as const
  if (active > lines.warnAbove) return 'over_warning' as const
  return 'within' as const
}
