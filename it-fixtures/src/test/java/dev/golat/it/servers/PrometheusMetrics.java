// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.servers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prometheus' own view of its HTTP handlers, read from its text exposition format on {@code /metrics}:
 * {@code prometheus_http_request_duration_seconds} (a classic histogram per handler: cumulative buckets, sum,
 * count) and {@code prometheus_http_requests_total}.
 */
final class PrometheusMetrics {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);

    private final Map<String, Double> samples = new LinkedHashMap<>();

    PrometheusMetrics(String exposition) {
        Matcher m = SAMPLE.matcher(exposition);
        while (m.find()) {
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
    }

    /** The sample {@code name{labels}} exactly as exposed, e.g. {@code x_count{handler="/version"}}; 0 when absent. */
    double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    long durationCount(String handler) {
        return (long) value("prometheus_http_request_duration_seconds_count{handler=\"" + handler + "\"}");
    }

    double durationSumSeconds(String handler) {
        return value("prometheus_http_request_duration_seconds_sum{handler=\"" + handler + "\"}");
    }

    long requestsTotal(String handler, int code) {
        return (long) value("prometheus_http_requests_total{code=\"" + code + "\",handler=\"" + handler + "\"}");
    }

    /** Upper bound in seconds → cumulative count, for the finite buckets of {@code handler}. */
    Map<Double, Long> durationBuckets(String handler) {
        Map<Double, Long> buckets = new LinkedHashMap<>();
        Pattern bucket = Pattern.compile("prometheus_http_request_duration_seconds_bucket\\{handler=\""
                + Pattern.quote(handler) + "\",le=\"([^\"]+)\"}");
        samples.forEach((series, v) -> {
            Matcher m = bucket.matcher(series);
            if (m.matches() && !m.group(1).equals("+Inf")) {
                buckets.put(Double.parseDouble(m.group(1)), (long) (double) v);
            }
        });
        return buckets;
    }
}
