import { sqlMigration } from '../../../platform/db/migrator.ts'

/**
 * A reference for each safeguarding record of an online case (a PAC, a social care referral, a welfare visit),
 * so another system's import names it again and a re-run batch updates it rather than adding it twice.
 */
export const onlineSafeguardingRefMigration = sqlMigration(
  '0027-online-safeguarding-ref',
  `
create sequence online_case_safeguarding_ref_seq;
alter table online_case_safeguarding add column ref text not null unique
  default ('SG-' || lpad(nextval('online_case_safeguarding_ref_seq')::text, 7, '0'))
  check (length(ref) between 1 and 100);
`,
)
