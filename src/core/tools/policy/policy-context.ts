/**
 * What a policy decision depends on. The home directory is read from `env` at every call (never
 * cached), so a test or a user changing HOME between calls gets the new answer.
 */
import {isAbsolute, resolve} from 'node:path'

import {homeDir} from '../../paths.js'
import {projectRoot} from './project-root.js'
import {defaultToolPolicy} from './policy-defaults.js'
import type {ToolPolicy} from './policy-schema.js'

export interface PolicyContext {
  /** Environment to read HOME and XDG_CONFIG_HOME from. Default: process.env. */
  env?: NodeJS.ProcessEnv
  /** The `tools` config section with defaults filled. Default: defaultToolPolicy. */
  policy?: ToolPolicy
  /** Narrows the root to this folder (the `--workspace` flag); wins over `policy.workspace`. */
  workspace?: string | null
  /** Where relative paths and commands start. Default: the root. */
  cwd?: string
}

/** A policy decision. `rule` is a stable id (e.g. `never-readable`), `reason` is meant for the model. */
export type PolicyDecision = {allowed: true} | {allowed: false; rule: string; reason: string}

export function contextEnv(ctx: PolicyContext): NodeJS.ProcessEnv {
  return ctx.env ?? process.env
}

export function contextPolicy(ctx: PolicyContext): ToolPolicy {
  return ctx.policy ?? defaultToolPolicy
}

export function contextHome(ctx: PolicyContext): string {
  return resolve(homeDir(contextEnv(ctx)))
}

/** Expands a leading `~/` (or a lone `~`) only; `~user` and `$HOME` stay literal. */
export function expandLeadingTilde(p: string, home: string): string {
  if (p === '~') return home
  if (p.startsWith('~/')) return home + p.slice(1)
  return p
}

/**
 * The folder reads and writes must stay in: the workspace when one is set (`--workspace`, then
 * `tools.workspace`), else the project the tools start in: the top-level folder of its git
 * repository, else the folder itself. The whole home folder only when a workspace says `~`.
 */
export function contextRoot(ctx: PolicyContext): string {
  const home = contextHome(ctx)
  const ws = ctx.workspace ?? contextPolicy(ctx).workspace
  if (ws === null || ws === undefined || ws === '') {
    const start = ctx.cwd === undefined ? process.cwd() : resolve(expandLeadingTilde(ctx.cwd, home))
    return projectRoot(start, home)
  }
  const expanded = expandLeadingTilde(ws, home)
  return isAbsolute(expanded) ? resolve(expanded) : resolve(home, expanded)
}

export function contextCwd(ctx: PolicyContext): string {
  if (ctx.cwd === undefined) return contextRoot(ctx)
  return resolve(contextRoot(ctx), expandLeadingTilde(ctx.cwd, contextHome(ctx)))
}

export function refuse(rule: string, reason: string): PolicyDecision {
  return {allowed: false, rule, reason}
}
