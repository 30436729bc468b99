// SPDX-License-Identifier: Apache-2.0
package dev.golat.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NoiseWitnessTest {

    @Test
    void should_see_the_cpu_time_the_jvm_itself_measures_for_a_busy_thread() throws Exception {
        // GIVEN the CPU time of one spinning thread, as the JVM measures it
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong cpu = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<NoiseWitness> after = new java.util.concurrent.atomic.AtomicReference<>();
        long pid = ProcessHandle.current().pid();
        NoiseWitness before = NoiseWitness.read(pid);
        Thread t = new Thread(() -> {
            // spin until the thread has had 200 ms of CPU (a shared machine may give it a fraction of the wall time)
            long end = System.nanoTime() + 20_000_000_000L;
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 200_000_000L && System.nanoTime() < end) {
                for (int i = 0; i < 10_000; i++) {
                    x += x * 31 + 1;
                }
            }
            cpu.set(mx.getCurrentThreadCpuTime() + (x == 42 ? 1 : 0));
            after.set(NoiseWitness.read(pid)); // while the thread is alive: an exited thread leaves /proc
        });
        t.start();
        t.join();
        // WHEN the process's threads were read again (by the thread itself, before it ended)
        NoiseWitness window = after.get().minus(before);
        // THEN the kernel's sum over threads holds at least that thread's time (other JVM threads add to it)
        assertThat(cpu.get()).isGreaterThanOrEqualTo(200_000_000L);
        assertThat(window.cpuNanos()).isGreaterThanOrEqualTo(cpu.get() * 9 / 10);
        assertThat(window.threads()).isGreaterThan(1);
    }

    @Test
    void should_see_threads_wait_when_there_are_more_spinners_than_cores() throws Exception {
        // GIVEN twice as many spinning threads as cores for 400 ms: together they ask for 2 x cores x 400 ms of
        // CPU but can get at most cores x 400 ms, so at least as much is spent waiting
        int cores = Runtime.getRuntime().availableProcessors();
        long pid = ProcessHandle.current().pid();
        NoiseWitness before = NoiseWitness.read(pid);
        long start = System.nanoTime();
        List<Thread> spinners = new ArrayList<>();
        java.util.concurrent.CountDownLatch spun = new java.util.concurrent.CountDownLatch(2 * cores);
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 2 * cores; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (System.nanoTime() - start < 400_000_000L) {
                    x += x * 31 + 1;
                }
                if (x == 42) {
                    System.out.print("");
                }
                spun.countDown();
                try {
                    read.await(); // stay alive until read: an exited thread leaves /proc
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            spinners.add(t);
            t.start();
        }
        spun.await();
        long wall = System.nanoTime() - start;
        NoiseWitness window = NoiseWitness.read(pid).minus(before);
        read.countDown();
        for (Thread t : spinners) {
            t.join();
        }
        // THEN the kernel saw them wait: more than a quarter of the minimum (margin for threads finishing early)
        assertThat(window.waitNanos()).as(window.describe()).isGreaterThan((long) cores * wall / 4);
        assertThat(window.contention()).isGreaterThan(0.2);
    }

    @Test
    void should_say_when_the_process_does_not_exist() {
        assertThatIllegalStateException().isThrownBy(() -> NoiseWitness.read(Integer.MAX_VALUE))
                .withMessage("no process 2147483647 (/proc/2147483647/task does not exist)");
    }

    @Test
    void should_describe_the_share_of_runnable_time_spent_waiting() {
        assertThat(new NoiseWitness(3_000_000_000L, 1_000_000_000L, 4).describe())
                .isEqualTo("waited 25% of runnable time for a CPU (1.0 s of 4.0 s)");
        assertThat(NoiseWitness.NONE.describe()).isEqualTo("no CPU-wait figures");
    }
}
