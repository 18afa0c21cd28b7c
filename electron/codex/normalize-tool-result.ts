/**
 * `codex.tool_result` -> what the tool did, in the terms a reader cares about:
 *   - a patch (apply_patch as freeform tool, as function, or run through the shell)
 *       -> one `file.modified` per file it adds, updates (maybe moves) or deletes;
 *       -> a failed patch changed nothing: ONE `tool.failed` whose `patch.files` names the files
 *          it tried, never a `file.modified` (apply-patch-outcome.ts says when it failed)
 *   - an MCP tool (`mcp_server` set, or namespace `mcp__<server>`) -> `mcp.tool_invoked`
 *   - a shell command (`cmd` / `command` in the JSON arguments, string or argv) -> `command.executed`
 *   - anything else -> `tool.completed` / `tool.failed`
 * Patch detection comes first because a shell-run apply_patch is also a "command"; what the
 * user wants to see is the files it changed.
 *
 * Severity: a failed shell command is `low` (a failing test run is routine), a failed tool, MCP
 * call or patch is `medium`; successes are `info`.
 */
import type { LayeredAttributes } from '../shared/layered-attributes';
import type { BeaconEvent, Severity } from '../shared/event';
import { attrBool, attrNumber, attrString, attrText } from './normalize-attributes';
import { exitCodeFromOutput, parseJsonObject, shellCommandFromArgs, type ShellCommand } from './normalize-command';
import { findPatchText, isShellApplyPatch, parsePatchFiles, type PatchFileChange } from './apply-patch';
import { patchOutcome } from './apply-patch-outcome';

/** An event without its envelope: the normalizer adds timestamp, session, harness, raw... */
export interface EventDraft {
  action: string;
  severity: Severity;
  message: string;
  fields: Partial<BeaconEvent>;
}

const MESSAGE_COMMAND_MAX = 160;

/** Shorten for a one-line message; the full text stays in its own field. */
export function clip(s: string, max: number): string {
  const oneLine = s.indexOf('\n') >= 0 ? s.replace(/\s*\n\s*/g, ' ') : s;
  return oneLine.length > max ? oneLine.slice(0, max - 1) + '…' : oneLine;
}

interface ToolCall {
  name?: string;
  namespace?: string;
  callId?: string;
  success?: boolean;
  durationMs?: number;
  output?: string;
  outputTruncated?: boolean;
  argumentsText?: string;
  /** JSON arguments when they parse as an object. */
  args?: Record<string, unknown>;
}

function readToolCall(attrs: LayeredAttributes): ToolCall {
  const argumentsText = attrText(attrs, 'arguments');
  return {
    name: attrString(attrs, 'tool_name'),
    namespace: attrString(attrs, 'tool_namespace'),
    callId: attrString(attrs, 'call_id'),
    success: attrBool(attrs, 'success'),
    durationMs: attrNumber(attrs, 'duration_ms'),
    output: attrText(attrs, 'output'),
    outputTruncated: attrBool(attrs, 'output_truncated'),
    argumentsText,
    args: parseJsonObject(argumentsText),
  };
}

function toolBlock(call: ToolCall, extra?: Partial<NonNullable<BeaconEvent['tool']>>): NonNullable<BeaconEvent['tool']> {
  const tool: NonNullable<BeaconEvent['tool']> = {};
  if (call.name) tool.name = call.name;
  if (call.namespace) tool.namespace = call.namespace;
  if (call.callId) tool.call_id = call.callId;
  if (extra) Object.assign(tool, extra);
  if (call.success !== undefined) tool.success = call.success;
  if (call.durationMs !== undefined) tool.duration_ms = call.durationMs;
  return tool;
}

function genAiTool(call: ToolCall): NonNullable<BeaconEvent['gen_ai']> {
  const c: { id?: string; arguments?: unknown } = {};
  if (call.callId) c.id = call.callId;
  const args = call.args ?? call.argumentsText;
  if (args !== undefined) c.arguments = args;
  return { tool: { name: call.name, call: c } };
}

