package io.fleetplan.mocker.worker;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.proto.net.SharedToken;
import io.fleetplan.proto.v1.DeregisterRequest;
import io.fleetplan.proto.v1.RegisterRequest;
import io.fleetplan.proto.v1.RegisterResponse;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerHeartbeatRequest;
import io.fleetplan.proto.v1.WorkerInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Keeps the worker registered with its pool's LocalRouter: Register, then WorkerHeartbeat at the interval
 * the router asks for. NOT_FOUND (the router restarted and forgot us) or UNAVAILABLE (it is down) make the
 * next tick register again, with a backoff of up to 5 s while the router stays away.
 */
final class RouterLink implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RouterLink.class.getName());
    private static final long CALL_DEADLINE_MS = 2000;

    private final String address;
    private final Supplier<WorkerInfo> info;
    private final Supplier<WorkerHeartbeatRequest> heartbeat;
    private final ManagedChannel channel;
    private final RouterGrpc.RouterBlockingStub stub;
    private final WallClockScheduler timer;
    private final AtomicInteger registrations = new AtomicInteger();
    private volatile boolean registered;
    private volatile boolean stopped;
    private long intervalMs = 1000;
    private long backoffMs = 250;
    private Scheduler.Cancellable next;

    RouterLink(String address, String token, Supplier<WorkerInfo> info, Supplier<WorkerHeartbeatRequest> heartbeat) {
        this.address = address;
        this.info = info;
        this.heartbeat = heartbeat;
        this.channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
        RouterGrpc.RouterBlockingStub plain = RouterGrpc.newBlockingStub(channel);
        this.stub = token == null ? plain : plain.withCallCredentials(SharedToken.credentials(token));
        this.timer = new WallClockScheduler("router-link", 1);
    }

    void start() {
        timer.execute(this::tick);
    }

    /** Sends a heartbeat now (e.g. to announce draining without waiting for the interval). */
    void nudge() {
        timer.execute(() -> {
            if (registered && !stopped) {
                sendHeartbeat();
            }
        });
    }

    boolean isRegistered() {
        return registered;
    }

    /** How many times Register succeeded (more than 1 after a router restart). */
    int registrations() {
        return registrations.get();
    }

    private synchronized void tick() {
        if (stopped) {
            return;
        }
        long delay;
        if (!registered) {
            delay = register() ? intervalMs : backoff();
        } else {
            delay = sendHeartbeat() ? intervalMs : backoff();
        }
        next = timer.schedule(Duration.ofMillis(delay), this::tick);
    }

    private long backoff() {
        long d = backoffMs;
        backoffMs = Math.min(5000, backoffMs * 2);
        return d;
    }

    private boolean register() {
        // this link paces its own attempts (250 ms doubling to 5 s): without the reset, a call to a router that was
        // down would also wait out the channel's reconnect backoff and fail at once until then
        channel.resetConnectBackoff();
        try {
            RegisterResponse r = stub.withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS)
                    .register(RegisterRequest.newBuilder().setWorker(info.get()).build());
            intervalMs = r.getHeartbeatIntervalMs() > 0 ? r.getHeartbeatIntervalMs() : 1000;
            registered = true;
            backoffMs = 250;
            int n = registrations.incrementAndGet();
            LOG.log(
                    System.Logger.Level.INFO,
                    "registered with router {0} as {1} (registration {2}, heartbeat every {3} ms)",
                    address,
                    info.get().getWorkerId(),
                    String.valueOf(n),
                    String.valueOf(intervalMs));
            return true;
        } catch (StatusRuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "register with {0} failed: {1}", address, e.getStatus());
            return false;
        }
    }

    private boolean sendHeartbeat() {
        try {
            stub.withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS).workerHeartbeat(heartbeat.get());
            return true;
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.NOT_FOUND || code == Status.Code.UNAVAILABLE) {
                LOG.log(System.Logger.Level.INFO, "router {0} answered {1}; registering again", address, code);
                registered = false;
                return register();
            }
            LOG.log(System.Logger.Level.WARNING, "heartbeat to {0} failed: {1}", address, e.getStatus());
            return false;
        }
    }

    /** Stops heartbeating and deregisters (best effort, bounded by the call deadline). */
    void deregister() {
        stopped = true;
        synchronized (this) {
            if (next != null) {
                next.cancel();
            }
        }
        if (!registered) {
            return;
        }
        try {
            stub.withDeadlineAfter(CALL_DEADLINE_MS, TimeUnit.MILLISECONDS)
                    .deregister(DeregisterRequest.newBuilder()
                            .setWorkerId(info.get().getWorkerId())
                            .build());
            registered = false;
        } catch (StatusRuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "deregister from {0} failed: {1}", address, e.getStatus());
        }
    }

    @Override
    public void close() {
        stopped = true;
        timer.close();
        channel.shutdownNow();
    }
}
