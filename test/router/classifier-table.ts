/**
 * Tasks as users type them, labelled by hand: the type a careful CTO would give, and the
 * complexity where it is clear-cut (undefined where reasonable people would differ). The offline
 * classifier must get every label right (test/router/heuristic-classifier.test.ts).
 */
import type {Complexity, TaskType} from '../../src/core/providers/spec.js'

export const LABELLED_TASKS: Array<[task: string, type: TaskType, complexity?: Complexity]> = [
  // bash_command
  ['list the files in this folder sorted by size', 'bash_command', 'simple'],
  ['create hello.txt containing hi', 'bash_command', 'simple'],
  ['how much free disk space is left on /home?', 'bash_command', 'simple'],
  ['find every .log file older than 7 days under /var/log and compress it', 'bash_command', 'simple'],
  ['show the running processes that use the most memory', 'bash_command', 'simple'],
  ['kill the process listening on port 3000', 'bash_command', 'simple'],
  ['change the permissions of deploy.sh so only the owner can execute it', 'bash_command', 'simple'],
  ['rename all .jpeg files in ~/Pictures to .jpg', 'bash_command', 'simple'],
  ['set up a cron job that backs up ~/notes to /mnt/backup every night with rsync', 'bash_command'],
  ['write a bash one-liner that counts the lines of every TypeScript file in src', 'bash_command', 'simple'],
  ['extract archive.tar.gz into ./vendor and delete the archive afterwards', 'bash_command', 'simple'],
  ['append the line "export EDITOR=vim" to notes.txt', 'bash_command', 'simple'],
  // coding
  ['fix the failing test in src/parser.ts', 'coding', 'simple'],
  ['Add a --json flag to the list command, then update the tests and the README to document it.', 'coding', 'moderate'],
  ['Write a Python function that returns the n-th Fibonacci number', 'coding', 'simple'],
  ['refactor the payment module to use dependency injection and update all its callers', 'coding'],
  ['implement an LRU cache class in TypeScript with get, set and a capacity limit, plus unit tests', 'coding'],
  ['there is a TypeError: cannot read properties of undefined in checkout.js line 42, debug it', 'coding', 'simple'],
  ['rewrite the whole codebase from JavaScript to TypeScript with strict types', 'coding', 'complex'],
  ['add input validation to the signup endpoint in api/users.py', 'coding', 'simple'],
  ['write a SQL query that returns the ten customers with the highest total order value', 'coding', 'simple'],
  ['create a React component that shows a paginated table of users', 'coding'],
  ['Design and implement a distributed job queue with retries, a dead-letter queue, metrics and an admin UI', 'coding', 'complex'],
  ['Build a complete e-commerce backend from scratch: product catalog, cart, checkout with Stripe, order emails, an admin API and tests', 'coding', 'complex'],
  [
    `Redesign the architecture of the whole codebase to split the monolith into microservices:
1. identify the service boundaries across the entire project
2. migrate the database schema to one database per service
3. set up a distributed message queue between them
4. then write end-to-end tests for every service`,
    'coding',
    'complex',
  ],
  ['write a Python script that prints a random haiku', 'coding', 'simple'],
  ['write a Rust function that returns the n-th line of a poem', 'coding', 'simple'],
  // writing: no type is writing; a programming language's name in it doesn't make it code
  ['write a haiku about rust', 'analysis', 'simple'],
  ['write a short poem about JavaScript closures', 'analysis', 'simple'],
  // research
  ['What is the capital of Australia?', 'research', 'simple'],
  ['Research the history of the transformer architecture and list the key papers with sources', 'research'],
  ['who invented the telephone?', 'research', 'simple'],
  ['explain how TLS 1.3 handshakes differ from TLS 1.2', 'research', 'simple'],
  ['summarise the latest news about the EU AI Act', 'research', 'simple'],
  ['find out which open-source licenses allow commercial use without publishing changes', 'research', 'simple'],
  ['give me an overview of the state of the art in protein folding', 'research', 'simple'],
  ['Which of the following is a noble gas: oxygen, neon or nitrogen?', 'research', 'simple'],
  ['look up the population of Tokyo and cite the source', 'research', 'simple'],
  ['describe the causes of the 2008 financial crisis', 'research', 'simple'],
  ['what are the main differences between Postgres and MySQL?', 'research', 'simple'],
  // analysis
  ["Analyze last month's sales data in sales.csv and report the trends", 'analysis'],
  ['compare the pros and cons of REST and GraphQL for our mobile app', 'analysis'],
  ['review this pull request description and tell me whether the approach is sound', 'analysis'],
  ['estimate how many requests per second our API can handle from these load-test numbers', 'analysis'],
  ['look at the error logs from last night and tell me why the job failed', 'analysis'],
  ['evaluate whether we should migrate from Heroku to AWS given our costs', 'analysis'],
  ['calculate the percentage of churned customers per month from the spreadsheet', 'analysis'],
  ['assess the trade-offs of caching user sessions in Redis versus the database', 'analysis'],
  ['audit our npm dependencies for known vulnerabilities and summarise the risk', 'analysis'],
  ['read the quarterly report and infer which product line is losing money', 'analysis'],
  ['Interpret these A/B results: variant B converted 5.2% of 10,000 users, variant A 4.8% of 10,000. Is the difference significant?', 'analysis'],
  // email
  ['Draft an email to the customer apologising for the delayed shipment', 'email', 'simple'],
  ['Reply to the email from Alice in my inbox about the meeting', 'email', 'simple'],
  ['write a follow-up note to the recruiter thanking her for the interview', 'email', 'simple'],
  ['summarise my unread emails from this week', 'email', 'simple'],
  ['Subject: Q3 planning\nHi team, please find the agenda for Thursday below and tell me what is missing.', 'email'],
  ['send a message to the client saying the invoice is overdue', 'email', 'simple'],
  ['unsubscribe me from the marketing newsletter', 'email', 'simple'],
  ['write a polite reply declining the conference invitation', 'email', 'simple'],
  ['Dear Mr. Smith, thank you for your order. Please proofread this letter before I send it.', 'email', 'simple'],
  ['forward the shipping confirmation email to accounting and cc my manager', 'email', 'simple'],
  // deployment
  ['Deploy the api service to production with the new Docker image and roll back if health checks fail', 'deployment'],
  ['set up GitHub Actions to run the tests on every pull request', 'deployment'],
  ['write a Dockerfile for the Node.js app and a docker-compose file for local development', 'deployment'],
  ['publish version 2.1.0 of the package to npm', 'deployment', 'simple'],
  ['configure nginx as a reverse proxy for the app on port 8080 with HTTPS', 'deployment'],
  ['roll out the new feature flag to 10% of users in staging', 'deployment'],
  ['migrate our Kubernetes cluster to a new region with zero downtime', 'deployment', 'complex'],
  ['restart the web server and check that the systemd service comes back up', 'deployment', 'simple'],
  ['set up Terraform for our AWS infrastructure: a VPC, two subnets, an RDS database and a load balancer', 'deployment'],
  ['release the hotfix to prod tonight', 'deployment', 'simple'],
]

/** Greetings and thanks: no task type fits well, but none of them is an email to write. */
export const NOT_TASKS = ['hi', 'hello there', 'Thanks!', 'ok']
