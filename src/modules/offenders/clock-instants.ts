import { type RawBuilder, sql } from 'kysely'
import { londonDate } from '../../platform/time.ts'

/*
 * The instants at which the clock alone changes an RSO rule's obligations, for the steady sweep
 * (`clockInstants`): a notification that starts on a day (its obligations are born at London midnight), and a
 * record dated ahead of its writing (a visit, an assessment or a notification entered before its time counts
 * only once that time comes). Each answers with the RSOs having such an instant in the window (from, to];
 * a day is taken whole, which can only add RSOs.
 */

type Window = { from: Date; to: Date }
type Instants = (window: Window) => RawBuilder<{ subject_id: string }>

const days = ({ from, to }: Window) => sql`between ${londonDate(from)}::date and ${londonDate(to)}::date`

const notificationStarts: Instants = (w) =>
  sql`select cast(id as text) as subject_id from rso where notification_start ${days(w)}`

export const armsAssessed: Instants = (w) =>
  sql`select cast(rso_id as text) as subject_id from rso_arms where assessed_on ${days(w)}`

export const visitsMade: Instants = ({ from, to }) =>
  sql`select cast(rso_id as text) as subject_id from rso_visit where visited_at > ${from} and visited_at <= ${to}`

export const notificationsMade: Instants = ({ from, to }) =>
  sql`select cast(rso_id as text) as subject_id from rso_notification
    where notified_at > ${from} and notified_at <= ${to}`

/** The RSOs whose notification starts in the window, or with a record of `records` dated in it. */
export const rsoClockInstants =
  (records: Instants): Instants =>
  (w) =>
    sql<{ subject_id: string }>`${notificationStarts(w)} union ${records(w)}`
