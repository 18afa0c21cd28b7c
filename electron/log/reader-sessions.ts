/**
 * Per-session rollups, maintained one event at a time so the dashboard never rescans the log
 * to answer "what did this session do and cost". Also the token arithmetic shared with the
 * token-over-time report: events already carry disjoint counts (design.md "Token arithmetic"),
 * so totals are plain sums and nothing is counted twice.
 */
import { FIRST_PROMPT_MAX, type SessionGitInfo, type SessionRollup, type TokenTotals } from '../shared/api';
import type { BeaconEvent, TokenUsage } from '../shared/event';
import { isBeaconValidation, isFailedFileChange, isFailedPatch } from '../shared/event-facts';
import { addCost, emptyCost, snapshotCost } from './cost-totals';
import { repositoryFromRemote, titleFromPrompt } from './session-facts';

export function emptyTokens(): TokenTotals {
  return { input: 0, cached_input: 0, output: 0, reasoning: 0, total: 0, codex_tokens_used: 0 };
}

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

/** Add one event's usage to a running total. Missing/garbage counts add nothing. */
export function addUsage(into: TokenTotals, usage: Partial<TokenUsage> | undefined): void {
  if (!usage || typeof usage !== 'object') return;
  const input = count(usage.input_tokens);
  const cached = count(usage.cached_input_tokens);
  const output = count(usage.output_tokens);
  const reasoning = count(usage.reasoning_output_tokens);
  into.input += input;
  into.cached_input += cached;
  into.output += output;
  into.reasoning += reasoning;
  // Trust the writer's total when present (it may include fields we do not split out);
  // otherwise the disjoint parts sum to it by definition.
  into.total += count(usage.total_tokens) || input + cached + output + reasoning;
  // Codex's "tokens used" = its input - cached + its output = our disjoint input + output + reasoning.
  into.codex_tokens_used += input + output + reasoning;
}

export function usageOf(ev: BeaconEvent): Partial<TokenUsage> | undefined {
  return ev.event.action === 'token.usage' ? ev.gen_ai?.usage : undefined;
}

