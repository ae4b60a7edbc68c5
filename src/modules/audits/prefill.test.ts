import { describe, expect, it } from 'vitest'
import { prefill, themeOfRule } from './prefill.ts'

const at = (d: string) => new Date(`${d}T09:00:00Z`)

describe('the audit form’s starting point', () => {
  it('puts each finding under its theme, breached ones as not met, with the rule, status and dates', () => {
    const filled = prefill([
      {
        ruleId: 'INV-05',
        ruleTitle: 'Child not seen and spoken to',
        status: 'breached',
        openedAt: at('2018-08-01'),
        dueAt: at('2018-08-03'),
        breachedAt: at('2018-08-03'),
        closedAt: null,
      },
      {
        ruleId: 'INV-03',
        ruleTitle: 'No supervisory review',
        status: 'met',
        openedAt: at('2018-08-01'),
        dueAt: at('2018-08-08'),
        breachedAt: null,
        closedAt: at('2018-08-05'),
      },
    ])
    expect(filled.child_seen_and_heard).toEqual({
      judgement: 'not_met',
      note: 'Kestrel: INV-05 Child not seen and spoken to: breached (opened 2018-08-01, due 2018-08-03, breached 2018-08-03)',
    })
    expect(filled.supervision?.judgement).toBeNull()
    expect(filled.supervision?.note).toContain(
      'INV-03 No supervisory review: met (opened 2018-08-01, due 2018-08-08, closed 2018-08-05)',
    )
    expect(filled.outcome_for_child).toBeUndefined()
  })

  it('reads a rule’s theme from its title', () => {
    expect(themeOfRule('No strategy discussion for a case that meets the threshold')).toBe(
      'strategy_and_multi_agency',
    )
    expect(themeOfRule('Investigation drifting: no recorded activity')).toBe('investigation_and_timeliness')
  })
})
