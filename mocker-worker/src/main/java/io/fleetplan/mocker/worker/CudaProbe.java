package io.fleetplan.mocker.worker;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * Optional CUDA probe through JavaCPP: device count, names and memory, and a timed 64 MiB host-to-device copy.
 * Without a GPU or driver, loading {@code cudart} throws {@link UnsatisfiedLinkError} ({@code libcuda.so.1}
 * cannot be opened) and every later use of the class throws {@link NoClassDefFoundError}; so the probe runs at
 * most once per process, catches {@link LinkageError}, and remembers the result.
 */
public final class CudaProbe {

    private static final long COPY_BYTES = 64L << 20;
    private static Result cached;

    /**
     * @param available a device was found and answered
     * @param deviceCount devices found
     * @param devices one line per device: name and memory
     * @param h2dGbps measured host-to-device copy bandwidth, GB/s (0 when not measured)
     * @param message "no CUDA device: why" or a summary
     */
    public record Result(boolean available, int deviceCount, List<String> devices, double h2dGbps, String message) {}

    private CudaProbe() {}

    /** Probes once per process; later calls return the first result. */
    public static synchronized Result probe() {
        if (cached == null) {
            cached = probeOnce();
        }
        return cached;
    }

    /** The reason given when the JavaCPP classes are not on the class path (a launcher built without -Pcuda). */
    static final String NOT_BUILT_IN = "no CUDA probe in this build: the JavaCPP cuda bindings (org.bytedeco:cuda,"
            + " about 9 MB) are optional; rebuild the launcher with ./mvnw -pl cli -am -Pcuda package";

    private static Result probeOnce() {
        return probeOnce(CudaProbe.class.getClassLoader());
    }

    /** Probes through {@code loader}: without the bindings on it, says so instead of a bare class name. */
    static Result probeOnce(ClassLoader loader) {
        try {
            Class.forName("org.bytedeco.javacpp.Loader", false, loader);
            Class.forName("org.bytedeco.cuda.global.cudart", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return new Result(false, 0, List.of(), 0, NOT_BUILT_IN);
        }
        return Bindings.probe();
    }

    /**
     * Every use of the JavaCPP types, in a class of its own: it is loaded (and verified) only after
     * {@link #probeOnce(ClassLoader)} found them, so CudaProbe itself loads without them.
     */
    private static final class Bindings {

        static Result probe() {
            try {
                Loader.load(cudart.class);
                int[] count = new int[1];
                int err = cudart.cudaGetDeviceCount(count);
                if (err != 0 || count[0] == 0) {
                    return new Result(false, 0, List.of(), 0, "no CUDA device (cudaGetDeviceCount error " + err + ")");
                }
                List<String> devices = new ArrayList<>();
                for (int i = 0; i < count[0]; i++) {
                    try (cudaDeviceProp prop = new cudaDeviceProp()) {
                        cudart.cudaGetDeviceProperties(prop, i);
                        BytePointer name = prop.name();
                        devices.add(name.getString().trim() + ", " + (prop.totalGlobalMem() >> 20) + " MiB, "
                                + prop.multiProcessorCount() + " SMs");
                    }
                }
                double gbps = timeHostToDevice();
                return new Result(
                        true,
                        count[0],
                        List.copyOf(devices),
                        gbps,
                        count[0] + " CUDA device(s): " + String.join("; ", devices));
            } catch (LinkageError e) {
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                return new Result(
                        false,
                        0,
                        List.of(),
                        0,
                        "no CUDA device (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
            }
        }

        private static double timeHostToDevice() {
            Pointer device = new Pointer();
            try (BytePointer host = new BytePointer(COPY_BYTES)) {
                if (cudart.cudaMalloc(device, COPY_BYTES) != 0) {
                    return 0;
                }
                cudart.cudaMemcpy(device, host, COPY_BYTES, cudart.cudaMemcpyHostToDevice); // warm-up
                cudart.cudaDeviceSynchronize();
                long t0 = System.nanoTime();
                cudart.cudaMemcpy(device, host, COPY_BYTES, cudart.cudaMemcpyHostToDevice);
                cudart.cudaDeviceSynchronize();
                long took = System.nanoTime() - t0;
                return took <= 0 ? 0 : COPY_BYTES / (took / 1e9) / 1e9;
            } finally {
                cudart.cudaFree(device);
            }
        }
    }
}
