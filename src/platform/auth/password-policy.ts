import { randomInt } from 'node:crypto'

export const minimumPasswordLength = 12
export const maximumPasswordLength = 128

/**
 * Passwords people reach for when told "at least 12 characters". Shorter favourites already fail on length,
 * so the list holds only long ones; it is a floor, not a substitute for a breached-password service.
 */
const commonPasswords = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789abc',
  '1q2w3e4r5t6y',
  'aaaaaaaaaaaa',
  'abc123456789',
  'abcdefghijkl',
  'changeme1234',
  'iloveyou1234',
  'letmein12345',
  'password1234',
  'password123!',
  'password12345',
  'passwordpassword',
  'p@ssw0rd1234',
  'qwerty123456',
  'qwertyuiop12',
  'qwertyuiopas',
  'trustno1trustno1',
  'welcome12345',
  'welcome123456',
  'administrator',
  'administrator1',
  'metpolice123',
  'metropolitan1',
  'policepolice',
  'police123456',
  'kestrel12345',
  'kestrelkestrel',
])

/**
 * Why a password is refused, in words to show beside the field, or undefined when it is acceptable.
 * Length is counted in characters as a person sees them, not in bytes.
 */
export function passwordProblem(password: string, username: string): string | undefined {
  const length = [...password].length
  if (length < minimumPasswordLength) return `Password must be ${minimumPasswordLength} characters or more`
  if (length > maximumPasswordLength) return `Password must be ${maximumPasswordLength} characters or fewer`
  const lower = password.toLowerCase()
  const name = username.trim().toLowerCase()
  if (name.length >= 3 && lower.includes(name)) return 'Password must not contain the username'
  if (commonPasswords.has(lower)) return 'Password is too common: choose one that is harder to guess'
  if (new Set(password).size === 1) return 'Password must not be one character repeated'
  return undefined
}

// No 0/o, 1/l/i: a generated password is read off a screen and typed by hand.
const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'

/**
 * A random password of 6 groups of 4 characters (about 119 bits), easy to read aloud and type. It meets the
 * policy by construction; the username check is repeated because chance could spell it.
 */
export function generatePassword(username = ''): string {
  for (;;) {
    const groups: string[] = []
    for (let g = 0; g < 6; g++) {
      let group = ''
      for (let c = 0; c < 4; c++) group += alphabet[randomInt(alphabet.length)]
      groups.push(group)
    }
    const password = groups.join('-')
    if (!passwordProblem(password, username)) return password
  }
}
