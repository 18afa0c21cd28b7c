/**
 * The read-only JSON API (types in electron/shared/api.ts): query-string parsing with clear
 * 400s, and thin handlers over the reader's index. Auth and request vetting happen before any
 * of this runs (server.ts); these handlers assume an authorised GET.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type {
  ApiError,
  EventsResponse,
  SessionDetailResponse,
  SessionsResponse,
  TokenBucketSize,
} from '../shared/api';
import { API_ROUTES, EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT, SEVERITIES, TOKEN_BUCKETS, TRENDS_DEFAULT_DAYS, TRENDS_MAX_DAYS } from '../shared/api';
import type { LogReader } from '../log/reader';
import type { IndexQuery } from '../log/log-index';
import type { HealthMonitor } from './health';
import type { StreamHub } from './stream';
import type { Severity } from '../shared/event';
import { findingsResponse } from './findings';

export class BadRequest extends Error {}

type Query = Record<string, string | string[] | undefined>;

function param(q: Query, name: string): string | undefined {
  const v = q[name];
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** RFC 3339 or epoch milliseconds. */
export function parseTime(q: Query, name: string): number | undefined {
  const s = param(q, name);
  if (s === undefined) return undefined;
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(ms)) throw new BadRequest(`${name} must be an RFC 3339 time or epoch milliseconds, got ${JSON.stringify(s)}`);
  return ms;
}

function parseInteger(q: Query, name: string, min: number, max: number): number | undefined {
  const s = param(q, name);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s)) throw new BadRequest(`${name} must be a whole number, got ${JSON.stringify(s)}`);
  const n = Number(s);
  if (n < min || n > max) throw new BadRequest(`${name} must be between ${min} and ${max}`);
  return n;
}

/** Minutes west of UTC, as the browser's Date.getTimezoneOffset() gives them (UTC-14 .. UTC+12). */
function parseTzOffset(q: Query): number {
  const s = param(q, 'tz_offset');
  if (s === undefined) return 0;
  if (!/^-?\d+$/.test(s) || Math.abs(Number(s)) > 840) throw new BadRequest(`tz_offset must be minutes between -840 and 840 (Date.getTimezoneOffset()), got ${JSON.stringify(s)}`);
  return Number(s);
}

export function parseEventsQuery(q: Query): IndexQuery {
  return {
    sinceMs: parseTime(q, 'since'),
    untilMs: parseTime(q, 'until'),
    session: param(q, 'session'),
    action: param(q, 'action'),
    category: param(q, 'category'),
    harness: param(q, 'harness'),
    model: param(q, 'model'),
    q: param(q, 'q'),
    limit: parseInteger(q, 'limit', 1, EVENTS_MAX_LIMIT) ?? EVENTS_DEFAULT_LIMIT,
    before: parseInteger(q, 'before', 0, Number.MAX_SAFE_INTEGER),
  };
}

function sendError(reply: FastifyReply, status: number, error: string): FastifyReply {
  const body: ApiError = { error };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export interface ApiDeps {
  reader: LogReader;
  health: HealthMonitor;
  hub: StreamHub;
  /** Headers a hijacked (streaming) response must carry itself. */
  streamHeaders: (reply: FastifyReply) => Record<string, string>;
}

export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { reader, health, hub } = deps;
  const index = reader.index;

  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    if (err instanceof BadRequest) return sendError(reply, 400, err.message);
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return sendError(reply, status, status === 500 ? 'internal error' : err.message);
  });

  app.get(API_ROUTES.health, async () => health.snapshot());

  app.get(API_ROUTES.events, async (req: FastifyRequest) => {
    const query = parseEventsQuery(req.query as Query);
    const res = index.query(query);
    const body: EventsResponse = { events: res.records, total_matched: res.total, next_before: res.nextBefore, limit: query.limit };
    return body;
  });

  app.get(API_ROUTES.sessions, async () => {
    const body: SessionsResponse = { sessions: index.sessions() };
    return body;
  });

  app.get('/api/sessions/:id', async (req: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const found = index.session(req.params.id);
    if (!found) return sendError(reply, 404, `No session ${JSON.stringify(req.params.id)} in the runtime log`);
    const body: SessionDetailResponse = { session: found.rollup, events: found.events };
    return body;
  });

  app.get(API_ROUTES.tokens, async (req: FastifyRequest) => {
    const q = req.query as Query;
    const bucket = (param(q, 'bucket') ?? 'hour') as TokenBucketSize;
    if (!TOKEN_BUCKETS.includes(bucket)) throw new BadRequest(`bucket must be one of ${TOKEN_BUCKETS.join(', ')}`);
    return index.tokens(bucket, { sinceMs: parseTime(q, 'since'), untilMs: parseTime(q, 'until'), session: param(q, 'session') });
  });

  app.get(API_ROUTES.trends, async (req: FastifyRequest) => {
    const q = req.query as Query;
    const days = parseInteger(q, 'days', 1, TRENDS_MAX_DAYS) ?? TRENDS_DEFAULT_DAYS;
    return index.trends(days, parseTzOffset(q));
  });

  app.get(API_ROUTES.facets, async () => index.facets());

  app.get(API_ROUTES.findings, async (req: FastifyRequest) => {
    const q = req.query as Query;
    const min = param(q, 'min_severity');
    if (min !== undefined && !SEVERITIES.includes(min as Severity)) throw new BadRequest(`min_severity must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(min)}`);
    return findingsResponse(index, { minSeverity: min as Severity | undefined, session: param(q, 'session'), limit: parseInteger(q, 'limit', 1, EVENTS_MAX_LIMIT) });
  });

  app.get(API_ROUTES.stream, (req, reply) => {
    const headers = deps.streamHeaders(reply);
    reply.hijack();
    const lastId = req.headers['last-event-id'];
    hub.attach(reply.raw, headers, Array.isArray(lastId) ? lastId[0] : lastId);
  });

  app.get('/api/*', async (_req, reply) => sendError(reply, 404, 'no such API route'));
}
