/**
 * The standard scenario (codex-runner.ts: a prompt with a secret, `echo ok`, a failing `ls`, a
 * patch that adds hello.txt, a final answer, four distinct usages) played to ANY Codex release.
 *
 * Releases differ in the tools they offer to a model name they do not know (gpt-5.5): 0.42-0.90
 * offer `shell` (argv array) instead of `exec_command`; 0.44 and older have no apply_patch tool
 * at all, and 0.50-0.118 offer the freeform one only with `[features] apply_patch_freeform`. A
 * scripted model that calls a tool the release does not offer only measures "unsupported call",
 * so the fake model looks at the tools of each request and uses what is there: exec_command or
 * shell for the commands; the freeform apply_patch, the function one, or `apply_patch` run
 * through the shell tool (which Codex intercepts) for the patch. The events Beacon must write are
 * the same whichever tool carried them.
 */
import type { ModelTurn, RecordedRequest } from './fake-responses-api';
import { STANDARD_CALL_IDS, STANDARD_FILE, STANDARD_FINAL_TEXT, STANDARD_USAGES, standardScenario } from './codex-runner';

/**
 * The `[features]` flags the scenario turns on by default: the freeform apply_patch tool, which
 * 0.50-0.118 offer an unknown model name only with this flag. Harmless where it is on already,
 * and ignored by 0.44 and older (no [features] table). `unified_exec` is NOT on by default: in
 * 0.50 its exec_command fails under sandbox_mode workspace-write ("SandboxDenied"), while the
 * `shell` tool those releases offer anyway runs fine.
 */
export const DEFAULT_RELEASE_FEATURES: readonly string[] = ['apply_patch_freeform'];

export function featuresToml(features: readonly string[]): string {
  return features.length === 0 ? '' : ['[features]', ...features.map((f) => `${f} = true`)].join('\n');
}

export type CommandTool = 'exec_command' | 'shell';
export type PatchTool = 'apply_patch (freeform)' | 'apply_patch (function)' | 'apply_patch via shell';

export interface ToolChoice {
  command: CommandTool;
  patch: PatchTool;
}

interface OfferedTool {
  type?: string;
  name?: string;
}

/** The tools a request offers, as "function:shell", "custom:apply_patch", ... */
export function offeredTools(req: RecordedRequest): string[] {
  const tools = (req.body as { tools?: OfferedTool[] } | undefined)?.tools;
  return Array.isArray(tools) ? tools.map((t) => `${t.type ?? '?'}:${t.name ?? ''}`) : [];
}

export function chooseTools(offered: readonly string[]): ToolChoice {
  const has = (t: string) => offered.includes(t);
  return {
    command: has('function:exec_command') || !has('function:shell') ? 'exec_command' : 'shell',
    patch: has('custom:apply_patch') ? 'apply_patch (freeform)' : has('function:apply_patch') ? 'apply_patch (function)' : 'apply_patch via shell',
  };
}

export interface ReleaseScenario {
  prompt: string;
  script: (req: RecordedRequest, turnIndex: number) => ModelTurn;
  /** What the fake model used, known once Codex made its first request. */
  choice(): ToolChoice | undefined;
  /** The tools Codex offered in its first request. */
  offered(): string[];
}

/**
 * @param tools 'offered' (default): use the tools the release offers, as above. 'standard': always
 *   exec_command + the freeform apply_patch, exactly the standard scenario, to see what Beacon
 *   writes when Codex rejects a call it does not offer ("unsupported call").
 */
export function releaseScenario(secret: string, tools: 'offered' | 'standard' = 'offered'): ReleaseScenario {
  const base = standardScenario(secret);
  const patchTurn = base.turns[2];
  const patchText = patchTurn.kind === 'custom_tool_call' ? patchTurn.input : '';
  let choice: ToolChoice | undefined;
  let offered: string[] = [];

  const command = (cmd: string, callId: string, turn: number): ModelTurn => {
    const args = choice!.command === 'exec_command' ? { cmd } : { command: ['bash', '-lc', cmd] };
    return { kind: 'function_call', name: choice!.command, arguments: args, callId, usage: STANDARD_USAGES[turn] };
  };

  return {
    prompt: base.prompt,
    choice: () => choice,
    offered: () => offered,
    script(req, n) {
      if (!choice) {
        offered = offeredTools(req);
        choice = tools === 'standard' ? { command: 'exec_command', patch: 'apply_patch (freeform)' } : chooseTools(offered);
      }
      if (n === 0) return command('echo ok', STANDARD_CALL_IDS.echoOk, 0);
      if (n === 1) return command('ls /nonexistent-beacon-path', STANDARD_CALL_IDS.failing, 1);
      if (n === 2) {
        const callId = STANDARD_CALL_IDS.patch;
        const usage = STANDARD_USAGES[2];
        if (choice.patch === 'apply_patch (freeform)') return { kind: 'custom_tool_call', name: 'apply_patch', input: patchText, callId, usage };
        if (choice.patch === 'apply_patch (function)') return { kind: 'function_call', name: 'apply_patch', arguments: { input: patchText }, callId, usage };
        const args = choice.command === 'exec_command' ? { cmd: `apply_patch <<'EOF'\n${patchText}\nEOF` } : { command: ['apply_patch', patchText] };
        return { kind: 'function_call', name: choice.command, arguments: args, callId, usage };
      }
      if (n === 3) return { kind: 'message', text: STANDARD_FINAL_TEXT, phase: 'final_answer', usage: STANDARD_USAGES[3] };
      return { kind: 'http_error', status: 400, message: `release scenario: no turn #${n}` };
    },
  };
}

export { STANDARD_FILE };
