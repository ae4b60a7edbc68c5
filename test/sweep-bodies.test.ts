import { describe, expect, it } from 'vitest'
import { instanceOf, postForms } from './sweep-bodies.ts'

const now = new Date('2026-03-10T12:00:00Z')

describe('the sweep’s write bodies', () => {
  it('fills a page’s posting forms as a person would, and leaves searches alone', () => {
    const html = `
      <form method="get" action="/people"><input name="q"></form>
      <form method="post" action="/pacs/abc/review" novalidate>
        <input type="hidden" name="_csrf" value="t"><input type="hidden" name="version" value="3">
        <input type="radio" name="decision" value="approved"><input type="radio" name="decision" value="returned">
        <input name="at-day" value=""><input name="at-month"><input name="at-year">
        <textarea name="note"></textarea>
        <select name="team"><option value="">Choose</option><option value="t1">One</option></select>
        <button type="submit">Save</button>
      </form>`
    expect(postForms(html, now)).toEqual([
      {
        action: '/pacs/abc/review',
        fields: [
          ['version', '3'],
          ['decision', 'approved'],
          ['at-day', '9'],
          ['at-month', '3'],
          ['at-year', '2026'],
          ['note', 'Sweep'],
          ['team', 't1'],
        ],
      },
    ])
  })

  it('makes a minimal instance of a documented request', () => {
    const schema = {
      type: 'object',
      required: ['text', 'at', 'kind', 'count', 'items'],
      properties: {
        text: { type: 'string', minLength: 8 },
        at: { type: 'string', format: 'date-time' },
        kind: { type: 'string', enum: ['a', 'b'] },
        count: { type: 'integer', minimum: 0 },
        items: { type: 'array', minItems: 1, items: { type: 'boolean' } },
        optional: { type: 'string' },
      },
    }
    expect(instanceOf(schema, now)).toEqual({
      text: 'Sweepxxx',
      at: '2026-03-09T10:00:00Z',
      kind: 'a',
      count: 1,
      items: [false],
    })
  })
})
