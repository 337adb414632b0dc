import t from 'tap';
import fc from 'fast-check';
import { Counter, Histogram, Registry, type Metric } from 'prom-client';
import { RequestMetrics } from '../../src/plugins/requestMetrics.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1];

/** Exposition lines as `name{labels, sorted} → value`, so label order does not matter. */
function samples(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (!m) continue;
    const labels = (m[2] ?? '').split(/,(?=[a-z_]+=)/).filter(Boolean).sort().join(',');
    out.set(`${m[1]}{${labels}}`, m[3]!);
  }
  return out;
}

t.test('the counted metrics expose what prom-client\'s own Counter and Histogram would', async (t) => {
  const request = fc.record({
    route: fc.constantFrom('/v1/persons/:id', '/v1/entities/:uscc', 'unmatched', '/a "quoted" \\ route'),
    method: fc.constantFrom('GET', 'POST'),
    status: fc.constantFrom(200, 400, 403, 404, 503),
    // Exactly on a bound, between bounds, below the first and beyond the last.
    seconds: fc.oneof(fc.constantFrom(...BUCKETS, 0, 2.5), fc.double({ min: 0, max: 3, noNaN: true })),
  });
  await fc.assert(fc.asyncProperty(fc.array(request, { maxLength: 60 }), async (requests) => {
    const theirs = new Registry();
    const counter = new Counter({ name: 'dx_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'method', 'status'], registers: [theirs] });
    const histogram = new Histogram({ name: 'dx_http_request_seconds', help: 'Request latency', labelNames: ['route'], buckets: BUCKETS, registers: [theirs] });
    const ours = new Registry();
    const metrics = new RequestMetrics('dx_http', BUCKETS);
    ours.registerMetric(metrics.requestCounter('HTTP requests') as unknown as Metric);
    ours.registerMetric(metrics.latencyHistogram('Request latency') as unknown as Metric);
    for (const r of requests) {
      counter.inc({ route: r.route, method: r.method, status: String(r.status) });
      histogram.observe({ route: r.route }, r.seconds);
      metrics.observe(r.route, r.method, r.status, r.seconds);
    }
    const [a, b] = [samples(await theirs.metrics()), samples(await ours.metrics())];
    t.same([...b].sort(), [...a].sort());
    return true;
  }), { numRuns: 100 });
});

t.test('nothing observed, nothing exposed but the headers', async (t) => {
  const registry = new Registry();
  registry.registerMetric(new RequestMetrics('dx_http', BUCKETS).requestCounter('HTTP requests') as unknown as Metric);
  t.equal(await registry.metrics(), '# HELP dx_http_requests_total HTTP requests\n# TYPE dx_http_requests_total counter\n');
});
