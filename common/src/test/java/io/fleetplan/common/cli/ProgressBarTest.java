package io.fleetplan.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final AtomicLong now = new AtomicLong();
    private final StringWriter out = new StringWriter();

    @Test
    void aTerminalRedrawsInPlaceAtMostEveryTwoHundredMillis() {
        ProgressBar bar = new ProgressBar(new PrintWriter(out), true, now::get);
        bar.show(1, 4, "a");
        now.addAndGet(100_000_000);
        bar.show(2, 4, "b");
        now.addAndGet(150_000_000);
        bar.show(3, 4, "c");
        bar.finish(4, 4, "d");
        assertThat(out.toString())
                .isEqualTo("\r[#######-----------------------]  25% a"
                        + "\r[######################--------]  75% c"
                        + "\r[##############################] 100% d" + System.lineSeparator());
    }

    @Test
    void aLogGetsALineEveryTenSeconds() {
        ProgressBar bar = new ProgressBar(new PrintWriter(out), false, now::get);
        for (int s = 0; s <= 25; s++) {
            now.set(s * 1_000_000_000L);
            bar.show(s, 25, s + " s");
        }
        assertThat(out.toString().lines())
                .containsExactly(
                        "[------------------------------]   0% 0 s",
                        "[############------------------]  40% 10 s", "[########################------]  80% 20 s");
    }

    @Test
    void anEmptyOrOverrunTotalIsClamped() {
        assertThat(ProgressBar.line(5, 0, "x")).isEqualTo("[##############################] 100% x");
        assertThat(ProgressBar.line(9, 3, "x")).startsWith("[##############################] 100%");
    }
}
