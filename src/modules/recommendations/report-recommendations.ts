import { type Database, inTransaction } from '../../platform/db/database.ts'
import { recordMany } from '../../platform/db/history.ts'
import { addMonths } from '../../platform/time.ts'

/**
 * Every recommendation of the 2016 and 2018 reports, from ../shared/reference/inspection-report-2018.txt:
 * the 2016 ones as its Annex A ("Summary of 2016 recommendations") lists them, under their time frames; the
 * 2018 ones verbatim from "2018 recommendations" (both immediate). Paragraphs as the report sets them out,
 * one to a line, each bullet with its "•"; only the layout of the text file is undone (its line breaks, and
 * two places where its page breaks run a bullet into the one before or put a stray "•" before a
 * recommendation). recommendations-text.test.ts checks each is in the report word for word.
 *
 * Set up with the force (the module's setUp, run by migrate, serve, import and seed), not by the demo's
 * seed: they are published facts about the force, the same for every database it has, so a real force has
 * them from its first start, before anyone signs in, and once. Not by a migration: every test database
 * would then hold eleven recommendations past their time frames, each with a breached REC-01 finding, in
 * every other module's findings; the tracker's tests set them up themselves.
 */

type TimeFrame = 'immediately' | 'three_months' | 'six_months'

/**
 * The day each report made its recommendations: the earliest its own words allow, since the report gives no
 * day. The 2016 report was "published in November 2016"; the 2018 review ran "during August and October
 * 2018" and the report does not say when it was published, so its recommendations are dated to the end of
 * the review. A milestone may not be dated before them (issue 22, "Bad input").
 */
export const reportMadeOn: Record<number, string> = { 2016: '2016-11-01', 2018: '2018-10-31' }

const monthsOf: Record<TimeFrame, number> = { immediately: 0, three_months: 3, six_months: 6 }

