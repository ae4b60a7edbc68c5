import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * The PAC lists read a page at a time in their own order, so each page is read from an index rather than
 * by sorting every row that qualifies: a partner's shared PACs, awaiting their outcome first and the most
 * recently shared first (at 1,500 shared PACs a borough a year, page 1 went from a sort of them all to 50
 * index entries: 2.7 ms to 0.06 ms on scale-1 demo data); and the MASH queue, PACs shared and not yet
 * decided, which had no index and was a scan of every PAC (25 ms to 0.05 ms, and its count 56 ms to 0.02).
 */
export const referralsListIndexesMigration = sqlMigration(
  '0021-referrals-list-indexes',
  `
create index pac_partner_list on pac (borough_id, (outcome is not null), shared_with_mash_at desc, id)
  where shared_with_mash_at is not null;
create index pac_mash_queue on pac (shared_with_mash_at, id)
  where shared_with_mash_at is not null and mash_decision_at is null;
`,
)
