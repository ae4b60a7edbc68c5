/**
 * A sliding-window limit on attempts per key (the client's IP address for sign-in): at most `limit` in any
 * `windowMs`. Kept in memory, so each application process counts on its own; with several processes the
 * effective limit is per process, and the per-account lockout still bounds guessing at any one account.
 */
export class SlidingWindowLimiter {
  private readonly attempts = new Map<string, number[]>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    // Bounds memory under a flood of distinct addresses; the oldest keys are forgotten first.
    readonly maxKeys = 10_000,
  ) {}

  /** Records an attempt at `nowMs` and says whether it is allowed and, if not, how long to wait. */
  attempt(key: string, nowMs: number): { allowed: boolean; retryAfterSeconds: number } {
    const since = nowMs - this.windowMs
    const recent = (this.attempts.get(key) ?? []).filter((at) => at > since)
    if (recent.length >= this.limit) {
      this.remember(key, recent)
      const oldest = recent[0] ?? nowMs
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - nowMs) / 1000)),
      }
    }
    recent.push(nowMs)
    this.remember(key, recent)
    return { allowed: true, retryAfterSeconds: 0 }
  }

  private remember(key: string, times: number[]) {
    this.attempts.delete(key) // re-inserting keeps the Map in least-recently-used order
    this.attempts.set(key, times)
    while (this.attempts.size > this.maxKeys) {
      const oldest = this.attempts.keys().next().value
      if (oldest === undefined) break
      this.attempts.delete(oldest)
    }
  }
}
