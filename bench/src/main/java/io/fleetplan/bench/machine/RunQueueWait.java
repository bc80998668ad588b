package io.fleetplan.bench.machine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How long this process's threads were runnable but waiting for a CPU (Linux {@code /proc/self/task/TID/schedstat},
 * its second field), so a benchmark can tell latency its code added from latency the machine's scheduler added.
 * Thread names are the OS ones: the Java name cut to 15 characters. Where /proc is missing the snapshot is empty.
 */
public final class RunQueueWait {

    /** One OS thread's name and its wait so far, ns. */
    public record Task(String name, long waitNanos) {}

    private RunQueueWait() {}

    /** Every live thread of this process by OS thread id; empty where unknown (not Linux). */
    public static Map<Integer, Task> snapshot() {
        Path tasks = Path.of("/proc/self/task");
        Map<Integer, Task> out = new HashMap<>();
        if (!Files.isDirectory(tasks)) {
            return out;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    long wait = parse(Files.readString(task.resolve("schedstat")));
                    if (wait >= 0) {
                        out.put(
                                Integer.parseInt(task.getFileName().toString()),
                                new Task(Files.readString(task.resolve("comm")).strip(), wait));
                    }
                } catch (IOException | NumberFormatException ended) {
                    // the thread ended while we listed it
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /** Wait so far summed over threads whose OS name starts with {@code prefix} (cut to 15 characters); -1 if none. */
    public static long total(String prefix) {
        String shortPrefix = prefix.length() > 15 ? prefix.substring(0, 15) : prefix;
        long sum = 0;
        boolean found = false;
        for (Task t : snapshot().values()) {
            if (t.name().startsWith(shortPrefix)) {
                sum += t.waitNanos();
                found = true;
            }
        }
        return found ? sum : -1;
    }

    /**
     * Wait between two snapshots per thread (threads that started in between count from zero; those that ended
     * are lost), keyed by OS name and summed where names repeat.
     */
    public static Map<String, Long> delta(Map<Integer, Task> before, Map<Integer, Task> after) {
        Map<String, Long> out = new HashMap<>();
        for (Map.Entry<Integer, Task> e : after.entrySet()) {
            Task earlier = before.get(e.getKey());
            long waited = e.getValue().waitNanos() - (earlier == null ? 0 : earlier.waitNanos());
            if (waited > 0) {
                out.merge(e.getValue().name(), waited, Long::sum);
            }
        }
        return out;
    }

    /** "run_ns wait_ns timeslices" (schedstat) to wait_ns, or -1 if malformed. */
    public static long parse(String schedstat) {
        String[] fields = schedstat.trim().split("\\s+");
        if (fields.length < 2) {
            return -1;
        }
        try {
            return Long.parseLong(fields[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
