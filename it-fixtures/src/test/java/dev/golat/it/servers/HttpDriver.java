// SPDX-License-Identifier: Apache-2.0
package dev.golat.it.servers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * The caller's side of a real server test: a bounded number of GETs over one keep-alive HTTP/1.1 connection to
 * 127.0.0.1, each timed with the caller's clock from send to the last byte of the body.
 */
final class HttpDriver {
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** What the caller saw: one duration per request, in ns, in the order sent. */
    record Calls(long[] ns) {
        int count() {
            return ns.length;
        }

        long sumNs() {
            return Arrays.stream(ns).sum();
        }

        /** The value at quantile {@code q} (0..1) of the sorted durations, nearest rank. */
        long quantileNs(double q) {
            long[] sorted = ns.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    /** GETs {@code url} {@code n} times; every answer must be 200. */
    Calls get(String url, int n) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            ns[i] = System.nanoTime() - start;
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + " at request " + (i + 1)
                        + ": " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return new Calls(ns);
    }

    /** One GET whose body is returned as text (not timed). */
    String text(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
