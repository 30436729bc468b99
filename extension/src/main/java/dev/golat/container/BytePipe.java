// SPDX-License-Identifier: Apache-2.0
package dev.golat.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * An unbounded in-memory pipe between two threads. Unlike {@link java.io.PipedInputStream} it does not
 * tie itself to the writer thread (docker-java's callback threads come and go, and a dead writer thread
 * makes {@code PipedInputStream} fail with "Write end dead"). Reads block until bytes arrive or the
 * writer closes; reading after {@link #closeRead()} sees end of stream.
 */
final class BytePipe {
    private byte[] buf = new byte[8192];
    private int head;
    private int tail;
    private boolean writeClosed;
    private boolean readClosed;

    private final InputStream in = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return BytePipe.this.read(b, off, len);
        }

        @Override
        public int available() {
            synchronized (BytePipe.this) {
                return tail - head;
            }
        }

        @Override
        public void close() {
            closeRead();
        }
    };

    private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            BytePipe.this.write(b, off, len);
        }

        @Override
        public void close() {
            closeWrite();
        }
    };

    InputStream inputStream() {
        return in;
    }

    OutputStream outputStream() {
        return out;
    }

    synchronized void write(byte[] b, int off, int len) throws IOException {
        if (writeClosed) {
            throw new IOException("pipe closed for writing");
        }
        if (readClosed) {
            return; // nobody reads any more: drop, as a closed terminal would
        }
        if (tail + len > buf.length) {
            int size = tail - head;
            if (size + len > buf.length) {
                buf = Arrays.copyOf(Arrays.copyOfRange(buf, head, tail), Math.max(buf.length * 2, size + len));
            } else {
                System.arraycopy(buf, head, buf, 0, size);
            }
            head = 0;
            tail = size;
        }
        System.arraycopy(b, off, buf, tail, len);
        tail += len;
        notifyAll();
    }

    synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (head == tail && !writeClosed && !readClosed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the pipe");
            }
        }
        if (head == tail || readClosed) {
            return -1;
        }
        int n = Math.min(len, tail - head);
        System.arraycopy(buf, head, b, off, n);
        head += n;
        return n;
    }

    synchronized void closeWrite() {
        writeClosed = true;
        notifyAll();
    }

    synchronized void closeRead() {
        readClosed = true;
        head = tail = 0;
        notifyAll();
    }
}