export function interpretToolResult(attrs: LayeredAttributes): EventDraft[] {
  const call = readToolCall(attrs);
  const shell = call.args ? shellCommandFromArgs(call.args) : undefined;

  const patch = patchOf(call, shell);
  const files = patch !== undefined ? parsePatchFiles(patch) : [];
  if (files.length > 0 || call.name === 'apply_patch') {
    const outcome = patchOutcome(call.success, call.output);
    if (outcome.failed) return [patchFailureDraft(call, files, outcome.reason)];
    if (files.length > 0) return files.map((f) => fileDraft(call, f));
  }

  const mcpServer = mcpServerOf(call, attrs);
  if (mcpServer !== undefined) return [mcpDraft(call, mcpServer, attrs)];

  if (shell) return [commandDraft(call, shell)];

  const ok = call.success !== false;
  const name = call.name ?? 'a tool';
  const tool = toolBlock(call);
  if (call.output !== undefined) tool.output = call.output;
  if (call.outputTruncated !== undefined) tool.output_truncated = call.outputTruncated;
  return [
    {
      action: ok ? 'tool.completed' : 'tool.failed',
      severity: ok ? 'info' : 'medium',
      message: `Codex tool ${name} ${ok ? 'completed' : 'failed'}${durationSuffix(call.durationMs)}`,
      fields: { tool, gen_ai: genAiTool(call) },
    },
  ];
}

/** The patch text of an apply_patch call in any of its three wrappings, else undefined. */
function patchOf(call: ToolCall, shell: ShellCommand | undefined): string | undefined {
  if (call.name === 'apply_patch') {
    if (call.args) {
      // Function form: {"input": "<patch>"} (or another string field holding it).
      for (const key of ['input', 'patch']) {
        const v = call.args[key];
        if (typeof v === 'string' && v.indexOf('*** Begin Patch') >= 0) return findPatchText(v);
      }
      for (const v of Object.values(call.args)) {
        if (typeof v === 'string' && v.indexOf('*** Begin Patch') >= 0) return findPatchText(v);
      }
    }
    if (shell) return shellPatch(shell);
    // Freeform custom tool: the arguments ARE the patch.
    return call.argumentsText !== undefined ? findPatchText(call.argumentsText) : undefined;
  }
  return shell ? shellPatch(shell) : undefined;
}

function shellPatch(shell: ShellCommand): string | undefined {
  if (!isShellApplyPatch(shell.command)) return undefined;
  if (shell.argv) {
    // Search the argv element itself: it holds the patch without any shell quoting.
    for (const arg of shell.argv) if (arg.indexOf('*** Begin Patch') >= 0) return findPatchText(arg);
  }
  return findPatchText(shell.command);
}

function fileTarget(f: PatchFileChange): string {
  return f.move_to ? `${f.path} -> ${f.move_to}` : f.path;
}

function fileDraft(call: ToolCall, f: PatchFileChange): EventDraft {
  const file: NonNullable<BeaconEvent['file']> = { path: f.path, operation: f.operation, diff_bytes: f.diff_bytes, diff_hash: f.diff_hash };
  if (f.move_to) file.move_to = f.move_to;
  const verb = f.operation === 'add' ? 'added' : f.operation === 'delete' ? 'deleted' : f.move_to ? 'moved' : 'updated';
  return {
    action: 'file.modified',
    severity: 'info',
    message: `Codex ${verb} ${fileTarget(f)}`,
    fields: { file, tool: toolBlock(call, { path: f.path }) },
  };
}

const MESSAGE_PATHS_MAX = 3;

/**
 * A patch that was not applied: one event for the whole call (Codex applies a patch all or
 * nothing), naming every file it tried. No `file` block: that block means "this file changed".
 * The message names paths and a fixed reason only, so it is safe under every content policy.
 */
