/**
 * A scripted fake of the OpenAI Responses API, good enough for the real Codex CLI (0.169.0) to run
 * whole `codex exec` sessions against it on loopback.
 *
 * Codex talks to it through a custom model provider (`wire_api = "responses"`, see codex-runner.ts):
 * every model turn is one `POST /v1/responses` whose answer is a `text/event-stream`. The n-th such
 * request (0-based) is answered with the n-th scripted ModelTurn. Each turn is one output item (a
 * tool call or an assistant message) followed by `response.completed` carrying a usage block, which
 * is what Codex turns into its token records.
 *
 * Every request is recorded with its parsed JSON body so that tests can read what Codex sent back
 * (e.g. the `function_call_output` of a shell command) — that is the only way to see tool results
 * without decoding OTLP.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';

/** Token usage for one model response, in the Responses API's own terms. */
export interface TurnUsage {
  /** Total input tokens, INCLUDING cached ones (that is how the API and Codex count them). */
  input_tokens: number;
  cached_tokens: number;
  /** Total output tokens, INCLUDING reasoning ones. */
  output_tokens: number;
  reasoning_tokens: number;
}

export const DEFAULT_USAGE: TurnUsage = {
  input_tokens: 100,
  cached_tokens: 0,
  output_tokens: 10,
  reasoning_tokens: 0,
};

/** A JSON function tool call, e.g. `exec_command` with `{ cmd: "echo ok" }`. */
export interface FunctionCallTurn {
  kind: 'function_call';
  name: string;
  /** Object (serialised for you) or an already-serialised JSON string, sent verbatim. */
  arguments: Record<string, unknown> | string;
  callId?: string;
  usage?: TurnUsage;
}

/** A freeform ("custom") tool call; Codex's `apply_patch` takes the raw patch text as `input`. */
export interface CustomToolCallTurn {
  kind: 'custom_tool_call';
  name: string;
  input: string;
  callId?: string;
  usage?: TurnUsage;
}

/** An assistant message. `phase: "final_answer"` is what real models send for the last message. */
export interface MessageTurn {
  kind: 'message';
  text: string;
  /** null = omit the field. Default "final_answer". */
  phase?: 'final_answer' | 'commentary' | null;
  usage?: TurnUsage;
  /**
   * Stream the text in deltas of this many characters, as real models do (about one token, a
   * few characters, per delta). Default: the whole text in one delta.
   */
  deltaChars?: number;
}

/** A non-2xx answer instead of a stream, to exercise Codex's error paths (e.g. 500, 401, 429). */
export interface HttpErrorTurn {
  kind: 'http_error';
  status: number;
  message?: string;
}

/**
 * Accept the request and never answer (until close()), to exercise timeouts. With
 * stream_max_retries = 0 Codex waits on it for its own idle timeout (minutes), so pair it with a
 * short runCodexExec timeoutMs.
 */
export interface HangTurn {
  kind: 'hang';
}

export type ModelTurn = FunctionCallTurn | CustomToolCallTurn | MessageTurn | HttpErrorTurn | HangTurn;

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. "/v1/responses". */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON when the body is JSON, the raw text otherwise, undefined when empty. */
  body: unknown;
  /** For POST /v1/responses: which scripted turn answered it (0-based). */
  turnIndex?: number;
}

export type ModelScript = ModelTurn[] | ((req: RecordedRequest, turnIndex: number) => ModelTurn);

export interface FakeResponsesApi {
  /** Base URL for a Codex model provider, e.g. "http://127.0.0.1:41234/v1". */
  url: string;
  port: number;
  /** Every request received, in arrival order (including ones the fake answered with 404). */
  requests: RecordedRequest[];
  /** Only the POST /v1/responses requests, i.e. one per model turn. */
  turnRequests(): RecordedRequest[];
  close(): Promise<void>;
}

/** Responses API input item that carries a tool's result back to the model. */
export interface ToolOutputItem {
  type: 'function_call_output' | 'custom_tool_call_output';
  call_id: string;
  output: unknown;
}

/**
 * The tool result Codex sent back for `callId`, searched in all recorded requests (Codex resends the
 * whole conversation each turn, so the first hit is the original). The `output` is whatever Codex
 * put there: for exec_command a string like "Chunk ID: ...\nProcess exited with code 0\n...".
 */
