/**
 * Path matching for the simulator (docs/actitime-model.md §1.3 routing). Patterns are relative to /api/v1 with `:name` segments.
 * Like Spring's handler mapping, every pattern that matches the path is a candidate, the most literal first
 * (compared segment by segment from the left); the first candidate that has the method wins. A path that
 * some pattern matches but none for this method is 405; a path no pattern matches is 404.
 */
import type { HttpMethod, RouteHandler, RouteRegistrar } from './types.js';

export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

interface Route {
  method: HttpMethod;
  pattern: string;
  /** A literal segment, or `{param: name}`. */
  segments: Array<string | { param: string }>;
  handler: RouteHandler;
}

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; params: Record<string, string>; pattern: string }
  | { kind: 'method_not_allowed'; allow: HttpMethod[] }
  | { kind: 'not_found' };

export class Router implements RouteRegistrar {
  private readonly routes: Route[] = [];

  add(method: HttpMethod, pattern: string, handler: RouteHandler): void {
    if (!HTTP_METHODS.includes(method)) throw new Error(`simulator router: unsupported method ${method}`);
    const segments = splitPattern(pattern).map((s) => (s.startsWith(':') ? { param: s.slice(1) } : s));
    for (const s of segments) {
      if (typeof s === 'string' ? s === '' : s.param === '') {
        throw new Error(`simulator router: empty segment in ${pattern}`);
      }
    }
    const shape = shapeOf(segments);
    if (this.routes.some((r) => r.method === method && shapeOf(r.segments) === shape)) {
      throw new Error(`simulator router: ${method} ${pattern} registered twice`);
    }
    this.routes.push({ method, pattern, segments, handler });
  }

  /** `segments` are the decoded path segments after /api/v1, e.g. `['users', 'me']`. */
  match(method: string, segments: readonly string[]): RouteMatch {
    const candidates = this.routes
      .filter((r) => matches(r, segments))
      .sort((a, b) => compareSpecificity(a.segments, b.segments));
    if (candidates.length === 0) return { kind: 'not_found' };
    const hit = candidates.find((r) => r.method === method);
    if (!hit) {
      const allow = HTTP_METHODS.filter((m) => candidates.some((r) => r.method === m));
      return { kind: 'method_not_allowed', allow };
    }
    const params: Record<string, string> = {};
    hit.segments.forEach((s, i) => {
      if (typeof s !== 'string') params[s.param] = segments[i] ?? '';
    });
    return { kind: 'found', handler: hit.handler, params, pattern: hit.pattern };
  }

  /** Registered `METHOD pattern` pairs, for diagnostics and tests. */
  list(): string[] {
    return this.routes.map((r) => `${r.method} ${r.pattern}`);
  }
}

function splitPattern(pattern: string): string[] {
  const trimmed = pattern.replace(/^\/+/, '');
  return trimmed === '' ? [] : trimmed.split('/');
}

function shapeOf(segments: Route['segments']): string {
  return segments.map((s) => (typeof s === 'string' ? s : ':')).join('/');
}

function matches(route: Route, segments: readonly string[]): boolean {
  if (route.segments.length !== segments.length) return false;
  return route.segments.every((s, i) => {
    const actual = segments[i];
    if (actual === undefined || actual === '') return false;
    return typeof s === 'string' ? s === actual : true;
  });
}

/** Negative when `a` is more specific: the first position where one is literal and the other a parameter. */
function compareSpecificity(a: Route['segments'], b: Route['segments']): number {
  for (let i = 0; i < a.length; i++) {
    const aLiteral = typeof a[i] === 'string';
    const bLiteral = typeof b[i] === 'string';
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return 0;
}

/**
 * Splits a raw path relative to /api/v1 (`/users/j%20smith`) into decoded segments for matching. An encoded
 * `/` stays inside its segment. `segments` is undefined when a segment is not valid percent-encoding; `path`
 * is the decoded form for the request log (the raw form when undecodable).
 */
export function decodeRelativePath(relativeRaw: string): { segments: string[] | undefined; path: string } {
  const parts = relativeRaw.replace(/^\//, '').split('/');
  const rawSegments = relativeRaw === '' || relativeRaw === '/' ? [] : parts;
  try {
    const segments = rawSegments.map((s) => decodeURIComponent(s));
    return { segments, path: `/${segments.join('/')}` };
  } catch {
    return { segments: undefined, path: relativeRaw };
  }
}
