/**
 * The renderer's only way to read data: a small interface so views and stores never know about
 * URLs, cookies or EventSource, and so a future transport (e.g. IPC) can slot in.
 *
 * The HTTP implementation talks to the dashboard server that served this page, with relative
 * URLs only: no request ever leaves the origin (and so the machine). Auth is the HttpOnly cookie
 * the server set when the `?token=` link was opened; `credentials: 'same-origin'` sends it.
 * Everything here is read-only: actions that change anything go through the Electron bridge.
 */
import {
  API_ROUTES,
  STREAM_EVENTS,
  type EventRecord,
  type EventsQuery,
  type EventsResponse,
  type FacetsResponse,
  type FindingsResponse,
  type HealthResponse,
  type SessionDetailResponse,
  type SessionsResponse,
  type StreamHello,
  type TokenBucketSize,
  type TokensResponse,
  type TrendsResponse,
} from '../../../electron/shared/api';

export interface TokensQuery {
  bucket?: TokenBucketSize;
  since?: string;
  until?: string;
  session?: string;
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
  onEvent(record: EventRecord): void;
  onHealth(health: HealthResponse): void;
  onHello?(hello: StreamHello): void;
  onStatus?(status: StreamStatus): void;
}

export interface BeaconClient {
  health(): Promise<HealthResponse>;
  events(query?: EventsQuery): Promise<EventsResponse>;
  sessions(): Promise<SessionsResponse>;
  session(id: string): Promise<SessionDetailResponse>;
  tokens(query?: TokensQuery): Promise<TokensResponse>;
  /** days: how many local days back; tz_offset: Date.getTimezoneOffset(), so days are the user's. */
  trends(query?: { days?: number; tz_offset?: number }): Promise<TrendsResponse>;
  facets(): Promise<FacetsResponse>;
  findings(query?: { min_severity?: string; session?: string; limit?: number }): Promise<FindingsResponse>;
  /** Live events and health. Returns a function that closes the stream for good. */
  subscribe(handlers: StreamHandlers): () => void;
}

/** A failed API call, with the server's `{error}` text when it sent one. */
export class ApiRequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class HttpBeaconClient implements BeaconClient {
  /**
   * Routes are origin-relative paths (`/api/...`): the same server that served this page
   * answers them, whether the page is a browser tab or the Electron tray window pointed at
   * the dashboard URL. Never an absolute URL, so nothing can be sent to another host.
   */
  private url(route: string, params: object = {}): string {
    return `${route}${queryString(params)}`;
  }

  private async get<T>(route: string, params: object = {}): Promise<T> {
    const res = await fetch(this.url(route, params), {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
      cache: 'no-store',
    });
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`;
      try {
        const body = (await res.json()) as { error?: string };
        if (body && typeof body.error === 'string') message = body.error;
      } catch {
        // not JSON: keep the status line
      }
      throw new ApiRequestError(res.status, message);
    }
    return (await res.json()) as T;
  }

  health(): Promise<HealthResponse> {
    return this.get(API_ROUTES.health);
  }
  events(query: EventsQuery = {}): Promise<EventsResponse> {
    return this.get(API_ROUTES.events, query);
  }
  sessions(): Promise<SessionsResponse> {
    return this.get(API_ROUTES.sessions);
  }
  session(id: string): Promise<SessionDetailResponse> {
    return this.get(API_ROUTES.session(id));
  }
  tokens(query: TokensQuery = {}): Promise<TokensResponse> {
    return this.get(API_ROUTES.tokens, query);
  }
  trends(query: { days?: number; tz_offset?: number } = {}): Promise<TrendsResponse> {
    return this.get(API_ROUTES.trends, query);
  }
  facets(): Promise<FacetsResponse> {
    return this.get(API_ROUTES.facets);
  }
  findings(query: { min_severity?: string; session?: string; limit?: number } = {}): Promise<FindingsResponse> {
    return this.get(API_ROUTES.findings, query);
  }

  /**
   * EventSource reconnects by itself after a dropped connection and sends Last-Event-ID, so the
   * server resumes where we left off. When the server refuses (e.g. restarted with a new token,
   * EventSource gives up: readyState CLOSED), we open a fresh one with a capped backoff.
   */
  subscribe(handlers: StreamHandlers): () => void {
    let source: EventSource | null = null;
    let closed = false;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let delay = 1000;

    const parse = <T,>(raw: string): T | null => {
      try {
        return JSON.parse(raw) as T;
      } catch {
        return null;
      }
    };

    const open = () => {
      if (closed) return;
      handlers.onStatus?.('connecting');
      const es = new EventSource(this.url(API_ROUTES.stream), { withCredentials: false });
      source = es;
      es.onopen = () => {
        delay = 1000;
        handlers.onStatus?.('live');
      };
      es.addEventListener(STREAM_EVENTS.hello, (e) => {
        const hello = parse<StreamHello>((e as MessageEvent).data);
        if (hello) handlers.onHello?.(hello);
      });
      es.addEventListener(STREAM_EVENTS.event, (e) => {
        const record = parse<EventRecord>((e as MessageEvent).data);
        if (record && record.event) handlers.onEvent(record);
      });
      es.addEventListener(STREAM_EVENTS.health, (e) => {
        const health = parse<HealthResponse>((e as MessageEvent).data);
        if (health) handlers.onHealth(health);
      });
      es.onerror = () => {
        if (closed) return;
        handlers.onStatus?.('reconnecting');
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          retryTimer = setTimeout(open, delay);
          delay = Math.min(delay * 2, 30_000);
        }
      };
    };

    open();
    return () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
    };
  }
}