function patchFailureDraft(call: ToolCall, files: PatchFileChange[], reason: { type: string; message: string } | undefined): EventDraft {
  const tool = toolBlock(call, files.length > 0 ? { path: files[0].path } : undefined);
  // Codex may flag a shell-run patch as a success while its output says it failed.
  tool.success = false;
  if (call.output !== undefined) tool.output = call.output;
  if (call.outputTruncated !== undefined) tool.output_truncated = call.outputTruncated;
  const patch: NonNullable<BeaconEvent['patch']> = {
    files: files.map((f) => (f.move_to ? { path: f.path, operation: f.operation, move_to: f.move_to } : { path: f.path, operation: f.operation })),
  };
  const fields: Partial<BeaconEvent> = { tool, patch, gen_ai: genAiTool(call) };
  if (reason) fields.error = { type: reason.type, message: reason.message };
  const shown = files.slice(0, MESSAGE_PATHS_MAX).map(fileTarget).join(', ');
  const more = files.length > MESSAGE_PATHS_MAX ? ` and ${files.length - MESSAGE_PATHS_MAX} more` : '';
  return {
    action: 'tool.failed',
    severity: 'medium',
    message: `Codex patch failed${shown ? ` for ${shown}${more}` : ''}: ${reason?.message ?? 'not applied'}`,
    fields,
  };
}

function mcpServerOf(call: ToolCall, attrs: LayeredAttributes): string | undefined {
  const server = attrString(attrs, 'mcp_server');
  if (server) return server;
  const ns = call.namespace;
  if (ns && ns.startsWith('mcp__')) return ns.slice(5).replace(/_+$/, '') || ns;
  return undefined;
}

function mcpDraft(call: ToolCall, server: string, attrs: LayeredAttributes): EventDraft {
  const mcp: NonNullable<BeaconEvent['mcp']> = { server };
  if (call.name) mcp.tool = call.name;
  const origin = attrString(attrs, 'mcp_server_origin');
  if (origin) mcp.origin = origin;
  if (call.callId) mcp.call_id = call.callId;
  if (call.success !== undefined) mcp.success = call.success;
  if (call.durationMs !== undefined) mcp.duration_ms = call.durationMs;
  const tool = toolBlock(call);
  if (call.output !== undefined) tool.output = call.output;
  if (call.outputTruncated !== undefined) tool.output_truncated = call.outputTruncated;
  const failed = call.success === false;
  return {
    action: 'mcp.tool_invoked',
    severity: failed ? 'medium' : 'info',
    message: `Codex called MCP tool ${server}/${call.name ?? '?'}${failed ? ' (failed)' : ''}${durationSuffix(call.durationMs)}`,
    fields: { mcp, tool, gen_ai: genAiTool(call) },
  };
}

function commandDraft(call: ToolCall, shell: ShellCommand): EventDraft {
  const command: NonNullable<BeaconEvent['command']> = { command: shell.command };
  const exit = exitCodeFromOutput(call.output);
  if (exit !== undefined) command.exit_code = exit;
  // Codex's `success` only says the tool call itself worked: an `ls` that exits 2 still reports
  // success "true" (verified on 0.169.0). The command's own result is the exit code in the output
  // ("Process exited with code N"); fall back to Codex's flag only when no exit code is stated.
  const success = exit !== undefined ? exit === 0 && call.success !== false : call.success;
  if (success !== undefined) command.success = success;
  if (call.durationMs !== undefined) command.duration_ms = call.durationMs;
  if (call.callId) command.call_id = call.callId;
  if (call.output !== undefined) command.output = call.output;
  if (call.outputTruncated !== undefined) command.output_truncated = call.outputTruncated;
  const outcome = exit !== undefined ? ` (exit ${exit})` : call.success === false ? ' (failed)' : '';
  return {
    action: 'command.executed',
    severity: success === false ? 'low' : 'info',
    message: `Codex ran \`${clip(shell.command, MESSAGE_COMMAND_MAX)}\`${outcome}`,
    fields: { command, tool: toolBlock(call, { command: shell.command }), gen_ai: genAiTool(call) },
  };
}

function durationSuffix(ms: number | undefined): string {
  return ms === undefined ? '' : ` in ${ms} ms`;
}
