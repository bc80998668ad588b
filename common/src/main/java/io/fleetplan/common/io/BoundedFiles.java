package io.fleetplan.common.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens input files (configs, traces) with a size limit: a device, FIFO or directory is refused before it is
 * read ({@code /dev/zero} never ends), a regular file larger than the limit is refused by its size, and a file
 * that grows while it is read stops at the limit. The errors name the file, what it is read as and the limit.
 */
public final class BoundedFiles {

    private BoundedFiles() {}

    /** A stream over {@code file} that fails with {@link InputTooLargeException} past {@code maxBytes}. */
    public static InputStream open(Path file, long maxBytes, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (!Files.isRegularFile(file)) {
            throw new NotARegularFileException(
                    file.toString(),
                    what + " must be a regular file ("
                            + (Files.isDirectory(file)
                                    ? "this is a directory"
                                    : "a device, FIFO or socket cannot be read as one")
                            + ")");
        }
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new InputTooLargeException(file.toString(), what, maxBytes, size);
        }
        return limited(Files.newInputStream(file), file.toString(), what, maxBytes);
    }

    /** The whole of {@code file} as UTF-8, at most {@code maxBytes}. */
    public static String readString(Path file, long maxBytes, String what) throws IOException {
        try (InputStream in = open(file, maxBytes, what)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Wraps {@code in} so that reading more than {@code maxBytes} fails (for streams of unknown length). */
    public static InputStream limited(InputStream in, String name, String what, long maxBytes) {
        return new FilterInputStream(in) {
            private long read;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) throws InputTooLargeException {
                read += n;
                if (read > maxBytes) {
                    throw new InputTooLargeException(name, what, maxBytes, -1);
                }
            }
        };
    }

    /** "4 MiB", "512 KiB" or "100 bytes". */
    public static String bytes(long n) {
        if (n >= 1L << 20 && n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        if (n >= 1L << 10 && n % (1L << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " bytes";
    }

    /** A file that cannot be read within the limits; {@link #reason()} is the message without the file name. */
    public abstract static sealed class RefusedInputException extends IOException
            permits InputTooLargeException, NotARegularFileException {
        private final String reason;

        RefusedInputException(String name, String reason) {
            super(name + ": " + reason);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** A file (or stream) over its size limit. */
    public static final class InputTooLargeException extends RefusedInputException {
        public InputTooLargeException(String name, String what, long limit, long size) {
            super(
                    name,
                    what + " is larger than the limit of " + bytes(limit)
                            + (size >= 0 ? " (it has " + bytes(size) + ")" : ""));
        }
    }

    /** A path that is not a regular file (device, FIFO, socket, directory). */
    public static final class NotARegularFileException extends RefusedInputException {
        public NotARegularFileException(String name, String reason) {
            super(name, reason);
        }
    }
}
