package io.fleetplan.global.arbiter;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArbiterTest {

    private final VirtualScheduler time = new VirtualScheduler();
    private long seq;

    static TargetKey key(String dgd, String component) {
        return new TargetKey("ns", dgd, component);
    }

    private Arbiter arbiter(ArbiterSettings s, Object... targets) {
        Arbiter a = new Arbiter(s, time.clock(), "t");
        a.restore(steady(targets));
        return a;
    }

    /** One decode target at rest per (dgd, replicas, GPUs per replica) triple. */
    private static List<Observation> steady(Object... targets) {
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < targets.length; i += 3) {
            String dgd = (String) targets[i];
            obs.add(Observation.steady(
                    key(dgd, "decode"), SubType.DECODE, (Integer) targets[i + 1], (Integer) targets[i + 2]));
        }
        return obs;
    }

    private Proposal ask(String dgd, int desired, int priority) {
        return ask(dgd, desired, priority, 0, false);
    }

    private Proposal ask(String dgd, int desired, int priority, int min, boolean dryRun) {
        seq++;
        return new Proposal(
                dgd + "#" + seq,
                "",
                seq,
                dgd,
                "ns",
                dgd,
                priority,
                dryRun,
                List.of(new Ask(SubType.DECODE, "", desired, min, PressureCurve.NONE)));
    }

    private static int granted(Arbiter a, String dgd) {
        return a.ledger().stream()
                .filter(v -> v.target().graphDeploymentName().equals(dgd))
                .findFirst()
                .orElseThrow()
                .grantedReplicas();
    }

    /** Confirms every command as the executor would once the replicas are there or gone. */
    private static Outcome complete(Arbiter a, ScaleCommand c) {
        return a.completed(c, Observation.steady(c.target(), c.subType(), c.toReplicas(), c.gpusPerReplica()));
    }

    @Test
    void grantsWithinBudgetThenPartialThenRejected() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 2, "b", 1, 2);
        Outcome up = a.propose(ask("a", 2, 0));
        assertThat(up.decision().status()).isEqualTo(Status.GRANTED);
        assertThat(up.decision().reason()).isEqualTo(Reason.WITHIN_BUDGET);
        assertThat(up.commands())
                .singleElement()
                .satisfies(c -> assertThat(c.toReplicas()).isEqualTo(2));
        assertThat(a.budget().committedGpus()).isEqualTo(6);

        Outcome partial = a.propose(ask("b", 3, 0));
        assertThat(partial.decision().status()).isEqualTo(Status.PARTIAL);
        assertThat(partial.decision().reason()).isEqualTo(Reason.BUDGET_CEILING);
        assertThat(partial.decision().grants().get(0).grantedReplicas()).isEqualTo(2);
        assertThat(a.budget().freeGpus()).isZero();

        Outcome rejected = a.propose(ask("a", 3, 0));
        assertThat(rejected.decision().status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.commands()).isEmpty();
        assertThat(rejected.decision().message()).contains("max_total_gpus");
    }

    @Test
    void scaleDownFreesGpusOnlyWhenTheExecutorConfirms() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 2, 2, "b", 2, 2);
        Outcome down = a.propose(ask("a", 1, 0));
        assertThat(down.decision().reason()).isEqualTo(Reason.SCALE_DOWN);
        assertThat(a.budget().inFlightReleaseGpus()).isEqualTo(2);
        assertThat(a.budget().committedGpus()).isEqualTo(8);

        Outcome blocked = a.propose(ask("b", 3, 0));
        assertThat(blocked.decision().status()).isEqualTo(Status.REJECTED);

        Outcome released = complete(a, down.commands().get(0));
        // the freed GPUs go to b's pending demand, pushed rather than answered
        assertThat(released.pushes()).singleElement().satisfies(d -> {
            assertThat(d.poolId()).isEqualTo("ns/b");
            assertThat(d.status()).isEqualTo(Status.GRANTED);
            assertThat(d.grants().get(0).grantedReplicas()).isEqualTo(3);
        });
        assertThat(released.commands())
                .singleElement()
                .satisfies(c -> assertThat(c.target()).isEqualTo(key("b", "decode")));
        assertThat(a.budget().committedGpus()).isEqualTo(8);
    }

    @Test
    void undoingAScaleDownInTheSameStepCostsNothing() {
        // a pool that asks for less and, in one proposal, more of another component: nothing was sent yet
        Arbiter a = arbiter(ArbiterSettings.ofBudget(4, -1), "a", 4, 1);
        Outcome down = a.propose(ask("a", 2, 0));
        assertThat(down.commands())
                .singleElement()
                .satisfies(c -> assertThat(c.toReplicas()).isEqualTo(2));
        // the GPUs of the sent scale-down stay charged until the executor reports them gone
        assertThat(a.budget().committedGpus()).isEqualTo(4);
    }

    @Test
    void takingBackAScaleDownTheExecutorHasNotReportedOnStillPaysForReplicasItMayHaveRemoved() {
        // Kubernetes deletes pods as soon as the scale is written: the undo starts new pods while those terminate
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "p", 6, 1, "d", 2, 1);
        ScaleCommand c = a.propose(ask("d", 1, 0)).commands().get(0);
        Outcome back = a.propose(ask("d", 2, 0));
        assertThat(back.decision().status()).isEqualTo(Status.REJECTED);
        assertThat(back.commands()).isEmpty();
        assertThat(a.budget().committedGpus()).isEqualTo(8);
        // the executor reports the pod gone: its GPU is free again and the waiting demand gets it
        Outcome freed = a.completed(c, Observation.steady(c.target(), c.subType(), 1, 1));
        assertThat(freed.commands())
                .singleElement()
                .satisfies(up -> assertThat(up.toReplicas()).isEqualTo(2));
        assertThat(a.budget().committedGpus()).isEqualTo(8);
    }

    @Test
    void takingBackAnUnreportedScaleDownWithRoomInTheBudgetChargesBothUntilTheExecutorReports() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(9, -1), "p", 6, 1, "d", 2, 1);
        ScaleCommand down = a.propose(ask("d", 1, 0)).commands().get(0);
        ScaleCommand up = a.propose(ask("d", 2, 0)).commands().get(0);
        assertThat(up.toReplicas()).isEqualTo(2);
        assertThat(a.budget().committedGpus()).isEqualTo(9);
        a.completed(down, new Observation(down.target(), down.subType(), 1, 1, 1, 1, 0));
        a.completed(up, Observation.steady(up.target(), up.subType(), 2, 1));
        assertThat(a.budget().committedGpus()).isEqualTo(8);
    }

    @Test
    void replicasAFailedScaleDownKeptAreRemovedByTheNextOneAndStayChargedUntilItCompletes() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(10, -1), "p", 6, 1, "d", 4, 1);
        ScaleCommand first = a.propose(ask("d", 3, 0)).commands().get(0);
        ScaleCommand second = a.propose(ask("d", 2, 0)).commands().get(0);
        // the first write failed (4 still there) and the second is on its way: it will remove 2, not 1
        a.failed(first, Observation.steady(first.target(), first.subType(), 4, 1), "conflict");
        Outcome back = a.propose(ask("d", 4, 0));
        assertThat(back.commands()).isEmpty();
        assertThat(a.budget().committedGpus()).isEqualTo(10);
        a.completed(second, Observation.steady(second.target(), second.subType(), 2, 1));
        assertThat(a.budget().committedGpus()).isLessThanOrEqualTo(10);
    }

    @Test
    void drainingReplicasKeepTheirGpusWhenThePoolGrowsAgain() {
        // a 6-GPU prefill pool and a 2-GPU decode pool fill 8 GPUs; decode drains one worker, then wants it back
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "p", 6, 1, "d", 2, 1);
        Outcome down = a.propose(ask("d", 1, 0));
        ScaleCommand c = down.commands().get(0);
        a.observed(new Observation(c.target(), c.subType(), 1, 2, 1, 1, 1)); // one worker draining
        Outcome back = a.propose(ask("d", 2, 0));
        assertThat(back.decision().status()).isEqualTo(Status.REJECTED);
        assertThat(back.commands()).isEmpty();
        assertThat(a.budget().committedGpus()).isEqualTo(8);
        assertThat(a.budget().inFlightReleaseGpus()).isEqualTo(1);
        // an executor that does not report terminations: replicas above the spec are taken as leaving
        assertThat(new Observation(c.target(), c.subType(), 1, 2, 1, 1).terminatingReplicas())
                .isEqualTo(1);
        // the drained worker is gone: its GPU returns and the decode pool grows
        Outcome freed = a.completed(c, Observation.steady(c.target(), c.subType(), 1, 1));
        assertThat(freed.commands())
                .singleElement()
                .satisfies(up -> assertThat(up.toReplicas()).isEqualTo(2));
        assertThat(a.budget().committedGpus()).isEqualTo(8);
    }

    @Test
    void freedBudgetIsSharedByPriorityWeightedMaxMin() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1, "b", 1, 1, "c", 6, 1);
        assertThat(a.propose(ask("a", 5, 200)).decision().status()).isEqualTo(Status.REJECTED);
        assertThat(a.propose(ask("b", 5, 100)).decision().status()).isEqualTo(Status.REJECTED);
        Outcome down = a.propose(ask("c", 0, 100));
        Outcome freed = complete(a, down.commands().get(0));
        // satisfaction / priority: a (weight 200) is served to 5/5 while b (weight 100) reaches 3/5
        assertThat(granted(a, "a")).isEqualTo(5);
        assertThat(granted(a, "b")).isEqualTo(3);
        assertThat(freed.pushes()).extracting(Decision::status).containsExactly(Status.GRANTED, Status.PARTIAL);
        assertThat(a.budget().committedGpus()).isEqualTo(8);
    }

    @Test
    void equalPrioritiesSplitEvenly() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1, "b", 1, 1, "c", 6, 1);
        a.propose(ask("a", 8, 100));
        a.propose(ask("b", 8, 100));
        complete(a, a.propose(ask("c", 0, 100)).commands().get(0));
        assertThat(granted(a, "a")).isEqualTo(4);
        assertThat(granted(a, "b")).isEqualTo(4);
    }

    @Test
    void pressureHintsSteerTheSplit() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(6, -1), "a", 0, 1, "b", 0, 1);
        // a says 2 replicas already serve 90 %; b needs all 4 for its SLO
        seq++;
        a.propose(new Proposal(
                "pa",
                "",
                seq,
                "a",
                "ns",
                "a",
                100,
                false,
                List.of(new Ask(
                        SubType.DECODE,
                        "",
                        4,
                        0,
                        new PressureCurve(List.of(1, 2, 3, 4), List.of(0.6, 0.9, 0.95, 1.0))))));
        // a took everything at first (no one else wanted it); b's later demand gets the rest
        assertThat(granted(a, "a")).isEqualTo(4);
        Arbiter fresh = arbiter(ArbiterSettings.ofBudget(6, -1), "x", 6, 1, "a", 0, 1, "b", 0, 1);
        fresh.propose(new Proposal(
                "pa",
                "",
                1,
                "a",
                "ns",
                "a",
                100,
                false,
                List.of(new Ask(
                        SubType.DECODE,
                        "",
                        4,
                        0,
                        new PressureCurve(List.of(1, 2, 3, 4), List.of(0.6, 0.9, 0.95, 1.0))))));
        fresh.propose(new Proposal(
                "pb",
                "",
                1,
                "b",
                "ns",
                "b",
                100,
                false,
                List.of(new Ask(
                        SubType.DECODE,
                        "",
                        4,
                        0,
                        new PressureCurve(List.of(1, 2, 3, 4), List.of(0.25, 0.5, 0.75, 1.0))))));
        Outcome down = fresh.propose(
                new Proposal("px", "", 1, "x", "ns", "x", 100, false, List.of(Ask.of(SubType.DECODE, "", 0))));
        complete(fresh, down.commands().get(0));
        assertThat(granted(fresh, "a")).isEqualTo(2);
        assertThat(granted(fresh, "b")).isEqualTo(4);
    }

    @Test
    void preemptionTakesLowerPrioritySurplusAboveItsMinimumTwoPhase() {
        ArbiterSettings s = ArbiterSettings.ofBudget(8, -1).withPreemption(true);
        Arbiter a = arbiter(s, "high", 2, 1, "low", 6, 1);
        a.propose(ask("low", 6, 50, 1, false));
        Outcome o = a.propose(ask("high", 6, 200));
        assertThat(o.decision().reason()).isEqualTo(Reason.PREEMPTION);
        assertThat(o.pushes()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(Status.PREEMPTED);
            assertThat(d.poolId()).isEqualTo("ns/low");
        });
        ScaleCommand release = o.commands().stream()
                .filter(ScaleCommand::scaleDown)
                .findFirst()
                .orElseThrow();
        assertThat(release.toReplicas()).isGreaterThanOrEqualTo(1);
        // nothing granted to high until low's replicas are gone
        assertThat(a.budget().committedGpus()).isEqualTo(8);
        assertThat(granted(a, "high")).isEqualTo(2);
        // a second proposal while the release is in flight does not preempt again
        assertThat(a.propose(ask("high", 6, 200)).commands()).isEmpty();
        Outcome done = complete(a, release);
        assertThat(done.pushes())
                .singleElement()
                .satisfies(d -> assertThat(d.poolId()).isEqualTo("ns/high"));
        assertThat(granted(a, "high")).isGreaterThan(2);
        assertThat(granted(a, "low")).isGreaterThanOrEqualTo(1);
        assertThat(a.budget().committedGpus()).isLessThanOrEqualTo(8);
    }

    @Test
    void aPoolAskingForMoreThatIsPreemptedInItsOwnAnswerHearsPreemption() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(2, -1).withPreemption(true), "high", 0, 1, "low", 2, 1);
        a.propose(ask("high", 2, 100));
        // low lowers its own priority below high's waiting demand while asking for more
        Outcome o = a.propose(ask("low", 5, 50));
        assertThat(o.decision().status()).isEqualTo(Status.PREEMPTED);
        assertThat(o.decision().reason()).isEqualTo(Reason.PREEMPTION);
        assertThat(o.decision().message()).contains("decode 2->1", "preempted by a higher-priority pool");
    }

    @Test
    void preemptionKeepsTheGrantsAtOrAboveTheFloor() {
        ArbiterSettings s = new ArbiterSettings(
                2, 2, Duration.ofSeconds(360), Map.of(), List.of(), ArbiterSettings.Policy.WEIGHTED_MAX_MIN, true, 100);
        Arbiter a = arbiter(s, "high", 0, 1, "low", 2, 1);
        a.propose(ask("high", 2, 100));
        Outcome o = a.propose(ask("low", 5, 50));
        assertThat(o.commands()).isEmpty();
        assertThat(granted(a, "low")).isEqualTo(2);
        assertThat(o.decision().status()).isEqualTo(Status.REJECTED);
        Outcome high = a.propose(ask("high", 2, 200));
        assertThat(high.commands()).isEmpty();
        assertThat(a.ledger().stream()
                        .mapToInt(v -> v.grantedReplicas() * v.gpusPerReplica())
                        .sum())
                .isEqualTo(2);
    }

    @Test
    void anotherTargetOfTheProposingPoolThatIsPreemptedIsPushed() {
        ArbiterSettings s = withRules(2, true, new PrioritySelectors.Rule("ns/pool/decode", 10));
        Arbiter a = new Arbiter(s, time.clock(), "t");
        a.restore(List.of(
                Observation.steady(key("pool", "decode"), SubType.DECODE, 2, 1),
                Observation.steady(key("pool", "prefill"), SubType.PREFILL, 0, 1)));
        seq++;
        Outcome o = a.propose(new Proposal(
                "pool#" + seq,
                "",
                seq,
                "pool",
                "ns",
                "pool",
                200,
                false,
                List.of(new Ask(SubType.PREFILL, "", 2, 0, PressureCurve.NONE))));
        assertThat(o.decision().reason()).isEqualTo(Reason.PREEMPTION);
        assertThat(o.pushes()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(Status.PREEMPTED);
            assertThat(d.grants())
                    .singleElement()
                    .satisfies(g -> assertThat(g.target().componentName()).isEqualTo("decode"));
        });
    }

    @Test
    void proposalIdsAreScopedPerTenant() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1, "b", 1, 1);
        // b guesses a's next id and uses it first, on its own pool
        Proposal squat = new Proposal("a#7", "", 0, "b", "ns", "b", 0, false, List.of(Ask.of(SubType.DECODE, "", 2)));
        assertThat(a.propose(squat, "tenant-b").decision().poolId()).isEqualTo("ns/b");
        Proposal real = new Proposal("a#7", "", 0, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 3)));
        Outcome mine = a.propose(real, "tenant-a");
        assertThat(mine.replay()).isFalse();
        assertThat(mine.decision().poolId()).isEqualTo("ns/a");
        assertThat(mine.commands())
                .singleElement()
                .satisfies(c -> assertThat(c.toReplicas()).isEqualTo(3));
        // b reading a's decision by id gets its own back
        assertThat(a.propose(squat, "tenant-b").decision().poolId()).isEqualTo("ns/b");
        // the same tenant still gets its replay
        assertThat(a.propose(real, "tenant-a").replay()).isTrue();
    }

    @Test
    void sequencesAreScopedPerTenantAndPool() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1, "b", 1, 1);
        a.propose(
                new Proposal(
                        "x", "ns/a", Long.MAX_VALUE, "b", "ns", "b", 0, false, List.of(Ask.of(SubType.DECODE, "", 1))),
                "tenant-b");
        Outcome o = a.propose(
                new Proposal("y", "ns/a", 1, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 2))),
                "tenant-a");
        assertThat(o.decision().status()).isEqualTo(Status.GRANTED);
    }

    @Test
    void sequencesOfPoolsNotSeenForTheTtlArePruned() {
        ArbiterSettings s = new ArbiterSettings(
                8,
                -1,
                Duration.ofSeconds(360),
                Map.of(),
                List.of(),
                ArbiterSettings.Policy.WEIGHTED_MAX_MIN,
                false,
                100,
                Duration.ofMinutes(10));
        Arbiter a = arbiter(s, "a", 1, 1);
        for (int i = 0; i < 1000; i++) {
            a.propose(
                    new Proposal("", "pool-" + i, 5, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 1))));
        }
        assertThat(a.rememberedPools()).isEqualTo(1000);
        time.advanceBy(Duration.ofMinutes(11));
        a.propose(new Proposal("", "pool-new", 1, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 1))));
        assertThat(a.rememberedPools()).isEqualTo(1);
        // a pool heard from within the TTL keeps its sequence
        time.advanceBy(Duration.ofMinutes(5));
        Outcome again = a.propose(
                new Proposal("", "pool-new", 1, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 1))));
        assertThat(a.rememberedPools()).isEqualTo(1);
        assertThat(again.decision().status()).isEqualTo(Status.GRANTED);
    }

    @Test
    void aTypedAskNamingAComponentOfAnotherTypeIsInvalid() {
        Arbiter a = new Arbiter(ArbiterSettings.ofBudget(8, -1), time.clock(), "t");
        a.restore(List.of(
                Observation.steady(key("p", "prefill"), SubType.PREFILL, 1, 1),
                Observation.steady(key("p", "decode"), SubType.DECODE, 1, 1)));
        Outcome o = a.propose(new Proposal(
                "x",
                "",
                1,
                "p",
                "ns",
                "p",
                0,
                false,
                List.of(new Ask(SubType.PREFILL, "decode", 4, 0, PressureCurve.NONE))));
        assertThat(o.decision().status()).isEqualTo(Status.INVALID);
        assertThat(o.decision().message())
                .contains("component_name 'decode' is a decode component of ns/p", "sub_component_type says prefill");
        assertThat(o.commands()).isEmpty();
        assertThat(a.ledger()).allSatisfy(v -> assertThat(v.grantedReplicas()).isEqualTo(1));
    }

    @Test
    void anAskWithNeitherTypeNorNameIsInvalidNotAnException() {
        // the in-process callers (sim, the virtual GlobalPlanner) skip the wire validation that refuses this ask
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1);
        Proposal p = new Proposal(
                "x", "", 1, "a", "ns", "a", 0, false, List.of(new Ask(null, "", 2, 0, PressureCurve.NONE)));
        assertThat(a.resolveTargets(p).error()).contains("sub_component_type is required when component_name is empty");
        Outcome o = a.propose(p);
        assertThat(o.decision().status()).isEqualTo(Status.INVALID);
        assertThat(o.decision().reason()).isEqualTo(Reason.UNKNOWN_TARGET);
        assertThat(o.commands()).isEmpty();
        assertThat(granted(a, "a")).isEqualTo(1);
    }

    @Test
    void aHugeComponentNameIsCutShortInTheMessage() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1);
        String huge = "c".repeat(3_500_000);
        Outcome o = a.propose(new Proposal(
                "x",
                "",
                1,
                "a",
                "ns",
                "a",
                0,
                false,
                List.of(new Ask(SubType.DECODE, huge, 2, 0, PressureCurve.NONE))));
        assertThat(o.decision().status()).isEqualTo(Status.INVALID);
        assertThat(o.decision().message()).hasSizeLessThan(500).contains("(3500000 chars)");
    }

    @Test
    void noPreemptionAmongEqualPriorities() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1).withPreemption(true), "x", 2, 1, "y", 6, 1);
        a.propose(ask("y", 6, 100));
        Outcome o = a.propose(ask("x", 6, 100));
        assertThat(o.pushes()).isEmpty();
        assertThat(o.decision().status()).isEqualTo(Status.REJECTED);
        assertThat(o.decision().reason()).isEqualTo(Reason.BUDGET_CEILING);
    }

    @Test
    void replayedProposalIdReturnsTheFirstDecision() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1);
        Proposal p = ask("a", 3, 0);
        Outcome first = a.propose(p);
        Outcome again = a.propose(p);
        assertThat(again.replay()).isTrue();
        assertThat(again.decision()).isEqualTo(first.decision());
        assertThat(again.commands()).isEmpty();
        assertThat(granted(a, "a")).isEqualTo(3);
    }

    @Test
    void olderSequenceIsStale() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1);
        a.propose(new Proposal("p5", "", 5, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 2))));
        Outcome old =
                a.propose(new Proposal("p4", "", 4, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 7))));
        assertThat(old.decision().status()).isEqualTo(Status.STALE);
        assertThat(old.decision().reason()).isEqualTo(Reason.OUT_OF_ORDER);
        assertThat(granted(a, "a")).isEqualTo(2);
    }

    @Test
    void dryRunArbitratesWithoutCommitting() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(4, -1), "a", 1, 1);
        Outcome dry = a.propose(ask("a", 6, 0, 0, true));
        assertThat(dry.decision().status()).isEqualTo(Status.PARTIAL);
        assertThat(dry.decision().reason()).isEqualTo(Reason.DRY_RUN);
        assertThat(dry.decision().wouldBe()).isEqualTo(Reason.BUDGET_CEILING);
        assertThat(dry.decision().grants().get(0).grantedReplicas()).isEqualTo(4);
        assertThat(dry.commands()).isEmpty();
        assertThat(granted(a, "a")).isEqualTo(1);
        assertThat(a.budget().committedGpus()).isEqualTo(1);
    }

    @Test
    void floorStopsScaleDowns() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(-1, 3), "a", 2, 1, "b", 2, 1);
        Outcome o = a.propose(ask("a", 0, 0));
        assertThat(o.decision().status()).isEqualTo(Status.PARTIAL);
        assertThat(o.decision().reason()).isEqualTo(Reason.BUDGET_FLOOR);
        assertThat(granted(a, "a")).isEqualTo(1);
        assertThat(a.propose(ask("b", 0, 0)).decision().status()).isEqualTo(Status.REJECTED);
    }

    @Test
    void namespaceQuotaLimitsGrants() {
        ArbiterSettings s = ArbiterSettings.ofBudget(100, -1).withQuotas(Map.of("ns", 3));
        Arbiter a = arbiter(s, "a", 1, 1);
        Outcome o = a.propose(ask("a", 5, 0));
        assertThat(o.decision().status()).isEqualTo(Status.PARTIAL);
        assertThat(o.decision().reason()).isEqualTo(Reason.NAMESPACE_QUOTA);
        assertThat(granted(a, "a")).isEqualTo(3);
    }

    @Test
    void noBudgetMeansUnlimited() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(-1, -1), "a", 1, 8);
        Outcome o = a.propose(ask("a", 500, 0));
        assertThat(o.decision().reason()).isEqualTo(Reason.BUDGET_UNLIMITED);
        assertThat(o.decision().budget().freeGpus()).isEqualTo(-1);
        assertThat(a.propose(ask("a", 500, 0)).decision().reason()).isEqualTo(Reason.NO_CHANGE);
    }

    @Test
    void unknownOrAmbiguousComponentsAreInvalid() {
        Arbiter a = new Arbiter(ArbiterSettings.ofBudget(8, -1), time.clock(), "t");
        a.restore(List.of(
                Observation.steady(key("a", "w1"), SubType.DECODE, 1, 1),
                Observation.steady(key("a", "w2"), SubType.DECODE, 1, 1)));
        Outcome unknown =
                a.propose(new Proposal("x", "", 1, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.PREFILL, "", 2))));
        assertThat(unknown.decision().status()).isEqualTo(Status.INVALID);
        assertThat(unknown.decision().message())
                .contains("sub_component_type prefill")
                .contains("known: w1 (decode)");
        Outcome ambiguous =
                a.propose(new Proposal("y", "", 2, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 2))));
        assertThat(ambiguous.decision().message()).contains("set component_name");
        Outcome named =
                a.propose(new Proposal("z", "", 3, "a", "ns", "a", 0, false, List.of(Ask.of(SubType.DECODE, "W2", 2))));
        assertThat(named.decision().status()).isEqualTo(Status.GRANTED);
        Outcome noDgd = a.propose(
                new Proposal("q", "", 4, "a", "ns", "nope", 0, false, List.of(Ask.of(SubType.DECODE, "", 2))));
        assertThat(noDgd.decision().message()).contains("no components known");
    }

    @Test
    void executorFailureRevertsTheGrantAndPushesAnError() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(4, -1), "a", 1, 1, "b", 1, 1);
        Outcome up = a.propose(ask("a", 3, 0));
        a.propose(ask("b", 3, 0));
        ScaleCommand c = up.commands().get(0);
        Outcome f = a.failed(c, Observation.steady(c.target(), c.subType(), 1, 1), "webhook said no");
        assertThat(f.pushes().get(0).status()).isEqualTo(Status.ERROR);
        assertThat(f.pushes().get(0).message()).contains("webhook said no");
        assertThat(granted(a, "a")).isEqualTo(1);
        // a's reservation went to b's pending demand
        assertThat(granted(a, "b")).isEqualTo(3);
    }

    @Test
    void expiredIntentsGetNoLaterGrants() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(2, -1), "a", 1, 1, "b", 1, 1);
        a.propose(ask("b", 2, 0));
        time.advanceBy(Duration.ofSeconds(400));
        Outcome down = a.propose(ask("a", 0, 0));
        assertThat(complete(a, down.commands().get(0)).pushes()).isEmpty();
        assertThat(granted(a, "b")).isEqualTo(1);
    }

    @Test
    void firstComePolicyServesInArrivalOrder() {
        ArbiterSettings s = ArbiterSettings.ofBudget(8, -1).withPolicy(ArbiterSettings.Policy.FIRST_COME);
        Arbiter a = arbiter(s, "a", 1, 1, "b", 1, 1, "c", 6, 1);
        a.propose(ask("b", 8, 100));
        time.advanceBy(Duration.ofSeconds(1));
        a.propose(ask("a", 8, 500));
        complete(a, a.propose(ask("c", 0, 100)).commands().get(0));
        assertThat(granted(a, "b")).isEqualTo(7);
        assertThat(granted(a, "a")).isEqualTo(1);
    }

    @Test
    void externalSpecChangeIsAdopted() {
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 1, 1);
        a.observed(Observation.steady(key("a", "decode"), SubType.DECODE, 3, 1));
        assertThat(granted(a, "a")).isEqualTo(3);
        assertThat(a.budget().committedGpus()).isEqualTo(3);
    }

    @Test
    void configPrioritiesOverrideTheProposal() {
        ArbiterSettings s = new ArbiterSettings(
                8,
                -1,
                Duration.ofSeconds(360),
                Map.of(),
                List.of(new PrioritySelectors.Rule("ns", 10), new PrioritySelectors.Rule("ns/a/*", 300)),
                ArbiterSettings.Policy.WEIGHTED_MAX_MIN,
                false,
                100);
        Arbiter a = arbiter(s, "a", 1, 1, "b", 1, 1);
        a.propose(ask("a", 2, 5));
        a.propose(ask("b", 2, 999));
        assertThat(a.ledger()).extracting(LedgerView::priority).containsExactly(300, 10);
    }

    // ---- over the ceiling: reconcile (Dynamo's gpu_budget_reconcile, across pools) ----------------------------

    /** A budget of {@code max} with priorities from the config (a restored ledger has no proposals yet). */
    private static ArbiterSettings prioritized(int max, boolean preemption) {
        return withRules(
                max, preemption, new PrioritySelectors.Rule("ns/low", 10), new PrioritySelectors.Rule("ns/high", 300));
    }

    private static ArbiterSettings withRules(int max, boolean preemption, PrioritySelectors.Rule... rules) {
        return new ArbiterSettings(
                max,
                -1,
                Duration.ofSeconds(360),
                Map.of(),
                List.of(rules),
                ArbiterSettings.Policy.WEIGHTED_MAX_MIN,
                preemption,
                100);
    }

    private static int grantedGpus(Arbiter a) {
        return a.ledger().stream()
                .mapToInt(v -> v.grantedReplicas() * v.gpusPerReplica())
                .sum();
    }

    @Test
    void restoreOverALoweredBudgetScalesBackLowestPriorityFirst() {
        // the budget went from 14 to 10 across a restart: 4 + 4 + 6 GPUs run; the low pool gives the 4
        Arbiter a = new Arbiter(prioritized(10, false), time.clock(), "t");
        Outcome o = a.restore(steady("high", 4, 1, "mid", 4, 1, "low", 6, 1));
        assertThat(o.commands()).singleElement().satisfies(c -> {
            assertThat(c.target()).isEqualTo(key("low", "decode"));
            assertThat(c.fromReplicas()).isEqualTo(6);
            assertThat(c.toReplicas()).isEqualTo(2);
        });
        assertThat(o.pushes()).singleElement().satisfies(d -> {
            assertThat(d.poolId()).isEqualTo("ns/low");
            assertThat(d.status()).isEqualTo(Status.PREEMPTED);
            assertThat(d.reason()).isEqualTo(Reason.BUDGET_CEILING);
            assertThat(d.message()).contains("max_total_gpus 10");
            assertThat(o.commands().get(0).decisionId()).isEqualTo(d.decisionId());
        });
        assertThat(grantedGpus(a)).isEqualTo(10);
        // two-phase, as every scale-down: charged until the executor reports the replicas gone
        assertThat(a.budget().committedGpus()).isEqualTo(14);
        complete(a, o.commands().get(0));
        assertThat(a.budget().committedGpus()).isEqualTo(10);
    }

    @Test
    void whenTheLowestPriorityIsNotEnoughTheNextGivesToo() {
        // 2 + 4 + 4 = 10 GPUs (the mid pool at 2 GPUs a replica) under a budget of 4: low goes to 0, then mid
        Arbiter a = new Arbiter(prioritized(4, false), time.clock(), "t");
        Outcome o = a.restore(steady("high", 2, 1, "mid", 2, 2, "low", 4, 1));
        assertThat(o.commands())
                .extracting(c -> c.target().graphDeploymentName() + " " + c.toReplicas())
                .containsExactlyInAnyOrder("low 0", "mid 1");
        assertThat(grantedGpus(a)).isEqualTo(4);
        assertThat(granted(a, "high")).isEqualTo(2);
    }

    @Test
    void equalPrioritiesGiveAlike() {
        Arbiter a = new Arbiter(ArbiterSettings.ofBudget(8, -1), time.clock(), "t");
        Outcome o = a.restore(steady("a", 6, 1, "b", 6, 1));
        assertThat(o.commands()).hasSize(2);
        assertThat(granted(a, "a")).isEqualTo(4);
        assertThat(granted(a, "b")).isEqualTo(4);
    }

    @Test
    void aRestoreWithinTheBudgetChangesNothing() {
        Arbiter a = new Arbiter(ArbiterSettings.ofBudget(8, -1), time.clock(), "t");
        Outcome o = a.restore(steady("a", 4, 1, "b", 4, 1));
        assertThat(o.commands()).isEmpty();
        assertThat(o.pushes()).isEmpty();
    }

    @Test
    void replicasTheReconcileTookAreNotGrantedBackWhileTheyRelease() {
        Arbiter a = new Arbiter(prioritized(10, true), time.clock(), "t");
        Outcome o = a.restore(steady("high", 4, 1, "low", 10, 1));
        ScaleCommand cut = o.commands().get(0);
        assertThat(cut.toReplicas()).isEqualTo(6);
        // the low pool asks its replicas back at once: taking back a scale-down costs no new GPU, but the grants
        // are at the budget, so the reconcile is not undone
        Outcome again = a.propose(ask("low", 10, 10));
        assertThat(again.decision().status()).isEqualTo(Status.REJECTED);
        assertThat(again.decision().reason()).isEqualTo(Reason.BUDGET_CEILING);
        assertThat(again.commands()).isEmpty();
        Outcome high = a.propose(ask("high", 6, 300));
        assertThat(high.commands())
                .as("nothing free until the released replicas are gone")
                .isEmpty();
        assertThat(grantedGpus(a)).isEqualTo(10);
        complete(a, cut);
        assertThat(a.budget().committedGpus()).isLessThanOrEqualTo(10);
        assertThat(grantedGpus(a)).isLessThanOrEqualTo(10);
    }

    @Test
    void anExternalSpecOverTheBudgetIsAdoptedThenReconciled() {
        // kubectl scale b to 7 while a runs 3 under a budget of 8: the cluster is the source of truth for what
        // runs, the budget for what may; equal priorities, so the larger pool gives back the 2 GPUs
        Arbiter a = arbiter(ArbiterSettings.ofBudget(8, -1), "a", 3, 1, "b", 4, 1);
        Outcome o = a.observed(Observation.steady(key("b", "decode"), SubType.DECODE, 7, 1));
        assertThat(o.commands()).singleElement().satisfies(c -> {
            assertThat(c.target()).isEqualTo(key("b", "decode"));
            assertThat(c.fromReplicas()).isEqualTo(7);
            assertThat(c.toReplicas()).isEqualTo(5);
        });
        assertThat(o.pushes())
                .singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo(Reason.BUDGET_CEILING));
        assertThat(grantedGpus(a)).isEqualTo(8);
    }

    @Test
    void minimumsGiveWayLast() {
        // the low pools under a budget of 8 (a asked a minimum of 4): a new high target of 4 runs over it, and
        // the 4 GPUs come from b, which has the most above its minimum, before a goes under its own
        ArbiterSettings s =
                withRules(8, false, new PrioritySelectors.Rule("ns/a", 10), new PrioritySelectors.Rule("ns/b", 10));
        Arbiter a = arbiter(s, "a", 4, 1, "b", 4, 1);
        a.propose(ask("a", 4, 10, 4, false));
        Outcome o = a.observed(Observation.steady(key("c", "decode"), SubType.DECODE, 4, 1));
        assertThat(o.commands()).singleElement().satisfies(c -> {
            assertThat(c.target()).isEqualTo(key("b", "decode"));
            assertThat(c.toReplicas()).isZero();
        });
        assertThat(granted(a, "a")).isEqualTo(4);
        assertThat(granted(a, "c")).isEqualTo(4);
    }
}
