/**
 * Round trips on a client's critical path, reconstructed from the request log: the longest chain of HTTP
 * requests in which each one arrived after the previous one's answer had left (so it may have waited for it).
 * Requests a client sends together overlap and count once; a request sent only after an answer counts again.
 * With a simulated latency L (latency.ts) a call's wall time is at least its round trips × L. Sub-operations of
 * a batch ride on their batch request and are left out; a request without an answer (aborted) ends no chain.
 */
import type { RecordedRequest } from './types.js';

export type Span = Pick<RecordedRequest, 'seq' | 'arrivedAt'> &
  Partial<Pick<RecordedRequest, 'answeredAt' | 'finishedAt' | 'batchOf'>>;

export interface CriticalPath {
  /** Requests in the longest chain: 0 for an empty log. */
  roundTrips: number;
  /** The chain's `seq`s, first to last. */
  chain: number[];
  /** HTTP requests considered (batch sub-operations excluded). */
  requests: number;
}

export function criticalPath(log: readonly Span[]): CriticalPath {
  const spans = log.filter((r) => r.batchOf === undefined);
  const byStart = [...spans].sort((a, b) => a.arrivedAt - b.arrivedAt || a.seq - b.seq);
  const endOf = (r: Span): number | undefined => r.answeredAt ?? r.finishedAt;
  const byEnd = spans
    .filter((r) => endOf(r) !== undefined)
    .sort((a, b) => endOf(a)! - endOf(b)! || a.seq - b.seq);
  // Longest chain ending at each request, in start order: every request that ended by this one's arrival
  // started before it, so its chain is known already.
  const chainAt = new Map<number, { length: number; prev?: number }>();
  let best: { length: number; seq: number } | undefined;
  let ended = 0;
  let longestEnded: { length: number; seq: number } | undefined;
  for (const r of byStart) {
    while (ended < byEnd.length && endOf(byEnd[ended]!)! <= r.arrivedAt) {
      const done = byEnd[ended++]!;
      const length = chainAt.get(done.seq)?.length ?? 0;
      if (!longestEnded || length > longestEnded.length) longestEnded = { length, seq: done.seq };
    }
    const length = (longestEnded?.length ?? 0) + 1;
    chainAt.set(r.seq, longestEnded ? { length, prev: longestEnded.seq } : { length });
    if (!best || length > best.length) best = { length, seq: r.seq };
  }
  const chain: number[] = [];
  for (let seq: number | undefined = best?.seq; seq !== undefined; seq = chainAt.get(seq)?.prev)
    chain.unshift(seq);
  return { roundTrips: best?.length ?? 0, chain, requests: spans.length };
}