/** The session an event belongs to: session.id, else the gen_ai conversation id. */
export function sessionIdOf(ev: BeaconEvent): string | undefined {
  const id = ev.session?.id ?? ev.gen_ai?.conversation?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

export function modelOf(ev: BeaconEvent): string | undefined {
  const m = ev.model ?? ev.gen_ai?.request?.model;
  return typeof m === 'string' && m.length > 0 ? m : undefined;
}

export function isTitleGeneration(ev: BeaconEvent): boolean {
  return ev.session?.title_generation === true;
}

function isCommandFailure(ev: BeaconEvent): boolean {
  const c = ev.command;
  if (!c) return false;
  if (c.success === false) return true;
  return typeof c.exit_code === 'number' && c.exit_code !== 0 && c.success !== true;
}

function isError(ev: BeaconEvent): boolean {
  const a = ev.event.action;
  return a === 'session.error' || a === 'tool.failed' || isFailedFileChange(ev) || (ev.error !== undefined && ev.error !== null);
}

function oneLine(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function lastSegment(path: string): string | null {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.length ? parts[parts.length - 1] : null;
}

/** Running state of one session; `toRollup()` snapshots it for the API. */
export class SessionAccumulator {
  private startedMs = Infinity;
  private lastMs = -Infinity;
  private startedAt = '';
  private lastAt = '';
  private workingDirectory: string | null = null;
  private repository: string | null = null;
  /** Where the repository name came from: a CI run beats a git remote beats a directory name. */
  private repositoryRank = 0;
  private git: SessionGitInfo | null = null;
  private model: string | null = null;
  private originator: string | null = null;
  private harness: string | null = null;
  private events = 0;
  private prompts = 0;
  private commands = 0;
  private commandFailures = 0;
  private allowed = 0;
  private denied = 0;
  private readonly files = new Set<string>();
  /** By call id: the older form wrote one file.modified per file of the same failed call. */
  private readonly failedPatchCalls = new Set<string>();
  private failedPatchesWithoutId = 0;
  private errors = 0;
  private readonly tokens = emptyTokens();
  private readonly cost = emptyCost();
  private lastPromptMs = -Infinity;
  private lastAnswerMs = -Infinity;
  private titleGeneration = false;
  private validation = false;
  private firstPrompt: string | null = null;
  private firstPromptMs = Infinity;
  private firstPromptText: string | null = null;

  constructor(readonly id: string) {}

  add(ev: BeaconEvent, timeMs: number): void {
    this.events++;
    // Events can arrive slightly out of order across Codex processes: track min/max, not first/last.
    if (timeMs < this.startedMs) {
      this.startedMs = timeMs;
      this.startedAt = ev.timestamp;
    }
    if (timeMs >= this.lastMs) {
      this.lastMs = timeMs;
      this.lastAt = ev.timestamp;
      const m = modelOf(ev);
      if (m) this.model = m;
    } else if (!this.model) {
      this.model = modelOf(ev) ?? null;
    }
    const wd = ev.session?.working_directory;
    if (typeof wd === 'string' && wd && !this.workingDirectory) {
      this.workingDirectory = wd;
      this.nameRepository(lastSegment(wd), 1);
    }
    const g = ev.session?.git;
    if (g && typeof g === 'object' && !this.git) {
      const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
      this.git = { repository_url: str(g.repository_url), branch: str(g.branch), commit: str(g.commit) };
      if (this.git.repository_url) this.nameRepository(repositoryFromRemote(this.git.repository_url), 2);
    }
    const repo = ev.run?.repository;
    if (typeof repo === 'string' && repo) this.nameRepository(repo, 3);
    if (!this.originator && typeof ev.harness?.originator === 'string') this.originator = ev.harness.originator;
    if (!this.harness && typeof ev.harness?.name === 'string') this.harness = ev.harness.name;
    if (isTitleGeneration(ev)) this.titleGeneration = true;
    if (isBeaconValidation(ev)) this.validation = true;

    switch (ev.event.action) {
      case 'prompt.submitted': {
        this.prompts++;
        const text = ev.prompt?.text;
        if (timeMs > this.lastPromptMs) this.lastPromptMs = timeMs;
        if (typeof text === 'string' && text.trim() && timeMs < this.firstPromptMs) {
          this.firstPromptMs = timeMs;
          this.firstPrompt = oneLine(text, FIRST_PROMPT_MAX);
          // The title wants the first line of the text, which oneLine() has joined with the rest.
          this.firstPromptText = text.slice(0, FIRST_PROMPT_MAX * 2);
        }
        break;
      }
      case 'command.executed':
        this.commands++;
        if (isCommandFailure(ev)) this.commandFailures++;
        break;
      case 'approval.allowed':
        this.allowed++;
        break;
      case 'approval.denied':
        this.denied++;
        break;
      case 'file.modified':
        if (ev.file && typeof ev.file.path === 'string' && !isFailedFileChange(ev)) this.files.add(ev.file.path);
        break;
      case 'token.usage':
        addUsage(this.tokens, ev.gen_ai?.usage);
        addCost(this.cost, ev, ev.gen_ai?.request?.model ?? modelOf(ev));
        break;
      case 'response.completed':
        if (timeMs > this.lastAnswerMs) this.lastAnswerMs = timeMs;
        break;
    }
    if (isFailedPatch(ev)) {
      const call = ev.tool?.call_id;
      if (typeof call === 'string' && call) {
        if (this.failedPatchCalls.has(call)) return; // same call, already counted (errors too)
        this.failedPatchCalls.add(call);
      } else {
        this.failedPatchesWithoutId++;
      }
    }
    if (isError(ev)) this.errors++;
  }

  private nameRepository(name: string | null, rank: number): void {
    if (name && rank >= this.repositoryRank) {
      this.repository = name;
      this.repositoryRank = rank;
    }
  }

  get lastActivityMs(): number {
    return this.lastMs;
  }

  toRollup(): SessionRollup {
    return {
      id: this.id,
      started_at: this.startedAt,
      last_at: this.lastAt,
      working_directory: this.workingDirectory,
      repository: this.repository,
      git: this.git ? { ...this.git } : null,
      model: this.model,
      originator: this.originator,
      harness: this.harness,
      duration_ms: Math.max(0, this.lastMs - this.startedMs),
      events: this.events,
      prompts: this.prompts,
      commands: this.commands,
      command_failures: this.commandFailures,
      approvals: { allowed: this.allowed, denied: this.denied },
      files_changed: this.files.size,
      patches_failed: this.failedPatchCalls.size + this.failedPatchesWithoutId,
      errors: this.errors,
      tokens: { ...this.tokens },
      cost: snapshotCost(this.cost),
      answered: this.lastAnswerMs >= this.lastPromptMs && this.lastAnswerMs > -Infinity,
      title_generation: this.titleGeneration,
      beacon_validation: this.validation,
      first_prompt: this.firstPrompt,
      title: this.firstPrompt ? titleFromPrompt(this.firstPromptText ?? this.firstPrompt) : null,
    };
  }
}
