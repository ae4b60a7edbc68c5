import { type RawBuilder, sql } from 'kysely'

/**
 * The devices whose rules (ONL-05 to ONL-07) the clock alone changes in the window (from, to]: those with a
 * triage result or a status change dated ahead of its writing that falls in it. A triage laptop reports when
 * its run finished by its own clock, which may run fast, and the status the result moves the device to is
 * dated the same; such a result counts only from its time. Everything dated at or before its writing was
 * evaluated by the write itself, so only the rows dated ahead are read (their indexes hold nothing else).
 */
export function deviceClockInstants({
  from,
  to,
}: {
  from: Date
  to: Date
}): RawBuilder<{ subject_id: string }> {
  return sql<{ subject_id: string }>`
    select cast(device_id as text) as subject_id from triage_result
      where run_at > received_at and run_at > ${from} and run_at <= ${to}
    union
    select cast(device_id as text) from device_status_event
      where at > recorded_at and at > ${from} and at <= ${to}`
}
