/**
 * The offline classifier's cost against input size: median time for 0.1, 1 and 10 MB of ordinary
 * prose and of one long word (the input that was quadratic: 10.8 s for 100,000 characters). Linear
 * means the 10 MB time is about 10 × the 1 MB time.
 */
import {classifyTask} from '../src/core/router/heuristic-classifier.js'
import {median} from './startup.js'

export interface ClassifierTiming {
  input: string
  mb: number
  median_ms: number
}

const SIZES = [0.1, 1, 10]
const SHAPES: Record<string, (bytes: number) => string> = {
  prose: (n) => 'fix the failing test in src/parser.ts, then update the README and deploy it. '.repeat(Math.ceil(n / 75)).slice(0, n),
  'one word': (n) => 'a'.repeat(n),
  'hyphen chain': (n) => 'a-'.repeat(Math.ceil(n / 2)).slice(0, n),
}

export function runClassifierBench(rounds = 5): ClassifierTiming[] {
  const rows: ClassifierTiming[] = []
  for (const [input, make] of Object.entries(SHAPES)) {
    for (const mb of SIZES) {
      const text = make(Math.round(mb * 1024 * 1024))
      const samples: number[] = []
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now()
        classifyTask(text)
        samples.push(performance.now() - t0)
      }
      rows.push({input, mb, median_ms: median(samples)})
    }
  }
  return rows
}