export const reportRecommendations: readonly {
  ref: string
  timeFrame: TimeFrame
  paragraphs: readonly string[]
}[] = [
  {
    ref: 'R2016-01',
    timeFrame: 'immediately',
    paragraphs: [
      'The Metropolitan Police Service (MPS) should put in place arrangements that ensure that it has clear governance structures in place to monitor child protection practices, across both borough teams and specialist units. The MPS should then give officers and staff a clear understanding of what good service looks like, and the standards it expects, and begin to develop a performance management framework that will operate to achieve consistent standards of service across London.',
    ],
  },
  {
    ref: 'R2016-02',
    timeFrame: 'immediately',
    paragraphs: [
      'The Metropolitan Police Service should put in place an action plan to ensure that it improves practice in cases of children who go missing from home. As a minimum, this should include:',
      '• improving staff awareness at all levels within the central communications command of the need to create better risk assessments and to enable appropriate use of the ‘absent’ category; staff should be aware of the importance of drawing together all available information from police systems, including information about those people who pose a risk to children;',
      '• providing training in relation to the use of both the ‘absent’ and the ‘missing’ persons’ categories;',
      '• improving staff awareness of the links between children going missing from home and the risk of sexual exploitation, particularly when there are repeat episodes; and',
      '• putting arrangements in place to ensure that, when there are repeat missing or absent episodes, they work with partner organisations to share information and implement ‘trigger plans’ to forestall further episodes.',
    ],
  },
  {
    ref: 'R2016-03',
    timeFrame: 'immediately',
    paragraphs: [
      'The Metropolitan Police Service should put in place an action plan to ensure that it:',
      '• reinforces messages to all officers and staff about their individual and collective safeguarding responsibilities, ensuring that they actively assess both any immediate risks or concerns and any wider risks that may affect other children when officers respond to incidents or conduct investigations;',
      '• records and communicates any such concerns or incidents appropriately, flags them and submits them promptly on Merlin forms;',
      '• reviews, together with children’s social care, its responsibilities for attendance at, and contribution to, strategy discussions and child protection conferences; and',
      '• provides guidance on what information officers should record (and in what form they should record it) on systems to ensure that it is readily accessible in all cases where there are concerns about children.',
    ],
  },
  {
    ref: 'R2016-04',
    timeFrame: 'immediately',
    paragraphs: [
      'The Metropolitan Police Service (MPS) should act to:',
      '• review the current standing operating procedures and identified aggravating factors about officers who deal with people who are suspected of possessing indecent images of children, and those suspects’ access to children within their own family;',
      '• reduce the delays in visiting registered sex offenders (RSOs) and improve the management and response to them;',
      '• review attendance at Multi-Agency Public Protection Arrangements meetings, ensuring that it is at an appropriate level to be able to take decisions on behalf of the MPS to protect vulnerable children from those who pose the most risk of harm; and',
      '• ensure that appropriate information on RSOs is made routinely available to local officers.',
    ],
  },
  {
    ref: 'R2016-05',
    timeFrame: 'three_months',
    paragraphs: [
      'The Metropolitan Police Service should ensure that it:',
      '• develops and improves planning of its responses to, and investigation of, child abuse, child sexual exploitation and missing children, so that it can protect children at an earlier stage; and',
      '• develops a performance framework to report on the results of the service it provides to children.',
    ],
  },
  {
    ref: 'R2016-06',
    timeFrame: 'three_months',
    paragraphs: [
      'The Metropolitan Police Service should act to improve child protection investigations by ensuring that:',
      '• it provides guidance to officers and staff that identifies the range of responses and actions that the police can contribute to multi-agency plans for protecting children;',
      '• every referral the police receives is allocated to those officers who have the skills, capacity and competence to undertake the investigation;',
      '• officers supervise and monitor investigations, with supervisor reviews recording clearly any further work that officers might need to do;',
      '• it conducts regular audits of practice that include assessing the quality, timeliness and supervision of investigations; and',
      '• it works with the Crown Prosecution Service to monitor and improve the timeliness of case management.',
    ],
  },
  {
    ref: 'R2016-07',
    timeFrame: 'six_months',
    paragraphs: [
      'The Metropolitan Police Service should demonstrate the use of a performance framework (that it has developed within three months) to inform resourcing and planning decisions to bring about improvement.',
    ],
  },
  {
    ref: 'R2016-08',
    timeFrame: 'six_months',
    paragraphs: [
      'The Metropolitan Police Service, in conjunction with children’s social care services and other relevant agencies, should review how it manages the detention of children.',
      'As a minimum, the review should enhance child protection by:',
      '• improving the awareness of custody staff of child protection and child sexual exploitation, and of the support children need at the time of detention and on release;',
      '• ensuring the prompt submission of a Merlin form to record a child’s detention to help inform future risk assessments;',
      '• assessing at an early stage the need for secure or other accommodation, and working with children’s social care services to achieve the best option for the child;',
      '• ensuring that custody staff comply with their statutory duties by completing detention certificates and custody record entries to the required standard if children are detained in police custody for any reason; and',
      '• securing adequate appropriate adult support in a timely fashion.',
    ],
  },
  {
    ref: 'R2016-09',
    timeFrame: 'six_months',
    paragraphs: [
      'The Metropolitan Police Service should undertake a skills audit to:',
      '• assess the training required for those who undertake specialist child protection work with no previous detective or child protection experience;',
      '• establish that staff in both boroughs and the Specialist Crime and Operations Directorate dealing with child protection matters such as child abuse, indecent images of children, child sexual exploitation and missing persons are appropriately trained to carry out their duties; and',
      '• determine how well staff understand child sexual exploitation, including its potential links with missing and absent children.',
    ],
  },
  {
    ref: 'R2018-01',
    timeFrame: 'immediately',
    paragraphs: [
      'Immediately, we recommend that the Metropolitan Police Service (MPS) continues to implement all the recommendations made by Her Majesty’s Inspectorate of Constabulary and Fire & Rescue Services following our child protection inspection in 2016, ensuring that it reviews the effectiveness of its improvement activities.',
    ],
  },
  {
    ref: 'R2018-02',
    timeFrame: 'immediately',
    paragraphs: [
      'Immediately, the MPS should act to improve the quality and timeliness of investigations related to the exploitation and abuse of children via the internet.',
      'Specifically, this should include ensuring that:',
      '• delays in the investigation of online abuse are reduced or eliminated;',
      '• information about children at risk of abuse via the internet is shared promptly with safeguarding partners and that appropriate protective plans are developed;',
      '• investigations about online abuse or exploitation are allocated to teams with the skills and experience to manage them effectively; and',
      '• seized devices are examined (through the introduction of triage technology for non-specialists) and that only those devices where indecent images are known or suspected are sent for further examination.',
    ],
  },
]

/** Who the history names as having recorded them. */
const seededBy = 'set-up'

/** Records the reports' recommendations when the database has none: what it did, in a sentence, or null. */
export async function ensureReportRecommendations(db: Database): Promise<string | null> {
  if (await db.selectFrom('recommendation').select('id').executeTakeFirst()) return null
  const positions = new Map<number, number>()
  const rows = reportRecommendations.map((r) => {
    const year = Number(r.ref.slice(1, 5))
    const position = (positions.get(year) ?? 0) + 1
    positions.set(year, position)
    const madeOn = reportMadeOn[year] as string
    return {
      ref: r.ref,
      report_year: year,
      time_frame: r.timeFrame,
      position,
      text: r.paragraphs.join('\n'),
      made_on: madeOn,
      due_on: addMonths(madeOn, monthsOf[r.timeFrame]),
    }
  })
  await inTransaction(db, async (trx) => {
    const inserted = await trx.insertInto('recommendation').values(rows).returningAll().execute()
    await recordMany(
      trx,
      inserted.map((row) => ({
        table: 'recommendation',
        id: row.id,
        version: 1,
        action: 'create' as const,
        changedBy: seededBy,
        changedAt: new Date(),
        changes: Object.fromEntries(
          Object.entries(row)
            .filter(([k]) => k !== 'id' && k !== 'version')
            .map(([k, v]) => [k, [null, v]]),
        ),
      })),
    )
  })
  return `Recorded the ${rows.length} recommendations of the 2016 and 2018 inspection reports.`
}
