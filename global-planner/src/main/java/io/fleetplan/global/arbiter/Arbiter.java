package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The GPU budget arbiter: a pure, single-writer state machine. Callers feed it proposals and executor reports;
 * it answers with {@link Outcome} values (the decision, the commands for the executor, pushes for other pools).
 * It does no I/O and never blocks; the service runs it on one thread.
 *
 * <p>Budget accounting (the invariant {@code committed <= max_total_gpus}): each target holds
 * {@code gpus_per_replica x max(granted, running)}. A scale-up is charged when granted, before its pods exist;
 * a scale-down is charged until the executor reports the replicas gone ({@code running} drops). So GPUs leaving
 * one pool are never promised to another while they are still allocated: a transfer is two-phase, and the
 * ceiling holds at every intermediate state even when pods terminate slowly or a scale-down fails.
 */
public final class Arbiter {

    private static final int REMEMBERED_PROPOSALS = 100_000;

    private final ArbiterSettings settings;
    private final InstantSource clock;
    private final String idPrefix;
    private final Allocator allocator;
    private final PrioritySelectors priorities;
    private Ledger ledger = new Ledger();
    /**
     * Last sequence per caller and pool ({@link #scope}) and when it was last used; entries not used for
     * {@link ArbiterSettings#poolStateTtl()} are pruned, so pool ids that come and go do not accumulate.
     */
    private final Map<String, PoolSequence> lastSequence = new HashMap<>();

