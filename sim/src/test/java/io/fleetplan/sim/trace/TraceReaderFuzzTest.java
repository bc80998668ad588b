package io.fleetplan.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.util.Arrays;

/**
 * Every trace format sim reads, on arbitrary bytes: the reader either returns a trace that keeps its own
 * invariants or throws {@link TraceFormatException} naming a line; anything else (another exception, a
 * hang, an out-of-memory) is a bug. The first byte picks the format and whether bad rows are skipped; the
 * rest is the file. Seeds: {@code src/test/resources/io/fleetplan/sim/trace/TraceReaderFuzzTestInputs/}.
 */
class TraceReaderFuzzTest {

    private static final TraceFormat[] FORMATS = {TraceFormat.AZURE, TraceFormat.MOONCAKE, TraceFormat.BURSTGPT};

    @FuzzTest(maxDuration = "2m")
    void readsOrNamesTheBadLine(byte[] data) {
        if (data.length == 0) {
            return;
        }
        TraceFormat format = FORMATS[(data[0] & 0xff) % FORMATS.length];
        boolean skipBadRows = (data[0] & 0x80) != 0;
        byte[] file = Arrays.copyOfRange(data, 1, data.length);
        Trace t;
        try {
            t = TraceReader.read(
                    new ByteArrayInputStream(file), "fuzz", format, TraceOptions.DEFAULTS.withSkipBadRows(skipBadRows));
        } catch (TraceFormatException e) {
            assertThat(e.line()).isPositive();
            return;
        }
        long last = 0;
        for (TraceRequest r : t.requests()) {
            assertThat(r.arrivalNanos()).isBetween(last, TraceReader.MAX_SPAN_SECONDS * 1_000_000_000L);
            assertThat(r.inputTokens()).isPositive();
            assertThat(r.outputTokens()).isPositive();
            last = r.arrivalNanos();
        }
    }
}
