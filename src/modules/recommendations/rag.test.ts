import { describe, expect, it } from 'vitest'
import { type ActionFacts, actionRag, recommendationRag } from './rag.ts'

const today = '2019-06-15'
const action = (milestones: ActionFacts['milestones'], completedOn: string | null = null): ActionFacts => ({
  completedOn,
  milestones,
})

describe('an action’s colour', () => {
  it('is red when a milestone has passed with no evidence for it, and not on the milestone’s own day', () => {
    expect(actionRag(action([{ dueOn: '2019-06-14', evidencedOn: null }]), today)).toBe('red')
    expect(actionRag(action([{ dueOn: '2019-06-15', evidencedOn: null }]), today)).toBe('amber')
  })

  it('is not red once evidence is linked, even late; evidence dated after the day judged has not happened', () => {
    expect(actionRag(action([{ dueOn: '2019-06-01', evidencedOn: '2019-06-10' }]), today)).toBe('green')
    expect(actionRag(action([{ dueOn: '2019-06-01', evidencedOn: '2019-06-20' }]), today)).toBe('red')
  })

  it('is amber with no milestone, or one within 28 days with no evidence; green beyond', () => {
    expect(actionRag(action([]), today)).toBe('amber')
    expect(actionRag(action([{ dueOn: '2019-07-13', evidencedOn: null }]), today)).toBe('amber')
    expect(actionRag(action([{ dueOn: '2019-07-14', evidencedOn: null }]), today)).toBe('green')
    expect(actionRag(action([{ dueOn: '2019-07-01', evidencedOn: '2019-06-01' }]), today)).toBe('green')
  })

  it('is complete when marked complete by the day judged, whatever its milestones', () => {
    expect(actionRag(action([{ dueOn: '2019-01-01', evidencedOn: null }], '2019-06-15'), today)).toBe(
      'complete',
    )
    expect(actionRag(action([{ dueOn: '2019-01-01', evidencedOn: null }], '2019-06-16'), today)).toBe('red')
  })
})

describe('a recommendation’s colour', () => {
  const green = action([{ dueOn: '2019-12-01', evidencedOn: null }])
  const red = action([{ dueOn: '2019-01-01', evidencedOn: null }])
  const done = action([], '2019-05-01')

  it('with no action is red once the report’s time frame has ended, amber before', () => {
    expect(recommendationRag({ dueOn: '2019-06-14', actions: [] }, today)).toBe('red')
    expect(recommendationRag({ dueOn: '2019-06-15', actions: [] }, today)).toBe('amber')
  })

  it('takes its worst action’s colour, and is complete only when every action is', () => {
    expect(recommendationRag({ dueOn: '2017-01-01', actions: [green, done] }, today)).toBe('green')
    expect(recommendationRag({ dueOn: '2017-01-01', actions: [green, red, done] }, today)).toBe('red')
    expect(recommendationRag({ dueOn: '2017-01-01', actions: [done, done] }, today)).toBe('complete')
  })
})
