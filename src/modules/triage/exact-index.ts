// Exact hash lookup (MD5, SHA-1) over millions of entries: keys packed end to end in one sorted
// Buffer, searched by bisection. 16 or 20 bytes a key plus 4 for its record number, instead of a
// Map with a string and an object per hash.

export class SortedHashIndex {
  private constructor(
    readonly keyBytes: number,
    private readonly keys: Buffer,
    private readonly refs: Uint32Array,
  ) {}

  get size(): number {
    return this.refs.length
  }

  /** Record numbers of every entry equal to `key` (a list may hold the same hash twice). */
  lookup(key: Buffer): number[] {
    if (key.length !== this.keyBytes) return []
    const k = this.keyBytes
    let lo = 0
    let hi = this.refs.length
    // Buffer#compare(target, ...) orders this buffer's slice against the target: < 0 means
    // the stored key sorts before `key`.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.keys.compare(key, 0, k, mid * k, mid * k + k) < 0) lo = mid + 1
      else hi = mid
    }
    const found: number[] = []
    for (let i = lo; i < this.refs.length && this.keys.compare(key, 0, k, i * k, i * k + k) === 0; i++) {
      found.push(this.refs[i] as number)
    }
    return found
  }

  lookupHex(hex: string): number[] {
    return this.lookup(Buffer.from(hex, 'hex'))
  }

  static builder(keyBytes: number): SortedHashIndexBuilder {
    return new SortedHashIndexBuilder(keyBytes)
  }

  /** @internal */
  static fromSorted(keyBytes: number, keys: Buffer, refs: Uint32Array): SortedHashIndex {
    return new SortedHashIndex(keyBytes, keys, refs)
  }
}

export class SortedHashIndexBuilder {
  private keys: Buffer
  private refs: Uint32Array
  private count = 0

  constructor(readonly keyBytes: number) {
    this.keys = Buffer.alloc(keyBytes * 1024)
    this.refs = new Uint32Array(1024)
  }

  add(hex: string, ref: number): void {
    if (this.count === this.refs.length) {
      const keys = Buffer.alloc(this.keys.length * 2)
      this.keys.copy(keys)
      this.keys = keys
      const refs = new Uint32Array(this.refs.length * 2)
      refs.set(this.refs)
      this.refs = refs
    }
    const written = this.keys.write(hex, this.count * this.keyBytes, this.keyBytes, 'hex')
    if (written !== this.keyBytes) throw new Error(`hash ${hex} is not ${this.keyBytes * 2} hex digits`)
    this.refs[this.count++] = ref
  }

  build(): SortedHashIndex {
    const k = this.keyBytes
    const n = this.count
    const keys = this.keys
    // Sort a permutation: compare the first 4 bytes as a number, falling back to the full key.
    const lead = new Uint32Array(n)
    for (let i = 0; i < n; i++) lead[i] = keys.readUInt32BE(i * k)
    const order = new Uint32Array(n)
    for (let i = 0; i < n; i++) order[i] = i
    order.sort((a, b) => {
      const la = lead[a] as number
      const lb = lead[b] as number
      if (la !== lb) return la < lb ? -1 : 1
      return keys.compare(keys, b * k, b * k + k, a * k, a * k + k) || a - b
    })
    const sortedKeys = Buffer.alloc(n * k)
    const sortedRefs = new Uint32Array(n)
    for (let i = 0; i < n; i++) {
      const from = order[i] as number
      keys.copy(sortedKeys, i * k, from * k, from * k + k)
      sortedRefs[i] = this.refs[from] as number
    }
    return SortedHashIndex.fromSorted(k, sortedKeys, sortedRefs)
  }
}
