/**
 * A session's events as turns: each prompt starts one, and everything until the next prompt
 * belongs to it. The per-response token rows are folded into their turn's usage (one line:
 * responses, tokens, cost), and the turn's final answer is picked out when Codex logged it.
 */
import type { CostTotals, EventRecord, TokenTotals } from '../../../electron/shared/api';
import type { BeaconEvent } from '../../../electron/shared/event';
import { addCost, costOfEvent, EMPTY_COST } from './cost';
import { EMPTY_TOTALS } from './tokens';

export interface TurnUsage {
  responses: number;
  tokens: TokenTotals;
  cost: CostTotals;
  /** Models that answered in this turn, in order of first use. */
  models: string[];
  /** The token.usage events themselves, for whoever wants to unfold them. */
  records: EventRecord[];
}

export interface Turn {
  /** 1-based. */
  number: number;
  /** The prompt that opened it; null for what happened before the first prompt. */
  prompt: EventRecord | null;
  /** Everything else, in time order, token rows excluded. */
  steps: EventRecord[];
  /** The last final answer logged in the turn (codex.agent_response), if any. */
  answer: EventRecord | null;
  usage: TurnUsage;
  startedAt: string;
  endedAt: string;
}

function n(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

export function usageTotals(ev: BeaconEvent): TokenTotals {
  const u = ev.gen_ai?.usage;
  const input = n(u?.input_tokens);
  const cached = n(u?.cached_input_tokens);
  const output = n(u?.output_tokens);
  const reasoning = n(u?.reasoning_output_tokens);
  return { input, cached_input: cached, output, reasoning, total: n(u?.total_tokens) || input + cached + output + reasoning, codex_tokens_used: input + output + reasoning };
}

function plus(a: TokenTotals, b: TokenTotals): TokenTotals {
  return {
    input: a.input + b.input,
    cached_input: a.cached_input + b.cached_input,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
    total: a.total + b.total,
    codex_tokens_used: a.codex_tokens_used + b.codex_tokens_used,
  };
}

function emptyTurn(number: number, prompt: EventRecord | null, at: string): Turn {
  return { number, prompt, steps: [], answer: null, usage: { responses: 0, tokens: EMPTY_TOTALS, cost: EMPTY_COST, models: [], records: [] }, startedAt: at, endedAt: at };
}

/** `records` oldest first (as the session API returns them). Turn 0 holds what came before any prompt. */
export function groupTurns(records: EventRecord[]): Turn[] {
  const turns: Turn[] = [];
  let current: Turn | null = null;
  for (const r of records) {
    const ev = r.event;
    const action = ev.event?.action;
    if (action === 'prompt.submitted') {
      current = emptyTurn(turns.filter((t) => t.prompt).length + 1, r, ev.timestamp);
      turns.push(current);
      continue;
    }
    if (!current) {
      current = emptyTurn(0, null, ev.timestamp);
      turns.push(current);
    }
    current.endedAt = ev.timestamp;
    if (action === 'token.usage') {
      const u = current.usage;
      u.responses++;
      u.tokens = plus(u.tokens, usageTotals(ev));
      u.cost = addCost(u.cost, costOfEvent(ev));
      const model = ev.gen_ai?.request?.model ?? ev.model;
      if (model && !u.models.includes(model)) u.models.push(model);
      u.records.push(r);
      continue;
    }
    if (action === 'response.completed') current.answer = r;
    current.steps.push(r);
  }
  return turns;
}

/** The session's final answer: the last one logged. */
export function finalAnswer(turns: Turn[]): EventRecord | null {
  for (let i = turns.length - 1; i >= 0; i--) if (turns[i].answer) return turns[i].answer;
  return null;
}
