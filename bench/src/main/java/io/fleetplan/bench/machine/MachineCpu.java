package io.fleetplan.bench.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time (Linux {@code /proc/stat}, its first "cpu" line) so a benchmark can say how busy
 * the machine was besides itself and how much time the hypervisor took away ("steal": the VM wanted to run and
 * its host ran something else). On a shared VM a latency tail can come from there, not from the code measured.
 * The kernel counts in clock ticks of 1/100 s (USER_HZ, 100 on every mainstream Linux build).
 */
public record MachineCpu(long busyTicks, long stealTicks) {

    /** Where /proc/stat is missing or unreadable. */
    public static final MachineCpu UNKNOWN = new MachineCpu(-1, -1);

    private static final double MS_PER_TICK = 10.0;

    public static MachineCpu snapshot() {
        try {
            String stat = Files.readString(Path.of("/proc/stat"));
            int end = stat.indexOf('\n');
            return parse(end < 0 ? stat : stat.substring(0, end));
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /**
     * "cpu user nice system idle iowait irq softirq steal ..." to busy (user + nice + system + irq + softirq) and
     * steal ticks; {@link #UNKNOWN} if the line is not that.
     */
    public static MachineCpu parse(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) {
            return UNKNOWN;
        }
        try {
            long busy = Long.parseLong(f[1])
                    + Long.parseLong(f[2])
                    + Long.parseLong(f[3])
                    + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
            return new MachineCpu(busy, Long.parseLong(f[8]));
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    public boolean known() {
        return busyTicks >= 0;
    }

    /** Cores' worth of CPU the machine was busy between {@code earlier} and this; -1 if either is unknown. */
    public double busyCoresSince(MachineCpu earlier, double seconds) {
        return known() && earlier.known() ? (busyTicks - earlier.busyTicks) * MS_PER_TICK / 1000 / seconds : -1;
    }

    /** Milliseconds per second stolen by the hypervisor, summed over CPUs; -1 if either is unknown. */
    public double stealMsPerSecondSince(MachineCpu earlier, double seconds) {
        return known() && earlier.known() ? (stealTicks - earlier.stealTicks) * MS_PER_TICK / seconds : -1;
    }
}
