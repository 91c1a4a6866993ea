/**
 * The local heuristic classifier: decides {complexity, type} from the words and the shape of a
 * task when the CTO model can't be reached or answers garbage, for `cto task --dry-run` without
 * keys, and for `cto bench replay --types heuristic`.
 *
 * Type: each task type has weighted cues (words, phrases, patterns); the type with the highest
 * score wins, ties broken by the order of TYPE_PRIORITY (a cue may weigh against a type). No type above 0: a question is `research`,
 * anything else `analysis`.
 * Complexity: points for length, steps (numbered lines, bullets, "then": one point from the first, another from the third), several files or systems,
 * several deliverables (tests, README, docs, config, ...), and words of scale ("architecture", "migrate", "across", ...); points off for words of
 * smallness ("quick", "just", "one-line", ...). ≤ 1 point simple, 2–3 moderate, ≥ 4 complex.
 */
import type {Complexity, TaskType} from '../providers/spec.js'

export interface HeuristicClassification {
  complexity: Complexity
  type: TaskType
  /** One line saying what decided it, for `--verbose` and the `reason` field. */
  reason: string
  /** Score per type (for `--explain`). */
  typeScores: Record<TaskType, number>
  complexityPoints: number
}

/**
 * A cue: a pattern and its weight, or two patterns that must both be in the text. Every pattern
 * here takes time linear in the text: no unbounded repetition followed by something that can fail
 * (what made `\w+\.(ts|js)` quadratic in the length of a word: 10.8 s for one 100,000-character
 * word), `[ \t]` where `\s` would run across lines, and "A … B" as two searches instead of `A.*B`.
 */
type Cue = [RegExp, number] | [RegExp, RegExp, number]

/** A code file's name: one name character before `.ext`, enough to tell "parser.ts" from ".ts" (the whole name would be rescanned from every letter). */
const CODE_FILE = /(?<!\b(node|vue|next|nuxt|express|three|d3|chart))[\w-]\.(ts|tsx|js|jsx|mjs|cjs|py|rs|go|java|rb|cpp|cc|c|h|hpp|cs|php|swift|kt|scala|sql|css|scss|html|vue)\b/i
const PLAIN_FILE = /[\w-]\.(txt|md|log|csv|tsv|ini|env|conf)\b/i

