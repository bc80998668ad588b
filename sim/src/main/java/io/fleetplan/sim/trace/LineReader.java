package io.fleetplan.sim.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines ({@code \n}, {@code \r\n} or {@code \r}) of at most {@code maxChars} characters: unlike
 * {@link java.io.BufferedReader#readLine()}, a file without line breaks (a binary file, {@code /dev/zero}
 * behind a symlink that passed the checks) cannot grow one line until the heap is full.
 */
final class LineReader implements Closeable {

    private final Reader in;
    private final int maxChars;
    private final char[] buf = new char[1 << 14];
    private int pos;
    private int end;
    private boolean skipLf;
    private boolean eof;

    LineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line without its terminator, or null at the end. */
    String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (pos == end && !fill()) {
                return line == null ? null : line.toString();
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            int start = pos;
            while (pos < end && buf[pos] != '\n' && buf[pos] != '\r') {
                pos++;
            }
            int length = (line == null ? 0 : line.length()) + pos - start;
            if (length > maxChars) {
                throw new LineTooLongException();
            }
            if (pos < end) {
                char terminator = buf[pos++];
                skipLf = terminator == '\r';
                if (line == null) {
                    return new String(buf, start, pos - 1 - start);
                }
                return line.append(buf, start, pos - 1 - start).toString();
            }
            if (line == null) {
                line = new StringBuilder(Math.max(16, pos - start));
            }
            line.append(buf, start, pos - start);
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        end = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** A line over the limit. */
    static final class LineTooLongException extends IOException {
        LineTooLongException() {
            super(null, null);
        }
    }
}
