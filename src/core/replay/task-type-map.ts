/**
 * Maps a benchmark's `eval_name` to a cto task type (replay `--types eval_name`). Names no rule
 * knows fall back to the heuristic classifier on the prompt. This knows benchmark names, not
 * outcomes: the router itself learns per task type from the store.
 */
import type {TaskType} from '../providers/spec.js'
import {classifyTask} from '../router/heuristic-classifier.js'

const EVAL_NAME_RULES: Array<[RegExp, TaskType]> = [
  [/mbpp|humaneval|code|apps|ds-?1000|spider|sql/i, 'coding'],
  [/gsm|math|winogran?de|hellaswag|reason|logic|bbh|piqa|boolq/i, 'analysis'],
  [/arc|mmlu|qa\b|trivia|science|knowledge|research|truthful/i, 'research'],
]

export type TypeSource = 'eval_name' | 'heuristic'

export function taskTypeFor(evalName: string, prompt: string, source: TypeSource): TaskType {
  if (source === 'eval_name') {
    for (const [re, type] of EVAL_NAME_RULES) if (re.test(evalName)) return type
  }
  return classifyTask(prompt).type
}
