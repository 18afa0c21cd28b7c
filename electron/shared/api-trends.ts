/**
 * GET /api/trends: cost and tokens per day by model, failure rate, most-run commands and the
 * costliest sessions (part of the dashboard API contract in api.ts, which re-exports this).
 * Types only, like api.ts: the renderer imports it.
 */
import type { CostTotals, TokenTotals } from './api';

// GET /api/trends?days=30&tz_offset=<minutes, as Date.getTimezoneOffset()>

export const TRENDS_DEFAULT_DAYS = 30;
export const TRENDS_MAX_DAYS = 366;

export interface TrendDay {
  /** The local day (per tz_offset), YYYY-MM-DD. */
  day: string;
  tokens: TokenTotals;
  cost: CostTotals;
  /** The same, per model (largest cost first). */
  by_model: Array<{ model: string | null; tokens: TokenTotals; cost: CostTotals }>;
  /** Codex sessions that started that day. */
  sessions: number;
  commands: number;
  command_failures: number;
}

export interface CommandCount {
  /** The program and, for tools with subcommands, the subcommand: "npm test", "git status", "pytest". */
  command: string;
  runs: number;
  failures: number;
}

export interface SessionCost {
  id: string;
  title: string | null;
  repository: string | null;
  started_at: string;
  model: string | null;
  tokens: number;
  cost: CostTotals;
}

/** User sessions only (title generation and Beacon validation left out). */
export interface TrendsResponse {
  days: number;
  /** Every day of the range, oldest first, empty ones included. */
  daily: TrendDay[];
  totals: { tokens: TokenTotals; cost: CostTotals; sessions: number; commands: number; command_failures: number };
  /** Models over the whole range, largest cost first. */
  models: Array<{ model: string | null; tokens: TokenTotals; cost: CostTotals }>;
  /** The most-run commands, most first (at most 10). Empty when commands were withheld (metadata policy). */
  top_commands: CommandCount[];
  /** Commands whose text was withheld by the content policy, so they cannot be named. */
  commands_withheld: number;
  /** The costliest sessions of the range, most first (at most 10). */
  session_costs: SessionCost[];
}

