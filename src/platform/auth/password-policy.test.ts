import { describe, expect, it } from 'vitest'
import { generatePassword, passwordProblem } from './password-policy.ts'

describe('password policy', () => {
  it.each([
    ['short', 'jo.bloggs', 'Password must be 12 characters or more'],
    ['elevenchars', 'jo.bloggs', 'Password must be 12 characters or more'],
    ['x'.repeat(129), 'jo.bloggs', 'Password must be 128 characters or fewer'],
    ['my-jo.bloggs-secret', 'jo.bloggs', 'Password must not contain the username'],
    ['MY-JO.BLOGGS-SECRET', 'jo.bloggs', 'Password must not contain the username'],
    ['password1234', 'jo.bloggs', 'Password is too common: choose one that is harder to guess'],
    ['Password1234', 'jo.bloggs', 'Password is too common: choose one that is harder to guess'],
    ['QWERTY123456', 'jo.bloggs', 'Password is too common: choose one that is harder to guess'],
    ['zzzzzzzzzzzzzz', 'jo.bloggs', 'Password must not be one character repeated'],
  ])('refuses %j for %s', (password, username, reason) => {
    expect(passwordProblem(password, username)).toBe(reason)
  })

  it.each([
    ['correct horse battery', 'jo.bloggs'],
    ['twelve chars', 'jo.bloggs'],
    ['x'.repeat(128).replace(/^x/, 'y'), 'jo.bloggs'],
    // Characters, not bytes: 12 accented letters are 24 bytes but 12 characters.
    ['éàüöñçéàüöñç', 'jo.bloggs'],
    // A username too short to be meaningful is not searched for.
    ['ab-is-in-here-somewhere', 'ab'],
  ])('accepts %j for %s', (password, username) => {
    expect(passwordProblem(password, username)).toBeUndefined()
  })

  it('generates distinct passwords that meet the policy', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const password = generatePassword('demo.officer')
      expect(passwordProblem(password, 'demo.officer')).toBeUndefined()
      expect(password).toMatch(/^([a-z2-9]{4}-){5}[a-z2-9]{4}$/)
      seen.add(password)
    }
    expect(seen.size).toBe(200)
  })
})
