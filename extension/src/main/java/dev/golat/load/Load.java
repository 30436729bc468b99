// SPDX-License-Identifier: Apache-2.0
package dev.golat.load;

import dev.golat.result.Latency;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Load a gate can trust: {@code N} workers make calls until a count or a duration is reached, optionally
 * at a target rate, after warm-up calls that the measured window does not see.
 *
 * <pre>{@code
 * StmtClient[] clients = ...; // one per worker
 * Load.of((worker, i) -> clients[worker].exec("SELECT " + i))
 *         .workers(4).warmUp(1_000).calls(20_000)
 *         .window(latency)   // reset after the warm-up: the window holds the 20,000 calls only
 *         .run();
 * }</pre>
 *
 * Bounded: a run ends at its count or its duration, and never runs longer than {@link #MAX_DURATION}. The
 * first call that throws stops every worker and is rethrown, naming the worker and the call.
 */
public final class Load {
    public static final Duration MAX_DURATION = Duration.ofMinutes(30);

    /** One call of the load; {@code worker} is 0..workers-1 (keep a client per worker), {@code index} counts calls. */
    @FunctionalInterface
    public interface Call {
        void call(int worker, long index) throws Exception;
    }

    /** What a run did. */
    public record Result(long warmUpCalls, long calls, Duration elapsed) {
        /** Calls per second in the measured part. */
        public double rate() {
            return elapsed.isZero() ? 0 : calls / (elapsed.toNanos() / 1e9);
        }
    }

    private final Call call;
    private final int workers;
    private final long calls;
    private final Duration duration;
    private final double rate;
    private final long warmUp;
    private final List<Latency> windows;

    private Load(Call call, int workers, long calls, Duration duration, double rate, long warmUp, List<Latency> windows) {
        this.call = call;
        this.workers = workers;
        this.calls = calls;
        this.duration = duration;
        this.rate = rate;
        this.warmUp = warmUp;
        this.windows = windows;
    }

    public static Load of(Call call) {
        return new Load(Objects.requireNonNull(call, "call"), 1, -1, null, 0, 0, List.of());
    }

    public Load workers(int n) {
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("workers must be 1..1024, was " + n);
        }
        return new Load(call, n, calls, duration, rate, warmUp, windows);
    }

    /** Stop after {@code n} measured calls in all (spread over the workers). */
    public Load calls(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("calls must be at least 1, was " + n);
        }
        return new Load(call, workers, n, duration, rate, warmUp, windows);
    }

    /** Stop the measured part after {@code d} (with {@link #calls}, whichever comes first). */
    public Load duration(Duration d) {
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be positive and at most " + MAX_DURATION + ", was " + d);
        }
        return new Load(call, workers, calls, d, rate, warmUp, windows);
    }

    /** Pace the calls to {@code perSecond} in all (each worker a share); without it, every worker calls flat out. */
    public Load rate(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive calls per second, was " + perSecond);
        }
        return new Load(call, workers, calls, duration, perSecond, warmUp, windows);
    }

    /** Make {@code n} calls first (spread over the workers), then start the window. */
    public Load warmUp(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("warmUp must be 0 or more calls, was " + n);
        }
        return new Load(call, workers, calls, duration, rate, n, windows);
    }

    /** The latencies whose window starts after the warm-up ({@link Latency#reset()} on each). */
    public Load window(Latency... latencies) {
        return new Load(call, workers, calls, duration, rate, warmUp, List.of(latencies));
    }

    public Result run() {
        if (calls < 0 && duration == null) {
            throw new IllegalStateException("a load needs calls(n) or duration(d) so that it ends");
        }
        AtomicLong warmIndex = new AtomicLong();
        AtomicLong index = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] window = new long[2]; // start, end nanos
        CyclicBarrier warm = new CyclicBarrier(workers, () -> {
            windows.forEach(Latency::reset);
            window[0] = System.nanoTime();
        });
        long limit = calls < 0 ? Long.MAX_VALUE : calls;
        long maxNanos = (duration == null ? MAX_DURATION : duration).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                try {
                    long i;
                    while (failure.get() == null && (i = warmIndex.getAndIncrement()) < warmUp) {
                        call.call(worker, i);
                    }
                    warm.await();
                    long start = window[0];
                    double perWorkerGap = rate > 0 ? 1e9 * workers / rate : 0;
                    long k = 0;
                    while (failure.get() == null && System.nanoTime() - start < maxNanos
                            && (i = index.getAndIncrement()) < limit) {
                        if (perWorkerGap > 0) {
                            long due = start + (long) (perWorkerGap * k++);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        }
                        call.call(worker, i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, new IllegalStateException("load worker " + worker + " failed: " + e, e));
                    warm.reset(); // release workers waiting at the barrier
                }
            }, "golat-load-" + w);
            threads.add(t);
            t.start();
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.forEach(Thread::interrupt);
            throw new IllegalStateException("interrupted while driving load", e);
        }
        window[1] = System.nanoTime();
        Throwable f = failure.get();
        if (f != null) {
            throw (RuntimeException) f;
        }
        long made = Math.min(index.get(), limit);
        return new Result(Math.min(warmIndex.get(), warmUp), made, Duration.ofNanos(window[1] - window[0]));
    }
}
