import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * CUS-14 and CUS-15: a charge records whether the appropriate adult was there (the existing aa_present
 * column, left null by timelines recorded before it was asked, which CUS-14 reads as not recorded), and a
 * review records what the reviewing officer did while the appropriate adult was still awaited.
 */
export const custodyAdultAtChargeAndReviewMigration = sqlMigration(
  '0028-custody-adult-at-charge-and-review',
  `
alter table custody_event add column aa_intervention text check (length(aa_intervention) <= 2000);
alter table custody_event add constraint custody_event_aa_intervention_on_review
  check (aa_intervention is null or kind = 'review');
`,
)
