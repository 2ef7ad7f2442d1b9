/**
 * The quirk switches that change a whole route: whether it exists (no-delta), what it answers instead of
 * running (side-*), or what it leaves out of a successful answer (empty-write-responses). They wrap the
 * registrar, so the route files keep the model's own behaviour and the switches stay in one place.
 */
import { sideRefusal, type Quirk, type SideRefusal } from '../quirks.js';
import {
  SimError,
  type HttpMethod,
  type RouteHandler,
  type RouteRegistrar,
  type RouteResult,
} from '../types.js';

/** Known only from a swagger-derived listing, not from the official pages (docs/actitime-model.md §2.17). */
const SIDE_ROUTES = [
  'GET /users/:user/workAssignments',
  'GET /customers/:id/assignedUsers',
  'GET /projects/:id/assignedUsers',
  'GET /tasks/:id/assignedUsers',
];
/** Unconfirmed, and absent on older versions (docs/actitime-model.md §2.7, §2.8). */
const DELTA_ROUTES = [
  'PATCH /timetrack/:user/:date/:taskId/time',
  'PATCH /leavetime/:user/:date/:leaveTypeId/time',
];
/** A write whose response body is unconfirmed (docs/actitime-model.md §2.8). */
const LEAVE_CELL_WRITE = 'PATCH /leavetime/:user/:date/:leaveTypeId';

/** A servlet container's page for a path no application route serves. */
const HTML_404 =
  '<!doctype html><html lang="en"><head><title>HTTP Status 404 – Not Found</title></head><body>' +
  '<h1>HTTP Status 404 – Not Found</h1><hr class="line" /><p><b>Type</b> Status Report</p>' +
  '<p><b>Description</b> The origin server did not find a current representation for the target resource ' +
  'or is not willing to disclose that one exists.</p><hr class="line" /><h3>Apache Tomcat</h3></body></html>';

function refuse(side: SideRefusal): RouteResult {
  if (side === 'side-403') throw new SimError(403, 'access_denied');
  if (side === 'side-404') throw new SimError(404, 'object_not_found');
  return { status: 404, body: HTML_404, headers: { 'Content-Type': 'text/html;charset=utf-8' } };
}

/** Runs the write, then answers `status` without a body. */
function bodiless(handler: RouteHandler, status: number): RouteHandler {
  return async (ctx) => {
    await handler(ctx);
    return { status };
  };
}

export class QuirkRoutes implements RouteRegistrar {
  private readonly seen = new Set<string>();

  constructor(
    private readonly inner: RouteRegistrar,
    private readonly quirks: ReadonlySet<Quirk>,
  ) {}

  add(method: HttpMethod, pattern: string, handler: RouteHandler): void {
    const route = `${method} ${pattern}`;
    this.seen.add(route);
    const side = sideRefusal(this.quirks);
    const empty = this.quirks.has('empty-write-responses');
    if (DELTA_ROUTES.includes(route)) {
      if (this.quirks.has('no-delta')) return;
      if (empty) return this.inner.add(method, pattern, bodiless(handler, 204));
    }
    if (SIDE_ROUTES.includes(route) && side) return this.inner.add(method, pattern, () => refuse(side));
    if (route === LEAVE_CELL_WRITE && empty) return this.inner.add(method, pattern, bodiless(handler, 200));
    this.inner.add(method, pattern, handler);
  }

  /** Throws when a route a switch is about was never registered: a renamed pattern must not disarm it. */
  assertComplete(): void {
    const missing = [...SIDE_ROUTES, ...DELTA_ROUTES, LEAVE_CELL_WRITE].filter((r) => !this.seen.has(r));
    if (missing.length > 0) throw new Error(`simulator quirks: routes not registered: ${missing.join(', ')}`);
  }
}