const TYPE_CUES: Record<TaskType, Cue[]> = {
  email: [
    [/\be-?mails?\b/i, 4],
    [/\binbox\b/i, 3],
    [/\b(reply|respond) to\b/i, /\b(message|him|her|them|client|customer|email)\b/i, 2],
    [/\b(reply|respond|write back|cover letter)\b/i, 1],
    [/\b(follow-?up|thank-?you) (note|message|letter|e-?mail)\b/i, 3],
    [/\bthank(s|ing)? (her|him|them|you)\b/i, 1],
    [/\b(invitation|rsvp|out of office|out-of-office)\b/i, 2],
    [/\bsubject:/i, 2],
    // A letter's salutation, "Hi Anna," — not a bare "hi".
    [/^[ \t]*(dear|hi|hello)([ \t]+[a-z][\w.-]{0,30}){1,3}[ \t]*,/im, 2],
    [/\b(newsletter|cc|bcc|unsubscribe|mailing list)\b/i, 2],
    [/\bsend (a |an )?(message|note|follow-?up)\b/i, 2],
    [/\bagentmail\b/i, 4],
  ],
  deployment: [
    // Not deploy.sh, a file name.
    [/\bdeploy(s|ed|ing|ment)?\b(?!\.\w)/i, 4],
    [/\b(dockerfile|docker-compose|helm chart|reverse proxy|load balancer|tls certificates?|ssl certificates?)\b/i, 3],
    [/\b(release|rollout|roll out|roll back|rollback)\b/i, 2],
    [/\b(production|staging|prod)\b/i, 2],
    [/\b(kubernetes|k8s|helm|terraform|ansible|docker(file)?|compose|container)\b/i, 2],
    [/\b(ci\/cd|ci|cd|pipeline|github actions|workflow)\b/i, 1],
    [/\b(nginx|systemd|server|vercel|heroku|aws|gcp|azure|cloudflare|fly\.io)\b/i, 1],
    [/\bpublish\b/i, /\b(npm|package|pypi|crate)\b/i, 2],
  ],
  bash_command: [
    [/\b(bash|shell|terminal|command line|cli command|one-liner|zsh)\b/i, 3],
    [/\b(run|execute)\b/i, /\b(command|script)\b/i, 2],
    [/(^|\s)\$ \S/m, 2],
    [/`(ls|cd|grep|find|cat|chmod|chown|mkdir|rm|mv|cp|tar|curl|wget|ps|kill|df|du|git|npm|apt|brew|sed|awk)\b[^`]{0,200}`/i, 3],
    [/\b(ls|grep|chmod|chown|mkdir|tar|curl|wget|df|du|sed|awk|crontab|cron|ssh|scp|rsync)\b/i, 2],
    [/\b(disk (space|usage)|free space|running processes|list (the )?files|file permissions|environment variables?|symlink)\b/i, 2],
    [/\b(rename|move|copy|delete|remove|compress|extract|zip|unzip|find|locate)\b/i, /\b(files?|folders?|director(y|ies))\b/i, 2],
    [/\b(kill|pkill|killall|lsof|netstat|pid)\b/i, 2],
    [/\b(processes|listening on port|port \d{1,5}|permissions?)\b/i, 1],
    [/[\w-]\.(sh|bash|zsh)\b|\b(\.bashrc|\.zshrc|\.profile)\b/i, 2],
    // Making or changing a plain file on disk ("create hello.txt containing hi").
    [/\b(create|make|touch|write|save|append|add)\b/i, PLAIN_FILE, 3],
  ],
  coding: [
    [/\b(code|coding|program|function|method|class|module|library|script)\b/i, 2],
    [/\b(implement|refactor|debug|bug|fix|compile|type ?error|stack trace|exception|unit tests?|test suite)\b/i, 2],
    [/\b(python|typescript|javascript|java|rust|golang|go|c\+\+|ruby|php|sql|react|node(\.js)?|html|css|regex)\b/i, 2],
    [/\b(api|endpoint|database schema|algorithm|data structure|linked list|array|string|integer|recursion)\b/i, 1],
    [/```|\bdef [a-z_]\w{0,60}\(|\bfunction [a-z_$][\w$]{0,60}\(|=>|\bconst [a-z_$][\w$]{0,60} =|\breturn\b/i, 3],
    [CODE_FILE, 3],
    [/\bwrite (a|an) (python |js |javascript |typescript )?(function|program|script|class|method)\b/i, 3],
    [/\b(build|create|implement|develop)\b/i, /\b(backend|frontend|app|application|web ?site|service|api|cli|library|component|plugin|sdk)\b/i, 3],
    [/\b(tests?|readme|flags?|feature|field|parser|component|interface|type ?check|lint|build)\b/i, 1],
    [/(^|\s)--[a-z][\w-]*/, 1],
    // Verse and jokes are writing, not code: "a haiku about rust" is not a Rust task. A task that is
    // code (a script that prints a poem) keeps enough of its own cues to stay coding.
    [/\b(haikus?|poems?|poetry|limericks?|lyrics|jokes?|short story)\b/i, -3],
  ],
  research: [
    [/\b(research|investigate|look up|find out|literature|sources?|citations?|references?)\b/i, 3],
    [/\b(what is|what are|who (is|was|were)|when (did|was)|where (is|was|do)|history of|overview of)\b/i, 2],
    [/\b(explain|describe|summari[sz]e|learn about|state of the art|latest|news)\b/i, 2],
    [/\b(which of the following|best answer|multiple choice|true or false)\b/i, 2],
    [/\b(science|scientific|biology|physics|chemistry|geography|astronomy|history)\b/i, 1],
    [/\?[ \t]*$/m, 1],
  ],
  analysis: [
    [/\b(analy[sz]e|analysis|evaluate|assess|review|audit|compare|contrast|trade-?offs?|pros and cons)\b/i, 3],
    [/\b(data|dataset|csv|spreadsheet|metrics?|statistics?|trends?|chart|report|numbers|logs?)\b/i, 2],
    [/\b(why|reason(ing)?|infer|deduce|conclude|cause|implications?|whether)\b/i, 1],
    [/\b(fill in the blank|_+|option [12ab]|which (one|option))\b/i, 1],
    [/\b(estimate|forecast|calculate|probability|percent(age)?)\b/i, 2],
    [/\b(significan(t|ce)|interpret|correlat(e|ion|ed)|conversion rate|a\/b|variance|median)\b/i, 2],
    [/\d%/, 1],
  ],
}

/** Whether a cue is in the text: one search, or two. */
function cueMatches(text: string, cue: Cue): boolean {
  return cue.length === 2 ? cue[0].test(text) : cue[0].test(text) && cue[1].test(text)
}

function cueWeight(cue: Cue): number {
  return cue[cue.length - 1] as number
}

/** Tie-break order: the more specific types first. */
const TYPE_PRIORITY: TaskType[] = ['email', 'deployment', 'bash_command', 'coding', 'analysis', 'research']

const COMPLEX_WORDS =
  /\b(architect(ure)?|design (a|the) system|redesign|migrat(e|ion)|rewrite|entire|whole (code ?base|project|system)|across (the|all|multiple)|end-to-end|distributed|scalab(le|ility)|concurren(t|cy)|security audit|microservices?|multi-(step|stage|service|tenant)|from scratch|comprehensive|in depth|thorough(ly)?|production-ready|optimi[sz]e performance|design and (implement|build)|(build|create|write) (a|an|the) (complete|full|whole|entire)|zero downtime)\b/i
const SMALL_WORDS =
  /\b(quick(ly)?|just|simple|single|one-?line(r)?|small|tiny|short|briefly|rename|typo|what is|how many)\b/i

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** Matches of `re` in the text, counted without building an array of them (a 10 MB task has millions of words). */
function countMatches(text: string, re: RegExp): number {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)
  let n = 0
  for (let m = global.exec(text); m !== null; m = global.exec(text)) {
    n++
    if (m[0].length === 0) global.lastIndex++
  }
  return n
}

