package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

    @Test
    void outputEndsJustBeforeTheFirstStopSequence() {
        StopMatcher m = new StopMatcher(List.of(" world", " sea"));
        assertThat(m.offer(" the", true)).isEqualTo(" the");
        assertThat(m.offer(" sun world", true)).isEqualTo(" sun");
        assertThat(m.stopped()).isTrue();
        assertThat(m.offer(" more", true)).isEmpty();
        assertThat(m.flush()).isEmpty();
    }

    @Test
    void textThatMayBeginAStopSequenceIsHeldUntilDecided() {
        StopMatcher m = new StopMatcher(List.of("abc"));
        assertThat(m.offer("xxa", true)).isEqualTo("xx");
        assertThat(m.offer("b", true)).isEmpty();
        assertThat(m.offer("d", true)).isEqualTo("abd");
        assertThat(m.offer("ab", true)).isEmpty();
        assertThat(m.flush())
                .as("no stop came: the held text is output after all")
                .isEqualTo("ab");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void beforeMinTokensAStopSequenceDoesNotEndTheOutput() {
        StopMatcher m = new StopMatcher(List.of("x"));
        assertThat(m.offer("axb", false)).isEqualTo("axb");
        assertThat(m.offer("cxd", true)).isEqualTo("c");
        assertThat(m.stopped()).isTrue();
    }

    @RepeatedTest(50)
    void piecewiseEqualsWhole(RepetitionInfo rep) {
        long seed = rep.getCurrentRepetition();
        SplittableRandom r = new SplittableRandom(seed);
        String alphabet = "ab ";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        String stop = "ab" + alphabet.charAt(r.nextInt(3));
        StopMatcher m = new StopMatcher(List.of(stop));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int n = 1 + r.nextInt(4);
            out.append(m.offer(text.substring(i, Math.min(text.length(), i + n)), true));
            i += n;
        }
        out.append(m.flush());
        int at = text.indexOf(stop);
        assertThat(out.toString())
                .as("seed %d, text '%s', stop '%s'", seed, text, stop)
                .isEqualTo(at < 0 ? text.toString() : text.substring(0, at));
        assertThat(m.stopped()).isEqualTo(at >= 0);
    }
}