export function findToolOutput(requests: RecordedRequest[], callId: string): ToolOutputItem | undefined {
  for (const req of requests) {
    const input = (req.body as { input?: unknown } | undefined)?.input;
    if (!Array.isArray(input)) continue;
    for (const item of input) {
      if (
        item &&
        typeof item === 'object' &&
        (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') &&
        item.call_id === callId
      ) {
        return item as ToolOutputItem;
      }
    }
  }
  return undefined;
}

/**
 * The Codex thread id of the session that made these requests (Codex sends it as the `session-id`
 * header; it equals OTel `conversation.id`), or undefined if no model request was made.
 */
export function codexSessionId(requests: RecordedRequest[]): string | undefined {
  const h = requests.find((r) => r.turnIndex !== undefined)?.headers['session-id'];
  return typeof h === 'string' ? h : undefined;
}

/** The output of a tool result as text, whether Codex sent a string or content parts. */
export function toolOutputText(item: ToolOutputItem): string {
  const out = item.output;
  if (typeof out === 'string') return out;
  if (Array.isArray(out)) {
    return out.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join('');
  }
  if (out && typeof out === 'object' && 'content' in out) return String((out as { content: unknown }).content);
  return JSON.stringify(out);
}

export async function startFakeResponsesApi(script: ModelScript): Promise<FakeResponsesApi> {
  const requests: RecordedRequest[] = [];
  let turns = 0;
  let respSeq = 0;

  const server = http.createServer((req, res) => {
    readBody(req)
      .then((raw) => {
        const path = (req.url ?? '/').split('?')[0];
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path,
          headers: req.headers,
          body: parseBody(raw),
        };
        requests.push(recorded);

        if (req.method === 'POST' && /\/responses$/.test(path)) {
          const turnIndex = turns++;
          recorded.turnIndex = turnIndex;
          const turn = pickTurn(script, recorded, turnIndex);
          if (!turn) {
            // A clear, non-retried failure beats a hang: Codex prints the message and exits 1.
            sendJsonError(res, 400, `fake-responses-api: script exhausted, no turn #${turnIndex}`);
            return;
          }
          respSeq++;
          streamTurn(res, turn, `resp_fake_${respSeq}`, modelOf(recorded.body));
          return;
        }
        if (req.method === 'GET' && /\/models$/.test(path)) {
          // Codex may ask a custom provider for its model list; an empty list means "use config".
          sendJson(res, 200, { object: 'list', data: [], models: [] });
          return;
        }
        sendJsonError(res, 404, `fake-responses-api: no route for ${req.method} ${path}`);
      })
      .catch((err: unknown) => {
        sendJsonError(res, 500, `fake-responses-api: ${String(err)}`);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    turnRequests: () => requests.filter((r) => r.turnIndex !== undefined),
    close: () =>
      new Promise<void>((resolve) => {
        // Codex keeps HTTP connections alive; do not let them hold the test open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pickTurn(script: ModelScript, req: RecordedRequest, n: number): ModelTurn | undefined {
  if (typeof script === 'function') return script(req, n);
  return script[n];
}

function modelOf(body: unknown): string {
  const m = (body as { model?: unknown } | undefined)?.model;
  return typeof m === 'string' ? m : 'gpt-5-codex';
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const buf = Buffer.concat(chunks);
      const enc = String(req.headers['content-encoding'] ?? '').toLowerCase();
      try {
        if (enc === 'gzip') resolve(zlib.gunzipSync(buf));
        else if (enc === 'deflate') resolve(zlib.inflateSync(buf));
        else if (enc === 'br') resolve(zlib.brotliDecompressSync(buf));
        else resolve(buf);
      } catch (err) {
        reject(err);
      }
    });
  });
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJsonError(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', code: null, param: null } });
}

function usageBlock(u: TurnUsage): Record<string, unknown> {
  return {
    input_tokens: u.input_tokens,
    input_tokens_details: { cached_tokens: u.cached_tokens },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_tokens },
    total_tokens: u.input_tokens + u.output_tokens,
  };
}

/** The finished output item for a turn, exactly as it appears in output_item.done. */
function outputItem(turn: FunctionCallTurn | CustomToolCallTurn | MessageTurn, id: string): Record<string, unknown> {
  switch (turn.kind) {
    case 'function_call':
      return {
        type: 'function_call',
        id,
        status: 'completed',
        name: turn.name,
        arguments: typeof turn.arguments === 'string' ? turn.arguments : JSON.stringify(turn.arguments),
        call_id: turn.callId ?? `call_${id}`,
      };
    case 'custom_tool_call':
      return {
        type: 'custom_tool_call',
        id,
        status: 'completed',
        name: turn.name,
        input: turn.input,
        call_id: turn.callId ?? `call_${id}`,
      };
    case 'message': {
      const item: Record<string, unknown> = {
        type: 'message',
        id,
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: turn.text, annotations: [] }],
      };
      const phase = turn.phase === undefined ? 'final_answer' : turn.phase;
      if (phase !== null) item.phase = phase;
      return item;
    }
  }
}

function streamTurn(res: http.ServerResponse, turn: ModelTurn, respId: string, model: string): void {
  if (turn.kind === 'http_error') {
    sendJsonError(res, turn.status, turn.message ?? `fake-responses-api: scripted HTTP ${turn.status}`);
    return;
  }
  if (turn.kind === 'hang') return; // close() destroys the socket
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  let seq = 0;
  const send = (type: string, payload: Record<string, unknown>): void => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...payload })}\n\n`);
  };

  const itemId = `${turn.kind === 'message' ? 'msg' : 'fc'}_${respId}`;
  const done = outputItem(turn, itemId);
  const response = (status: string, extra: Record<string, unknown>) => ({
    id: respId,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    ...extra,
  });

  send('response.created', { response: response('in_progress', { output: [] }) });
  if (turn.kind === 'message') {
    // Stream the text the way a real model does: item added empty, the deltas, item done.
    send('response.output_item.added', {
      output_index: 0,
      item: { ...done, status: 'in_progress', content: [] },
    });
    const step = turn.deltaChars && turn.deltaChars > 0 ? turn.deltaChars : Math.max(turn.text.length, 1);
    for (let at = 0; at < turn.text.length || at === 0; at += step) {
      send('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: turn.text.slice(at, at + step) });
    }
  } else {
    send('response.output_item.added', { output_index: 0, item: { ...done, status: 'in_progress' } });
  }
  send('response.output_item.done', { output_index: 0, item: done });
  send('response.completed', {
    response: response('completed', { output: [done], usage: usageBlock(turn.usage ?? DEFAULT_USAGE) }),
  });
  res.end();
}
