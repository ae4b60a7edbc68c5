import { sql } from 'kysely'
import type { Database } from '../../platform/db/database.ts'

/**
 * The training matrix a force starts with, each row from the inspection report (2018) or its 2016
 * recommendations; admins change it on the skills pages, and each change keeps its history. Set up with the
 * force (the module's setUp, run by migrate, serve, import and seed) when the matrix is empty, so a new
 * installation and the demo share them. Not by a migration: every test database's safeguarding staff would
 * then owe STF-01's training, in every other module's findings; the skills tests set the matrix up themselves.
 */
export async function ensureDefaultRequirements(db: Database): Promise<string | null> {
  if (await db.selectFrom('required_course').select('id').executeTakeFirst()) return null
  const { numAffectedRows } = await sql`
insert into required_course (team_kind, staff_role, course, effective_from, source) values
  -- "a one-week safeguarding course ... designed for those currently deployed in a safeguarding team";
  -- "Since April 2018, 93 officers have attended the course" (2018 review findings, skills audit).
  ('mash', '', 'safeguarding_1_week', '2018-04-01', 'Report 2018: the one-week safeguarding course, for those deployed in a safeguarding team'),
  ('cait', '', 'safeguarding_1_week', '2018-04-01', 'Report 2018: the one-week safeguarding course, for those deployed in a safeguarding team'),
  ('sapphire', '', 'safeguarding_1_week', '2018-04-01', 'Report 2018: the one-week safeguarding course, for those deployed in a safeguarding team'),
  ('missing_persons_unit', '', 'safeguarding_1_week', '2018-04-01', 'Report 2018: the one-week safeguarding course, for those deployed in a safeguarding team'),
  ('jigsaw', '', 'safeguarding_1_week', '2018-04-01', 'Report 2018: the one-week safeguarding course, for those deployed in a safeguarding team'),
  -- The skills audit "identifies which staff in safeguarding have received training, including the
  -- specialist child abuse investigations development programme and the achieving best evidence interview course".
  ('cait', '', 'specialist_child_abuse_investigators_development_programme', '2016-01-01', 'Report 2018: the skills audit names the specialist child abuse investigators'' development programme'),
  ('cait', '', 'abe_interviewing', '2016-01-01', 'Report 2018: the skills audit names the achieving best evidence interview course'),
  ('sapphire', '', 'abe_interviewing', '2016-01-01', 'Report 2018: the skills audit names the achieving best evidence interview course'),
  -- 2016 recommendation: staff "dealing with child protection matters such as ... indecent images of
  -- children ... and missing persons are appropriately trained to carry out their duties".
  ('missing_persons_unit', '', 'missing_persons_5_day', '2016-01-01', 'Report 2016 recommendation: staff dealing with missing persons appropriately trained'),
  ('online_csae', '', 'iioc_investigation', '2016-01-01', 'Report 2016 recommendation: staff dealing with indecent images of children appropriately trained');
`.execute(db)
  return `Set up the training the safeguarding teams require (${numAffectedRows ?? 0} courses by team kind).`
}
