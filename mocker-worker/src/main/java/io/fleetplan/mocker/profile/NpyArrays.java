package io.fleetplan.mocker.profile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads NumPy {@code .npz} archives (a zip of {@code .npy} members, stored or deflated) into named numeric
 * arrays, so profiles written by Python tools load without Python. Supports the NPY format versions 1 to 3,
 * little- and big-endian integer and float dtypes, C and Fortran order, any number of dimensions; values are
 * widened to {@code double} and returned in C (row-major) order.
 */
public final class NpyArrays {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyArrays() {}

    /** One array: values in row-major order and its shape ({@code []} for a scalar). */
    public record NdArray(double[] values, int[] shape) {
        public int rank() {
            return shape.length;
        }
    }

    /** Every member of an {@code .npz} file, by name without the {@code .npy} suffix, in archive order. */
    public static Map<String, NdArray> readNpz(Path file) throws IOException {
        Map<String, NdArray> out = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory() || !e.getName().endsWith(".npy")) {
                    continue;
                }
                String name = e.getName().substring(0, e.getName().length() - 4);
                try {
                    out.put(name, readNpy(zip));
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException(file + ": member " + e.getName() + ": " + bad.getMessage(), bad);
                }
            }
        } catch (ZipException z) {
            throw new IllegalArgumentException(file + " is not a NumPy .npz archive (" + z.getMessage() + ")", z);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " is not a NumPy .npz archive: it holds no .npy members");
        }
        return out;
    }

    /** One {@code .npy} stream. */
    public static NdArray readNpy(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (byte m : MAGIC) {
            if (b.remaining() == 0 || b.get() != m) {
                throw new IllegalArgumentException("not an .npy array (missing the \\x93NUMPY magic)");
            }
        }
        int major = Byte.toUnsignedInt(b.get());
        b.get(); // minor version: no format difference
        long headerLen = switch (major) {
            case 1 -> Short.toUnsignedInt(b.getShort());
            case 2, 3 -> Integer.toUnsignedLong(b.getInt());
            default ->
                throw new IllegalArgumentException("unsupported .npy format version " + major + " (1 to 3 are read)");
        };
        if (headerLen > b.remaining()) {
            throw new IllegalArgumentException("truncated .npy header");
        }
        byte[] headerBytes = new byte[(int) headerLen];
        b.get(headerBytes);
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException("unreadable .npy header " + header.trim()
                    + " (needs a numeric 'descr', 'fortran_order' and 'shape')");
        }
        ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        char kind = d.group(2).charAt(0);
        int size = Integer.parseInt(d.group(3));
        int[] shape = parseShape(s.group(1));
        long count = 1;
        for (int dim : shape) {
            count *= dim;
        }
        if (count * size > b.remaining()) {
            throw new IllegalArgumentException(
                    "truncated .npy data: shape " + s.group(1).trim() + " of " + d.group(2) + d.group(3) + " needs "
                            + count * size + " bytes, " + b.remaining() + " present");
        }
        b.order(order);
        double[] values = new double[(int) count];
        for (int i = 0; i < values.length; i++) {
            values[i] = read(b, kind, size, d.group());
        }
        if (f.group(1).equals("True") && shape.length > 1) {
            values = toRowMajor(values, shape);
        }
        return new NdArray(values, shape);
    }

    private static double read(ByteBuffer b, char kind, int size, String descr) {
        return switch (kind) {
            case 'f' ->
                switch (size) {
                    case 8 -> b.getDouble();
                    case 4 -> b.getFloat();
                    default -> throw unsupported(descr);
                };
            case 'i' ->
                switch (size) {
                    case 8 -> b.getLong();
                    case 4 -> b.getInt();
                    case 2 -> b.getShort();
                    case 1 -> b.get();
                    default -> throw unsupported(descr);
                };
            case 'u' ->
                switch (size) {
                    case 8 -> unsignedLong(b.getLong());
                    case 4 -> Integer.toUnsignedLong(b.getInt());
                    case 2 -> Short.toUnsignedInt(b.getShort());
                    case 1 -> Byte.toUnsignedInt(b.get());
                    default -> throw unsupported(descr);
                };
            case 'b' -> b.get() != 0 ? 1 : 0;
            default -> throw unsupported(descr);
        };
    }

    private static double unsignedLong(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private static IllegalArgumentException unsupported(String descr) {
        return new IllegalArgumentException(
                "unsupported dtype " + descr + " (float f4/f8, signed i1..i8, unsigned u1..u8 and bool are read)");
    }

    private static int[] parseShape(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int n = 0;
        int[] shape = new int[parts.length];
        for (String p : parts) {
            if (!p.isBlank()) {
                shape[n++] = Integer.parseInt(p.trim());
            }
        }
        return Arrays.copyOf(shape, n);
    }

    /** Fortran (column-major) values reordered to C (row-major) order. */
    private static double[] toRowMajor(double[] colMajor, int[] shape) {
        double[] out = new double[colMajor.length];
        int[] idx = new int[shape.length];
        for (int c = 0; c < colMajor.length; c++) {
            // c walks column-major order: first index fastest
            int r = 0;
            for (int k = 0; k < shape.length; k++) {
                r = r * shape[k] + idx[k];
            }
            out[r] = colMajor[c];
            for (int k = 0; k < shape.length && ++idx[k] == shape[k]; k++) {
                idx[k] = 0;
            }
        }
        return out;
    }
}
