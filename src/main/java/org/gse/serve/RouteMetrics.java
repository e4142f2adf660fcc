package org.gse.serve;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counts by status and latency histograms per route, for {@code GET /metrics}. Latencies fall into
 * buckets whose upper bounds grow by a factor of about 1.26 (10 per decade) from 0.1 ms to 100 s, so a quantile is
 * reported as its bucket's upper bound, at most 26% above the true value.
 */
final class RouteMetrics {

    private static final int BUCKETS = 61;
    private static final double FIRST_BOUND_MS = 0.1;

    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    /** Records one finished request. */
    void record(String route, int status, long nanos) {
        routes.computeIfAbsent(route, r -> new Route()).record(status, nanos / 1e6);
    }

    /** Returns {@code {route: {count, by_status, mean_ms, p50_ms, p99_ms, max_ms}}}. */
    ObjectNode toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(routes).forEach((name, route) -> root.set(name, route.toJson()));
        return root;
    }

    /** Returns the latency quantile {@code q} of one route in milliseconds, or NaN when it has no requests. */
    double quantileMs(String route, double q) {
        Route r = routes.get(route);
        return r == null ? Double.NaN : r.quantileMs(q);
    }

    static double upperBoundMs(int bucket) {
        return FIRST_BOUND_MS * Math.pow(10, bucket / 10.0);
    }

    private static final class Route {
        private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS + 1);
        private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        private final LongAdder count = new LongAdder();
        private final LongAdder totalMicros = new LongAdder();
        private volatile double maxMs;

        void record(int status, double ms) {
            count.increment();
            totalMicros.add(Math.round(ms * 1000));
            byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
            int bucket = 0;
            while (bucket < BUCKETS && ms > upperBoundMs(bucket)) {
                bucket++;
            }
            buckets.incrementAndGet(bucket);
            synchronized (this) {
                maxMs = Math.max(maxMs, ms);
            }
        }

        double quantileMs(double q) {
            long total = 0;
            for (int i = 0; i <= BUCKETS; i++) {
                total += buckets.get(i);
            }
            if (total == 0) {
                return Double.NaN;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += buckets.get(i);
                if (seen >= rank) {
                    return Math.min(upperBoundMs(i), maxMs);
                }
            }
            return maxMs;
        }

        ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            long n = count.sum();
            node.put("count", n);
            ObjectNode statuses = node.putObject("by_status");
            new TreeMap<>(byStatus).forEach((status, adder) -> statuses.put(String.valueOf(status), adder.sum()));
            node.put("mean_ms", n == 0 ? 0 : totalMicros.sum() / 1000.0 / n);
            node.put("p50_ms", quantileMs(0.50));
            node.put("p99_ms", quantileMs(0.99));
            node.put("max_ms", maxMs);
            return node;
        }
    }
}
