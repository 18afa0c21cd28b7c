/**
 * The dashboard HTTP server: loopback only, read-only, token-gated (design.md section 4,
 * Security). Every request passes one vetting hook, in this order:
 *   1. security headers on the response, whatever happens next;
 *   2. one well-formed Host header, and a request target that is a path (or an absolute URL
 *      naming a loopback host): RFC 9112 3.2                                  -> 400
 *   3. Host must be a loopback name for our port (DNS rebinding)           -> 403
 *   4. Origin, when present, must be our own; no cross-site fetch metadata  -> 403
 *   5. GET only                                                             -> 405
 *   6. ?token=<valid> sets an HttpOnly SameSite=Strict cookie and redirects to the same URL
 *      without the token (so it leaves the address bar and history); invalid -> 401
 *   7. cookie or `Authorization: Bearer` must carry the token               -> 401
 * Then the JSON API (routes.ts), the SSE stream (stream.ts) or the static renderer.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { FindingsResponse, HealthResponse } from '../shared/api';
import { DEFAULT_DASHBOARD_PORT, LOOPBACK } from '../shared/paths';
import { VERSION } from '../shared/version';
import { LogReader } from '../log/reader';
import { badRequestLine } from '../collector/loopback-guard';
import { createPricing, type PricingOptions } from '../pricing/enricher';
import { findingsResponse, type FindingsQuery } from './findings';
import { HealthMonitor } from './health';
import { registerApiRoutes } from './routes';
import {
  authCookie,
  bearerToken,
  cookieName,
  generateToken,
  isAllowedFetchSite,
  isAllowedHost,
  isAllowedOrigin,
  readCookie,
  SECURITY_HEADERS,
  tokensEqual,
} from './security';
import { registerStatic, UNAUTHORIZED_PAGE } from './static';
import { StreamHub } from './stream';

export interface DashboardOptions {
  /** Only loopback IPv4 is supported: the Host/Origin rules and the token assume it. */
  host?: '127.0.0.1';
  /** 0 picks a free port. Default 8765. */
  port?: number;
  logPath: string;
  /** The collector's /healthz URL, e.g. http://127.0.0.1:4318/healthz. */
  collectorUrl?: string;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** The built renderer (out/renderer). When missing, `/` explains how to build it. */
  staticDir?: string;
  codexStatus?: () => Promise<unknown>;
  logSourceWarning?: () => Promise<string | null>;
  /** Share an already open reader (e.g. the tray's); it is then NOT closed by close(). */
  reader?: LogReader;
  /** Fallback poll period of the reader's tail when this server opens it (default 10 s). */
  pollIntervalMs?: number;
  /**
   * Prices for token.usage events the log has without a cost (written before Beacon priced
   * them): the shipped table, under these override files. Events already priced keep theirs.
   */
  pricing?: PricingOptions;
}

export interface Dashboard {
  /** The link to print/open: http://127.0.0.1:PORT/?token=... */
  url: string;
  port: number;
  token: string;
  reader: LogReader;
  /** The same snapshot GET /api/health returns, for in-process callers (tray, CLI). */
  health(): Promise<HealthResponse>;
  /** What GET /api/findings returns, for in-process callers (the tray's count). */
  findings(q?: FindingsQuery): FindingsResponse;
  close(): Promise<void>;
}

function json(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error });
}