export function classifyTask(text: string): HeuristicClassification {
  const task = text.trim()
  const typeScores = Object.fromEntries(
    (Object.keys(TYPE_CUES) as TaskType[]).map((type) => [
      type,
      TYPE_CUES[type].reduce((sum, cue) => sum + (cueMatches(task, cue) ? cueWeight(cue) : 0), 0),
    ]),
  ) as Record<TaskType, number>

  let type: TaskType = /\?[ \t]*$/m.test(task) ? 'research' : 'analysis'
  let best = 0
  for (const candidate of TYPE_PRIORITY) {
    if (typeScores[candidate] > best) {
      best = typeScores[candidate]
      type = candidate
    }
  }

  const words = countMatches(task, /\S+/)
  const steps = countMatches(task, /^[ \t]*(\d{1,4}[.)]|[-*•])[ \t]+/m) + countMatches(task, /\b(then|after that|finally|and also)\b/i)
  const files = countMatches(task, /[\w-]\.(ts|js|py|rs|go|java|rb|json|ya?ml|toml|md|sh|sql)\b/)
  let points = 0
  if (words > 40) points += 1
  if (words > 120) points += 1
  if (words > 300) points += 1
  if (steps >= 1) points += 1
  if (steps >= 3) points += 1
  if (files >= 3) points += 1
  // Several deliverables (code and its tests and its docs...) make a task at least moderate.
  if (countMatches(task, /\b(tests?|readme|docs?|documentation|config(uration)?|schema|migrations?|changelog|flags?|commands?)\b/i) >= 3) points += 1
  const bigWords = countMatches(task, COMPLEX_WORDS)
  points += Math.min(bigWords, 3) * 2
  if (SMALL_WORDS.test(task) && bigWords === 0 && steps === 0) points -= 1
  if (type === 'deployment' && /\b(production|prod)\b/i.test(task)) points += 1
  const complexity: Complexity = points <= 1 ? 'simple' : points <= 3 ? 'moderate' : 'complex'

  const reason =
    best === 0
      ? `no type cue matched; ${type === 'research' ? 'a question' : 'not a question'}; ${count(words, 'word')}, ${complexity}`
      : `cues for ${type} (score ${best}); ${count(words, 'word')}, ${count(steps, 'step')}, ${complexity} (${count(points, 'point')})`
  return {complexity, type, reason, typeScores, complexityPoints: points}
}
