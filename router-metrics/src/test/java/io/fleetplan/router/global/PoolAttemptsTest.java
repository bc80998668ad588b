package io.fleetplan.router.global;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoolAttemptsTest {

    private static final PoolQuery LONG_TIGHT = new PoolQuery(6000, 100.0, 20.0, null);

    private static PoolAttempts attempts(boolean priorityRetry) {
        GlobalRouterConfig c = priorityRetry
                ? ConfigLoader.parse(
                        PoolSelectorTest.DISAGG + "enable_priority_retry: true\n", "gr.yaml", GlobalRouterConfig.class)
                : PoolSelectorTest.disagg();
        return new PoolAttempts(new PoolSelector(c), LONG_TIGHT, 1);
    }

    @Test
    void aPoolWithNoReadyWorkerIsLeftOutOfTheNextPlan() {
        PoolAttempts a = attempts(false);
        PoolPlan first = a.plan(ns -> true);
        assertThat(first.decodePool()).isEqualTo("decode-fast");
        assertThat(a.decodeFailed("decode-fast", PoolAttempts.Failure.NO_READY_WORKER))
                .isEqualTo(PoolAttempts.Next.RETRY_ELSEWHERE);
        PoolPlan second = a.plan(ns -> true);
        assertThat(second.decodePool()).isEqualTo("decode-slow");
        assertThat(second.decodeReason()).isEqualTo(PoolPlan.Reason.FALLBACK_READY_POOL);
        assertThat(a.attempts()).isEqualTo(2);
    }

    @Test
    void afterAWaitAPoolThatHadNoReadyWorkerIsTakenBackOnceReadyButNotOneThatFailedOtherwise() {
        PoolAttempts a = attempts(true);
        a.plan(ns -> true);
        a.decodeFailed("decode-fast", PoolAttempts.Failure.NO_READY_WORKER);
        a.prefillFailed("prefill-fast", PoolAttempts.Failure.OTHER);
        assertThat(a.replanAfterWait(ns -> !ns.equals("decode-fast")).decodePool())
                .as("still not ready")
                .isEqualTo("decode-slow");
        PoolPlan back = a.replanAfterWait(ns -> true);
        assertThat(back.decodePool()).as("its router is back").isEqualTo("decode-fast");
        assertThat(back.prefillPool())
                .as("failed for another reason: stays out")
                .isNotEqualTo("prefill-fast");
        assertThat(a.attempts()).isEqualTo(1);
    }

    @Test
    void oneAttemptPerPoolPlusTheFirst() {
        PoolAttempts a = attempts(false);
        int n = 0;
        while (a.mayAttempt()) {
            a.plan(ns -> false);
            n++;
        }
        assertThat(n)
                .isEqualTo(new PoolSelector(PoolSelectorTest.disagg())
                                .config()
                                .allPools()
                                .size()
                        + 1);
    }

    @Test
    void failuresMapToTheFrontendsAnswers() {
        PoolAttempts a = attempts(false);
        assertThat(a.prefillFailed("prefill-fast", PoolAttempts.Failure.OTHER))
                .isEqualTo(PoolAttempts.Next.DECODE_ONLY);
        assertThat(a.prefillFailed("prefill-fast", PoolAttempts.Failure.INVALID))
                .isEqualTo(PoolAttempts.Next.REJECT_INVALID);
        assertThat(a.decodeFailed("decode-fast", PoolAttempts.Failure.OVERLOADED))
                .isEqualTo(PoolAttempts.Next.REJECT_OVERLOADED);
        assertThat(a.decodeFailed("decode-fast", PoolAttempts.Failure.OTHER)).isEqualTo(PoolAttempts.Next.FAIL);
        assertThat(a.plan(ns -> true).prefillPool()).as("nothing excluded yet").isEqualTo("prefill-fast");

        PoolAttempts retrying = attempts(true);
        assertThat(retrying.prefillFailed("prefill-fast", PoolAttempts.Failure.OTHER))
                .isEqualTo(PoolAttempts.Next.RETRY_ELSEWHERE);
        assertThat(retrying.decodeFailed("decode-fast", PoolAttempts.Failure.OVERLOADED))
                .isEqualTo(PoolAttempts.Next.RETRY_ELSEWHERE);
        PoolPlan p = retrying.plan(ns -> true);
        assertThat(p.prefillPool()).isEqualTo("prefill-slow");
        assertThat(p.decodePool()).isEqualTo("decode-slow");
        assertThat(retrying.retryAfterSeconds()).isEqualTo(1);
        assertThat(new PoolSelector(PoolSelectorTest.disagg())
                        .plan(LONG_TIGHT, ns -> true, Set.of())
                        .prefillPool())
                .isEqualTo("prefill-fast");
    }
}
