import {describe, expect, it} from 'vitest'
import {classifyTask} from '../../src/core/router/heuristic-classifier.js'
import {LABELLED_TASKS, NOT_TASKS} from './classifier-table.js'

describe('classifyTask', () => {
  it.each([
    ['List the files in /var/log sorted by size and show the disk usage with du', 'bash_command'],
    ['Run the shell command `grep -r TODO src` and count the matches', 'bash_command'],
    ['Fix the bug in src/parser.ts where the tokenizer throws a TypeError on empty input', 'coding'],
    ['Write a Python function that returns the n-th Fibonacci number', 'coding'],
    ['Research the history of the transformer architecture and list the key papers with sources', 'research'],
    ['What is the capital of Australia?', 'research'],
    ['Analyze last month\'s sales data in sales.csv and report the trends', 'analysis'],
    ['Draft an email to the customer apologising for the delayed shipment', 'email'],
    ['Reply to the email from Alice in my inbox about the meeting', 'email'],
    ['Deploy the api service to production with the new Docker image and roll back if health checks fail', 'deployment'],
  ])('%s → %s', (text, type) => {
    expect(classifyTask(text).type).toBe(type)
  })

  it('calls a one-line question simple', () => {
    expect(classifyTask('What is 2 + 2?').complexity).toBe('simple')
  })

  it('calls a short multi-step coding task moderate', () => {
    const c = classifyTask('Add a --json flag to the list command, then update the tests and the README to document it.')
    expect(c.type).toBe('coding')
    expect(c.complexity).toBe('moderate')
  })

  it('calls a large design task complex', () => {
    const task = `Redesign the architecture of the whole codebase to split the monolith into microservices:
1. identify the service boundaries across the entire project
2. migrate the database schema to one database per service
3. set up a distributed message queue between them
4. then write end-to-end tests for every service`
    const c = classifyTask(task)
    expect(c.complexity).toBe('complex')
  })

  it('falls back on the shape when no cue matches', () => {
    expect(classifyTask('zorp blat quux?').type).toBe('research')
    expect(classifyTask('zorp blat quux').type).toBe('analysis')
    expect(classifyTask('zorp blat quux').reason).toMatch(/no type cue/)
  })

  it('returns the score of every type for --explain', () => {
    const c = classifyTask('deploy to production')
    expect(c.typeScores.deployment).toBeGreaterThan(c.typeScores.coding)
  })

  it('gets every labelled task right (type, and complexity where the label gives one)', () => {
    expect(LABELLED_TASKS.length).toBeGreaterThanOrEqual(60)
    const wrong = LABELLED_TASKS.flatMap(([task, type, complexity]) => {
      const c = classifyTask(task)
      return c.type === type && (complexity === undefined || c.complexity === complexity) ? [] : [`${task.slice(0, 60)}: ${c.type}/${c.complexity}, want ${type}/${complexity ?? 'any'}`]
    })
    expect(wrong).toEqual([])
  })

  it('calls "create hello.txt containing hi" a bash command, and a greeting no email', () => {
    expect(classifyTask('create hello.txt containing hi')).toMatchObject({type: 'bash_command', complexity: 'simple'})
    for (const text of NOT_TASKS) {
      const c = classifyTask(text)
      expect(c.type, text).not.toBe('email')
      expect(c.complexity, text).toBe('simple')
    }
  })

  // Not a speed claim (bench/classifier-bench.ts measures that): a quadratic classifier needs
  // 10.8 s for one 100,000-character word and hours for these inputs; a linear one, milliseconds.
  it('finishes on inputs that made it quadratic: megabyte words, hyphen chains, blank lines', {timeout: 20_000}, () => {
    const inputs = [
      'a'.repeat(2_000_000),
      Array.from({length: 10}, () => 'x'.repeat(200_000)).join(' '),
      'a-'.repeat(1_000_000),
      `${'\n'.repeat(2_000_000)}hi`,
      `def ${'a'.repeat(2_000_000)}`,
      `run ${'x'.repeat(2_000_000)} command`,
      '_'.repeat(2_000_000) + 'a',
    ]
    for (const text of inputs) expect(['simple', 'moderate', 'complex']).toContain(classifyTask(text).complexity)
  })
})
