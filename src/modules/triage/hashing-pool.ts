// Spreads file hashing over worker threads, one per core, so a 2-core laptop hashes two files
// at once (decoding an image is CPU-bound; MD5 and SHA-1 are too, once the disk keeps up).
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { type FileHashes, type HashFileOptions, hashFile } from './file-hasher.ts'

interface Pending {
  resolve: (r: FileHashes) => void
  reject: (e: Error) => void
}

export class HashingPool {
  private readonly workers: Worker[] = []
  private readonly inFlight = new Map<Worker, number>()
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private broken: Error | undefined

  /** `size` 0 hashes in this thread (for tiny runs and debugging). */
  constructor(readonly size = availableParallelism()) {
    // The worker is TypeScript: register tsx's loader in the worker before importing it
    // (loader flags given to the main program do not reach worker threads on Node 20).
    const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./hash-worker.ts', import.meta.url).href)}) })`
    for (let i = 0; i < size; i++) {
      const worker = new Worker(bootstrap, { eval: true })
      worker.on('message', (m: { id: number; result?: FileHashes; error?: string }) => {
        this.inFlight.set(worker, (this.inFlight.get(worker) ?? 1) - 1)
        const p = this.pending.get(m.id)
        this.pending.delete(m.id)
        if (m.result) p?.resolve(m.result)
        else p?.reject(new Error(m.error ?? 'worker failed'))
      })
      worker.on('error', (e) => this.fail(e))
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`hashing worker stopped with code ${code}`))
      })
      this.workers.push(worker)
      this.inFlight.set(worker, 0)
    }
  }

  /** Jobs that can usefully be queued at once (two per worker keeps each busy). */
  get capacity(): number {
    return Math.max(1, this.size * 2)
  }

  hash(file: string, options: HashFileOptions): Promise<FileHashes> {
    if (this.broken) return Promise.reject(this.broken)
    if (this.workers.length === 0) return hashFile(file, options)
    let worker = this.workers[0] as Worker
    for (const w of this.workers)
      if ((this.inFlight.get(w) ?? 0) < (this.inFlight.get(worker) ?? 0)) worker = w
    this.inFlight.set(worker, (this.inFlight.get(worker) ?? 0) + 1)
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ id, file, options })
    })
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.workers.length = 0
  }

  private fail(e: Error): void {
    this.broken = e
    for (const p of this.pending.values()) p.reject(e)
    this.pending.clear()
  }
}
