// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BytePipeTest {

    @Test
    void should_hand_bytes_from_short_lived_writer_threads_to_a_reader_in_order() throws Exception {
        BytePipe pipe = new BytePipe();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.inputStream().readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int t = 0; t < 50; t++) {
            byte[] chunk = new byte[1000 + t * 517];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 31 + t);
            }
            expected.write(chunk);
            // A new thread per write, which then dies: PipedInputStream fails with "Write end dead" here.
            Thread w = new Thread(() -> {
                try {
                    pipe.outputStream().write(chunk);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            w.start();
            w.join();
        }
        pipe.closeWrite();

        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(expected.toByteArray());
    }

    @Test
    void should_end_a_blocked_read_when_the_reader_closes() throws Exception {
        BytePipe pipe = new BytePipe();
        InputStream in = pipe.inputStream();
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertThat(read).isNotDone();

        in.close();

        assertThat(read.get(5, TimeUnit.SECONDS)).isEqualTo(-1);
        pipe.outputStream().write(new byte[] {1, 2, 3}); // dropped, no error: the reader has gone
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void should_refuse_writes_after_the_writer_closed() {
        BytePipe pipe = new BytePipe();
        pipe.closeWrite();
        assertThatThrownBy(() -> pipe.outputStream().write(1)).isInstanceOf(IOException.class).hasMessage("pipe closed for writing");
    }
}