export async function startDashboard(opts: DashboardOptions): Promise<Dashboard> {
  const host = opts.host ?? LOOPBACK;
  if (host !== LOOPBACK) throw new Error(`The dashboard binds to ${LOOPBACK} only (got ${String(host)})`);
  const requestedPort = opts.port ?? DEFAULT_DASHBOARD_PORT;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) throw new Error(`Invalid dashboard port ${requestedPort}`);
  const token = opts.token ?? generateToken();
  if (token.length < 16 || !/^[A-Za-z0-9._~-]+$/.test(token)) {
    throw new Error('Dashboard token must be at least 16 URL-safe characters (A-Z a-z 0-9 . _ ~ -)');
  }

  const ownsReader = !opts.reader;
  const reader = opts.reader ?? (await LogReader.open({ logPath: opts.logPath, pollIntervalMs: opts.pollIntervalMs, enrichers: [await createPricing(opts.pricing)] }));
  const startedAt = new Date().toISOString();
  const health = new HealthMonitor({
    reader,
    logPath: opts.logPath,
    version: VERSION,
    startedAt,
    collectorUrl: opts.collectorUrl,
    codexStatus: opts.codexStatus,
    logSourceWarning: opts.logSourceWarning,
  });
  const hub = new StreamHub(reader, health, VERSION);

  let port = requestedPort;
  const app: FastifyInstance = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    // Keep-alive sockets (and the browser's SSE connection) must not hold close() open.
    forceCloseConnections: true,
    return503OnClosing: true,
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    const bad = badRequestLine(req.raw);
    if (bad !== undefined) return json(reply, 400, `Bad request: ${bad}`);
    const hostHeader = req.headers.host;
    if (!isAllowedHost(hostHeader, port)) return json(reply, 403, 'Forbidden: the Host header must be a loopback address for this port');
    const url = new URL(req.url, 'http://127.0.0.1');
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    const origin = req.headers.origin;
    if (!isAllowedOrigin(typeof origin === 'string' ? origin : undefined, hostHeader as string)) {
      return json(reply, 403, 'Forbidden: cross-origin requests are not allowed');
    }
    const site = req.headers['sec-fetch-site'];
    if (!isAllowedFetchSite(typeof site === 'string' ? site : undefined, isApi)) return json(reply, 403, 'Forbidden: cross-site requests are not allowed');
    if (req.method !== 'GET') {
      reply.header('allow', 'GET');
      return json(reply, 405, 'method not allowed: this dashboard is read-only');
    }

    const presented = url.searchParams.get('token');
    if (presented !== null) {
      if (!tokensEqual(presented, token)) return unauthorized(reply, isApi);
      url.searchParams.delete('token');
      const rest = url.searchParams.toString();
      reply.header('set-cookie', authCookie(port, token));
      // One leading slash only: "//host/..." in Location would send the browser elsewhere.
      const path = `/${url.pathname.replace(/^[/\\]+/, '')}`;
      return reply.code(303).header('location', `${path}${rest ? `?${rest}` : ''}`).send();
    }
    const cookie = readCookie(req.headers.cookie, cookieName(port));
    const bearer = bearerToken(req.headers.authorization);
    if (!tokensEqual(cookie, token) && !tokensEqual(bearer, token)) return unauthorized(reply, isApi);
  });

  registerApiRoutes(app, {
    reader,
    health,
    hub,
    streamHeaders: (reply) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(reply.getHeaders())) if (typeof v === 'string') out[k] = v;
      return out;
    },
  });
  await registerStatic(app, opts.staticDir);
  app.setNotFoundHandler(async (req, reply) => {
    if (req.url.startsWith('/api')) return json(reply, 404, 'no such API route');
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  });

  try {
    await app.listen({ host: LOOPBACK, port: requestedPort });
  } catch (err) {
    hub.close();
    if (ownsReader) await reader.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`Dashboard port ${requestedPort} on ${LOOPBACK} is already in use; choose another with --port, or stop the process holding it`);
    throw err;
  }
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : requestedPort;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    token,
    reader,
    health: () => health.snapshot(),
    findings: (q) => findingsResponse(reader.index, q),
    close: () => {
      closing ??= (async () => {
        hub.close();
        await app.close();
        if (ownsReader) await reader.close();
      })();
      return closing;
    },
  };
}

function unauthorized(reply: FastifyReply, isApi: boolean): FastifyReply {
  if (isApi) {
    reply.header('www-authenticate', 'Bearer realm="beacon-dashboard"');
    return json(reply, 401, 'unauthorized: open the dashboard link printed by beacon, or send Authorization: Bearer <token>');
  }
  return reply.code(401).type('text/html; charset=utf-8').send(UNAUTHORIZED_PAGE);
}
