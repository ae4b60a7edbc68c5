import { Algorithm, hash, parseOptions, verify } from '@node-rs/argon2'

/**
 * argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane): about 20-40 ms a hash on a server
 * core, slow enough to blunt offline guessing of a stolen table and cheap enough for a sign-in page.
 */
export const passwordHashing = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const

export function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashing)
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password)
  } catch {
    return false // a malformed stored hash is a refusal, not a crash
  }
}

/** Whether a stored hash was made with weaker settings than today's, so a successful sign-in re-hashes it. */
export function needsRehash(stored: string): boolean {
  try {
    const options = parseOptions(stored)
    return (
      options.algorithm !== passwordHashing.algorithm ||
      options.memoryCost < passwordHashing.memoryCost ||
      options.timeCost < passwordHashing.timeCost
    )
  } catch {
    return true
  }
}

let dummy: Promise<string> | undefined

/**
 * Checks a password against a hash of nothing in particular, so an unknown username or a locked account
 * takes as long to refuse as a wrong password and timing does not tell them apart.
 */
export async function spendVerifyTime(password: string): Promise<void> {
  dummy ??= hashPassword('not a real password: timing equaliser')
  await verifyPassword(await dummy, password)
}