    private Instant nextPrune = Instant.MIN;
    private final Map<String, Decision> decided = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Decision> eldest) {
            return size() > REMEMBERED_PROPOSALS;
        }
    };
    private long nextId;

    /**
     * @param idPrefix makes decision ids unique across restarts and replicas (e.g. the start time in base 36)
     */
    public Arbiter(ArbiterSettings settings, InstantSource clock, String idPrefix) {
        this.settings = settings;
        this.clock = clock;
        this.idPrefix = idPrefix;
        this.allocator = new Allocator(settings);
        this.priorities = new PrioritySelectors(settings.priorities());
    }

    public ArbiterSettings settings() {
        return settings;
    }

    /**
     * Rebuilds the ledger from what the cluster (executor) reports: at start and on becoming leader. Granted =
     * spec, still-running replicas stay charged; intents are dropped (pools re-propose on their next tick).
     *
     * @return the scale-downs that bring what runs back under max_total_gpus when it is over (the budget is read
     *         from the config at start, so a lowered budget first meets the cluster here), lowest priority first;
     *         empty when it fits
     */
    public Outcome restore(Collection<Observation> observations) {
        ledger = new Ledger();
        for (Observation o : observations) {
            Entry e = entry(o);
            e.adopt(o.specReplicas());
        }
        return rebalanceAndPush(clock.instant());
    }

    private record PoolSequence(long sequence, Instant seen) {}

    /** Decides a proposal of the single tenant (no caller identities). */
    public Outcome propose(Proposal p) {
        return propose(p, "");
    }

    /**
     * Decides a proposal. Never throws for bad content: an unknown target is an INVALID decision.
     *
     * @param tenant the authenticated caller: proposal ids (idempotency) and sequences are scoped to it, so one
     *               caller can neither replay nor pre-empt another's ids, nor make its proposals STALE
     */
    public Outcome propose(Proposal p, String tenant) {
        Instant now = clock.instant();
        prune(now);
        String idKey = scope(tenant, p.proposalId());
        if (!p.dryRun() && !p.proposalId().isEmpty()) {
            Decision earlier = decided.get(idKey);
            if (earlier != null) {
                return new Outcome(earlier, List.of(), List.of(), true);
            }
        }
        String seqKey = scope(tenant, p.poolId());
        PoolSequence last = lastSequence.get(seqKey);
        if (p.sequence() > 0 && last != null && p.sequence() < last.sequence()) {
            lastSequence.put(seqKey, new PoolSequence(last.sequence(), now));
            Decision d = decision(
                    p,
                    Status.STALE,
                    Reason.OUT_OF_ORDER,
                    Reason.OUT_OF_ORDER,
                    "sequence " + p.sequence() + " is older than " + last.sequence() + " already decided for pool "
                            + Echo.of(p.poolId()),
                    List.of(),
                    ledger,
                    now);
            return remember(idKey, new Outcome(d, List.of(), List.of(), false));
        }
        List<TargetKey> keys = new ArrayList<>();
        String unknown = resolve(p, keys);
        if (unknown != null) {
            return Outcome.of(decision(
                    p, Status.INVALID, Reason.UNKNOWN_TARGET, Reason.UNKNOWN_TARGET, unknown, List.of(), ledger, now));
        }
        Ledger work = p.dryRun() ? ledger.copy() : ledger;
        Outcome out = decide(p, keys, work, now);
        if (p.dryRun()) {
            return out;
        }
        if (p.sequence() > 0) {
            long seq = last == null ? p.sequence() : Math.max(last.sequence(), p.sequence());
            lastSequence.put(seqKey, new PoolSequence(seq, now));
        }
        return remember(idKey, out);
    }

    private static String scope(String tenant, String id) {
        return tenant.isEmpty() ? id : tenant + "\n" + id;
    }

    /** Forgets the sequences of pools not heard from for the pool state TTL (amortized: a pass per TTL / 8). */
    private void prune(Instant now) {
        if (now.isBefore(nextPrune)) {
            return;
        }
        Instant horizon = now.minus(settings.poolStateTtl());
        lastSequence.values().removeIf(s -> s.seen().isBefore(horizon));
        nextPrune = now.plus(settings.poolStateTtl().dividedBy(8));
    }

    /** Callers and pools whose sequence is remembered (for tests and the state gauge). */
    public int rememberedPools() {
        return lastSequence.size();
    }

    /**
     * The ledger targets a proposal names, in ask order; {@code error} says why they cannot be resolved (then
     * {@code targets} is empty). Used to authorize the targets before deciding.
     */
    public Resolution resolveTargets(Proposal p) {
        List<TargetKey> keys = new ArrayList<>();
        String error = resolve(p, keys);
        return new Resolution(error == null ? keys : List.of(), error);
    }

    /** Targets of a proposal, or why they are unknown. */
    public record Resolution(
            List<TargetKey> targets, @Nullable String error) {
        public Resolution {
            targets = List.copyOf(targets);
        }
    }

    /** An executor finished a command: the target now looks like {@code o}. Freed GPUs go to waiting demands. */
    public Outcome completed(ScaleCommand c, Observation o) {
        Entry e = ledger.get(c.target());
        if (e != null) {
            e.commandDone(c.fromReplicas(), c.toReplicas());
        }
        return observed(o);
    }

    /**
     * An executor could not apply a command; {@code o} is what is really there. The grant falls back to it, the
     * pool's intent is dropped (it re-proposes; retrying here would loop on a persistent failure) and the pool
     * gets an ERROR push.
     */
    public Outcome failed(ScaleCommand c, Observation o, String message) {
        Instant now = clock.instant();
        Entry e = ledger.get(c.target());
        if (e == null) {
            return Outcome.of(null);
        }
        e.commandFailed(c.fromReplicas(), c.toReplicas());
        int before = e.granted;
        apply(e, o);
        if (!e.commandsInFlight()) {
            // with a later command still in flight, that command's target stays the grant: it decides the spec
            e.adopt(o.specReplicas());
        }
        e.desired = -1;
        Grant g = new Grant(e.key, e.subType, c.toReplicas(), e.granted, before, e.gpusPerReplica);
        Decision err = new Decision(
                newId(),
                "",
                e.poolId,
                0,
                Status.ERROR,
                Reason.EXECUTOR_FAILED,
                Reason.EXECUTOR_FAILED,
                "could not scale " + e.key + " to " + c.toReplicas() + ": " + message,
                List.of(g),
                ledger.snapshot(settings),
                now);
        Outcome more = rebalanceAndPush(now);
        List<Decision> pushes = new ArrayList<>(more.pushes());
        pushes.add(0, err);
        return new Outcome(null, more.commands(), pushes, false);
    }

    /**
     * The cluster changed (informer): replica counts, readiness or GPUs per replica. A spec the arbiter did not
     * write (no command in flight) is adopted as the new grant: the cluster is the source of truth.
     */
    public Outcome observed(Observation o) {
        Instant now = clock.instant();
        boolean known = ledger.get(o.target()) != null;
        Entry e = entry(o);
        int chargeBefore = e.charge();
        apply(e, o);
        if (!e.commandsInFlight() && o.specReplicas() != e.granted) {
            e.adopt(o.specReplicas());
        }
        if (known && e.charge() >= chargeBefore && !overCeiling()) {
            // nothing was freed (e.g. a scale-up became ready): no one waiting can get more
            return Outcome.of(null);
        }
        return rebalanceAndPush(now);
    }

    /** A spec written outside the arbiter (and adopted) can put the grants over the ceiling; they are reconciled. */
    private boolean overCeiling() {
        return settings.ceilingOn() && ledger.grantedGpus() > settings.maxTotalGpus();
    }

    /** A target disappeared from the cluster. */
    public void forget(TargetKey key) {
        ledger.remove(key);
    }

    public BudgetSnapshot budget() {
        return ledger.snapshot(settings);
    }

    public List<LedgerView> ledger() {
        return ledger.all().stream().map(Entry::view).toList();
    }

    public Map<String, Integer> committedByNamespace() {
        return new TreeMap<>(ledger.committedByNamespace());
    }

    /** The pool's current grants (the first message of WatchDecisions); empty when the pool has no targets. */
    public Optional<Decision> currentGrant(String poolId) {
        List<Grant> grants = new ArrayList<>();
        long sequence = 0;
        for (Entry e : ledger.all()) {
            if (e.poolId.equals(poolId)) {
                grants.add(grant(e, e.granted));
                sequence = Math.max(sequence, e.sequence);
            }
        }
        if (grants.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Decision(
                newId(),
                "",
                poolId,
                sequence,
                Status.GRANTED,
                Reason.NO_CHANGE,
                Reason.NO_CHANGE,
                "current grant",
                grants,
                ledger.snapshot(settings),
                clock.instant()));
    }

    // ---------------------------------------------------------------------------------------------------------

    private Outcome decide(Proposal p, List<TargetKey> keys, Ledger work, Instant now) {
        markBefore(work);
        Map<TargetKey, Reason> floorLimited = new HashMap<>();
        int grantedGpus = work.grantedGpus();
        for (int i = 0; i < keys.size(); i++) {
            Ask a = p.asks().get(i);
            Entry e = work.require(keys.get(i));
            e.poolId = p.poolId();
            e.priority =
                    priorities.priorityOf(e.key).orElse(p.priority() > 0 ? p.priority() : settings.defaultPriority());
            e.min = a.minReplicas();
            e.desired = a.desiredReplicas();
            e.desiredAt(now);
            e.pressure = a.pressure();
            e.lastProposalId = p.proposalId();
            e.sequence = Math.max(0, p.sequence());
            if (a.desiredReplicas() < e.granted) {
                int down = e.granted - a.desiredReplicas();
                if (settings.minTotalGpus() >= 0 && e.gpusPerReplica > 0) {
                    int room = Math.max(0, grantedGpus - settings.minTotalGpus()) / e.gpusPerReplica;
                    if (room < down) {
                        down = room;
                        floorLimited.put(e.key, Reason.BUDGET_FLOOR);
                    }
                }
                e.granted -= down;
                grantedGpus -= down * e.gpusPerReplica;
            }
        }
        Allocator.Result r = allocator.rebalance(work, now);
        List<Grant> grants = new ArrayList<>();
        boolean anyMoved = false;
        boolean anyUp = false;
        Reason limit = null; // stays null while every target gets what it asked
        boolean preempted = false;
        for (TargetKey k : keys) {
            Entry e = work.require(k);
            int was = e.before;
            grants.add(new Grant(k, e.subType, e.desired, e.granted, was, e.gpusPerReplica));
            anyMoved |= e.granted != was;
            anyUp |= e.desired > was;
            preempted |= r.preempted.contains(k) && e.granted < was;
            if (e.granted != e.desired) {
                if (limit == null) {
                    limit = limitReason(e, keys, r, floorLimited);
                }
            }
        }
        Status status;
        Reason reason;
        String message;
        if (preempted) {
            // a higher-priority target took replicas this pool holds, in the same step: said as such, whatever else
            // limited the rest of the proposal
            status = Status.PREEMPTED;
            reason = Reason.PREEMPTION;
            message = describe(grants) + "; preempted by a higher-priority pool";
        } else if (limit == null) {
            status = Status.GRANTED;
            reason = !anyMoved
                    ? Reason.NO_CHANGE
                    : !anyUp
                            ? Reason.SCALE_DOWN
                            : settings.ceilingOn()
                                            || !settings.namespaceQuotas().isEmpty()
                                    ? Reason.WITHIN_BUDGET
                                    : Reason.BUDGET_UNLIMITED;
            message = describe(grants);
        } else {
            status = anyMoved ? Status.PARTIAL : Status.REJECTED;
            reason = limit;
            message = describe(grants) + "; " + explain(limit);
        }
        Decision d = decision(p, status, reason, reason, message, grants, work, now);
        if (p.dryRun()) {
            return Outcome.of(d.asDryRun(now));
        }
        Outcome pushed = changes(work, r, keys, d.decisionId(), now);
        return new Outcome(d, pushed.commands(), pushed.pushes(), false);
    }

    private static Reason limitReason(
            Entry e, List<TargetKey> own, Allocator.Result r, Map<TargetKey, Reason> floorLimited) {
        TargetKey k = e.key;
        if (floorLimited.containsKey(k)) {
            return Reason.BUDGET_FLOOR;
        }
        if (r.helpedByPreemption.contains(k)) {
            return Reason.PREEMPTION;
        }
        Reason why = e.blockedBy == null ? Reason.BUDGET_CEILING : e.blockedBy;
        // the ceiling counts as fair sharing when another pool's waiting demand got GPUs in the same round
        boolean others = r.grew.stream().anyMatch(g -> !own.contains(g));
        return why == Reason.BUDGET_CEILING && others ? Reason.FAIR_SHARE : why;
    }

    private static String explain(Reason r) {
        return switch (r) {
            case BUDGET_FLOOR -> "min_total_gpus stops the scale-down";
            case NAMESPACE_QUOTA -> "the namespace quota is used up";
            case FAIR_SHARE ->
                "the contended budget is shared by priority-weighted max-min fairness; the rest stays pending";
            case PREEMPTION -> "lower-priority pools are releasing replicas; the grant follows on WatchDecisions";
            default ->
                "max_total_gpus is reached; the rest stays pending and follows on WatchDecisions when GPUs free up";
        };
    }

    private static String describe(List<Grant> grants) {
        StringBuilder sb = new StringBuilder();
        for (Grant g : grants) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(g.target().componentName())
                    .append(' ')
                    .append(g.currentReplicas())
                    .append("->")
                    .append(g.grantedReplicas());
            if (g.grantedReplicas() != g.desiredReplicas()) {
                sb.append(" (asked ").append(g.desiredReplicas()).append(')');
            }
        }
        return sb.toString();
    }

    private Outcome rebalanceAndPush(Instant now) {
        markBefore(ledger);
        Allocator.Result r = allocator.rebalance(ledger, now);
        return changes(ledger, r, List.of(), "", now);
    }

    private static void markBefore(Ledger l) {
        for (Entry e : l.all()) {
            e.before = e.granted;
        }
    }

    /**
     * Commands for every target whose grant changed, and one pushed decision per other pool that changed
     * (later grants, preemptions). The changes of {@code ownTargets} (the proposal's) are in its answer, not
     * pushed; another target of the proposing pool that changed (preempted by a higher-priority one) is pushed.
     */
    private Outcome changes(
            Ledger work, Allocator.Result r, List<TargetKey> ownTargets, String ownDecisionId, Instant now) {
        List<ScaleCommand> commands = new ArrayList<>();
        Map<String, List<Grant>> byPool = new TreeMap<>();
        Map<String, Boolean> poolPreempted = new HashMap<>();
        Map<String, Boolean> poolReconciled = new HashMap<>();
        Map<String, Long> poolSequence = new HashMap<>();
        for (Entry e : work.all()) {
            int was = e.before;
            if (was == e.granted) {
                continue;
            }
            boolean own = ownTargets.contains(e.key);
            // a command for another pool gets the id of the push that announces it, below
            commands.add(
                    new ScaleCommand(own ? ownDecisionId : "", e.key, e.subType, was, e.granted, e.gpusPerReplica));
            e.commandSent(was, e.granted);
            if (!own) {
                byPool.computeIfAbsent(e.poolId, k -> new ArrayList<>())
                        .add(new Grant(e.key, e.subType, Math.max(e.desired, 0), e.granted, was, e.gpusPerReplica));
                poolPreempted.merge(e.poolId, r.preempted.contains(e.key), Boolean::logicalOr);
                poolReconciled.merge(e.poolId, r.reconciled.contains(e.key), Boolean::logicalOr);
                poolSequence.merge(e.poolId, e.sequence, Math::max);
            }
        }
        List<Decision> pushes = new ArrayList<>();
        if (commands.isEmpty()) {
            return new Outcome(null, commands, pushes, false);
        }
        BudgetSnapshot budget = work.snapshot(settings);
        byPool.forEach((pool, grants) -> {
            // the four maps have the same keys
            boolean reconciled = poolReconciled.getOrDefault(pool, false);
            boolean preempted = poolPreempted.getOrDefault(pool, false);
            boolean met = grants.stream().allMatch(g -> g.grantedReplicas() >= g.desiredReplicas());
            // a pool scaled down without asking hears why: the budget (reconcile) or a higher priority (preemption)
            Status s = reconciled || preempted ? Status.PREEMPTED : met ? Status.GRANTED : Status.PARTIAL;
            Reason why = reconciled
                    ? Reason.BUDGET_CEILING
                    : preempted ? Reason.PREEMPTION : met ? Reason.WITHIN_BUDGET : Reason.FAIR_SHARE;
            String message = reconciled
                    ? "the cluster runs more than max_total_gpus " + settings.maxTotalGpus()
                            + "; scaled back to the budget, lowest priority first: "
                    : preempted ? "preempted by a higher-priority pool: " : "budget freed up: ";
            pushes.add(new Decision(
                    newId(),
                    "",
                    pool,
                    poolSequence.getOrDefault(pool, 0L),
                    s,
                    why,
                    why,
                    message + describe(grants),
                    grants,
                    budget,
                    now));
        });
        // commands issued for other pools carry the id of the push that announced them
        List<ScaleCommand> labelled = new ArrayList<>(commands.size());
        for (ScaleCommand c : commands) {
            String id = c.decisionId();
            if (id.isEmpty()) {
                Entry e = work.require(c.target());
                id = pushes.stream()
                        .filter(d -> d.poolId().equals(e.poolId))
                        .map(Decision::decisionId)
                        .findFirst()
                        .orElse("");
            }
            labelled.add(new ScaleCommand(
                    id, c.target(), c.subType(), c.fromReplicas(), c.toReplicas(), c.gpusPerReplica()));
        }
        return new Outcome(null, labelled, pushes, false);
    }

    private Outcome remember(String idKey, Outcome out) {
        Decision d = out.decision();
        if (!idKey.isEmpty() && d != null) {
            decided.put(idKey, d);
        }
        return out;
    }

    /** Fills {@code keys} with the ledger targets of the asks; returns a message when one cannot be resolved. */
    private @Nullable String resolve(Proposal p, List<TargetKey> keys) {
        List<Entry> dgd = ledger.ofDgd(p.k8sNamespace(), p.graphDeploymentName());
        for (Ask a : p.asks()) {
            SubType type = a.subType();
            boolean named = !a.componentName().isEmpty();
            if (!named && type == null) {
                // the wire validation refuses this; an in-process caller gets the same answer instead of an NPE
                return "target_replicas: sub_component_type is required when component_name is empty"
                        + " (prefill, decode or aggregated)";
            }
            Entry found = null;
            int matches = 0;
            for (Entry e : dgd) {
                boolean hit = named ? e.key.componentName().equalsIgnoreCase(a.componentName()) : e.subType == type;
                if (hit) {
                    found = e;
                    matches++;
                }
            }
            String what = !named && type != null
                    ? "sub_component_type " + type.wireName()
                    : "component_name '" + Echo.of(a.componentName()) + "'";
            String pool = Echo.of(p.k8sNamespace() + "/" + p.graphDeploymentName());
            if (matches == 1 && found != null) {
                if (named && type != null && found.subType != type) {
                    // a typed and named ask must agree: a prefill ask naming the decode service would scale decode
                    return "target_replicas: " + what + " is a " + found.subType.wireName() + " component of " + pool
                            + ", but sub_component_type says " + type.wireName()
                            + " (set the matching type, or leave sub_component_type unspecified)";
                }
                if (keys.contains(found.key)) {
                    return "target_replicas: component " + found.key.componentName() + " is listed twice";
                }
                keys.add(found.key);
                continue;
            }
            String known = String.join(
                    ", ",
                    dgd.stream()
                            .map(e -> e.key.componentName() + " (" + e.subType.wireName() + ")")
                            .toList());
            if (matches == 0) {
                return "target_replicas: " + what + " is not a known component of " + pool
                        + (known.isEmpty() ? " (no components known for that DGD)" : "; known: " + known);
            }
            return "target_replicas: " + what + " matches several components of " + pool
                    + "; set component_name (known: " + known + ")";
        }
        return null;
    }

    private Entry entry(Observation o) {
        Entry e = ledger.get(o.target());
        if (e == null) {
            e = new Entry(
                    o.target(),
                    o.subType(),
                    o.gpusPerReplica(),
                    priorities.priorityOf(o.target()).orElse(settings.defaultPriority()));
            apply(e, o);
            ledger.put(e);
        }
        return e;
    }

    private static void apply(Entry e, Observation o) {
        e.subType = o.subType();
        e.gpusPerReplica = o.gpusPerReplica();
        e.observe(o.specReplicas(), o.runningReplicas(), o.readyReplicas(), o.terminatingReplicas());
    }

    private Grant grant(Entry e, int was) {
        return new Grant(e.key, e.subType, Math.max(e.desired, e.granted), e.granted, was, e.gpusPerReplica);
    }

    private Decision decision(
            Proposal p, Status s, Reason r, Reason wouldBe, String message, List<Grant> grants, Ledger l, Instant now) {
        return new Decision(
                newId(),
                p.proposalId(),
                p.poolId(),
                p.sequence(),
                s,
                r,
                wouldBe,
                message,
                grants,
                l.snapshot(settings),
                now);
    }

    private String newId() {
        return idPrefix + "-" + (++nextId);
    }
}
