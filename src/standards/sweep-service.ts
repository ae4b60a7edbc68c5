import type { Clock } from '../platform/clock.ts'
import type { Database } from '../platform/db/database.ts'
import { ValidationError } from '../platform/http/errors.ts'
import type { WorkingDayCalendar } from './calendar.ts'
import { evaluateRules, type RuleResult } from './evaluate.ts'
import { rulesWithParametersTakingEffect } from './parameters.ts'
import type { RuleRegistry } from './registry.ts'
import type { AnyRule } from './rule.ts'
import { clockSubjects, markSweptTo, sweptTo, windowOverlapMs } from './swept-to.ts'
import { calendarSwept, calendarUnswept, ensureWorkingDays } from './working-days.ts'

export interface SweepOptions {
  asOf?: Date
  ruleIds?: readonly string[]
  timeBasedOnly?: boolean
}

/** The rules named, every rule when none are; an unknown id is the caller's error. */
export function pickRules(registry: RuleRegistry, ruleIds?: readonly string[]): AnyRule[] {
  if (!ruleIds) return registry.all()
  return ruleIds.map((id) => {
    const rule = registry.get(id)
    if (!rule) throw new ValidationError([{ field: 'rule', reason: `there is no rule ${id}` }])
    return rule
  })
}

/** Of `rules`, the ids of those with clock instants that `results` says were swept without error. */
const clockedOk = (rules: readonly AnyRule[], results: readonly RuleResult[]) =>
  rules.filter((r) => r.clockInstants && results.some((x) => x.ruleId === r.id && x.ok)).map((r) => r.id)

/**
 * The sweeps of the standards engine: the full sweep (every rule derived whole and compared with the stored
 * findings) and the steady sweep the scheduler runs every minute (the time-based rules, most of them only
 * for the records the clock moved since the last).
 */
export function sweeper(deps: {
  db: Database
  clock: Clock
  registry: RuleRegistry
  calendar: WorkingDayCalendar
}) {
  const { db, clock, registry, calendar } = deps

  /**
   * The sweep: every rule (or, for the scheduler, the steady sweep: the time-based ones), each in its own
   * transaction. In the steady sweep a rule swept by its due times (`steadyByDueTimes`) evaluates only the
   * records whose stored findings fell due by asOf, read from the index of next transitions.
   */
  async function sweep(options: SweepOptions = {}): Promise<RuleResult[]> {
    const asOf = options.asOf ?? clock.now()
    const now = clock.now()
    // A calendar written since the rules counting working days were last derived whole has moved their due
    // times with nothing written: they are derived whole (not by due times) until a sweep has done so.
    await ensureWorkingDays(db, db, calendar)
    const newCalendar = await calendarUnswept(db)
    const markCalendarSwept = async (results: readonly RuleResult[]) => {
      const done = (r: AnyRule) => results.some((x) => x.ruleId === r.id && x.ok)
      if (newCalendar && registry.all().every((r) => !r.readsWorkingDays || done(r))) await calendarSwept(db)
    }
    if (!options.timeBasedOnly) {
      const rules = pickRules(registry, options.ruleIds)
      const results = await evaluateRules({ db, calendar, rules, asOf, now })
      await markSweptTo(db, asOf, { derivedWhole: clockedOk(rules, results), windowed: [] })
      await markCalendarSwept(results)
      return results
    }
    // A parameter taking effect is a change by time alone: its rule is derived whole for the hour after.
    const takingEffect = await rulesWithParametersTakingEffect(db, asOf)
    const whole = (r: AnyRule) => takingEffect.has(r.id) || (newCalendar && r.readsWorkingDays)
    const swept = pickRules(registry, options.ruleIds).filter((r) => r.timeBased || whole(r))
    // A rule with clock instants is swept by a window from where the last sweep took it: never swept, it is
    // derived whole first.
    const reached = await sweptTo(
      db,
      swept.filter((r) => r.clockInstants).map((r) => r.id),
    )
    const byDueTimes = swept.filter(
      (r) => r.steadyByDueTimes && !whole(r) && (!r.clockInstants || reached.has(r.id)),
    )
    const derivedWhole = swept.filter((r) => !byDueTimes.includes(r))
    const results = await evaluateRules({ db, calendar, rules: derivedWhole, asOf, now })
    for (const rule of byDueTimes) results.push(await sweepDueTimes(rule, asOf, now, reached.get(rule.id)))
    await markSweptTo(db, asOf, {
      derivedWhole: clockedOk(derivedWhole, results),
      windowed: clockedOk(byDueTimes, results),
    })
    await markCalendarSwept(results)
    return results
  }

  /**
   * One rule's steady sweep by its due times: the records whose open findings fell due, and those with a
   * clock instant (`clockInstants`) since the last sweep took it to `reached`; only those.
   */
  async function sweepDueTimes(
    rule: AnyRule,
    asOf: Date,
    now: Date,
    reached: Date | undefined,
  ): Promise<RuleResult> {
    const started = performance.now()
    let subjects: string[]
    try {
      const due = await db
        .selectFrom('finding')
        .select('subject_id')
        .distinct()
        .where('rule_id', '=', rule.id)
        .where('closed_at', 'is', null)
        .where('breached_at', 'is', null)
        .where('due_at', 'is not', null)
        .where('due_at', '<=', asOf)
        .execute()
      const clocked = reached
        ? await clockSubjects(db, rule, new Date(reached.getTime() - windowOverlapMs), asOf)
        : []
      subjects = [...new Set([...due.map((r) => r.subject_id), ...clocked])]
    } catch (error) {
      // Reported like a rule whose query fails: the others go on, and its window is swept again next time.
      const ms = Math.round(performance.now() - started)
      const message = `the records due could not be read: ${(error as Error).message}`
      return {
        ruleId: rule.id,
        ok: false,
        error: message,
        obligations: 0,
        opened: 0,
        changed: 0,
        closed: 0,
        ms,
      }
    }
    const [result] = subjects.length
      ? await evaluateRules({ db, calendar, rules: [rule], subjects, asOf, now })
      : [{ ruleId: rule.id, ok: true, obligations: 0, opened: 0, changed: 0, closed: 0, ms: 0 }]
    return {
      ...(result as RuleResult),
      dueRecords: subjects.length,
      ms: Math.round(performance.now() - started),
    }
  }

  return sweep
}
