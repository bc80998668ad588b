package io.fleetplan.mocker.worker;

import io.fleetplan.proto.v1.WorkerEvent;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans worker events out to {@code StreamEvents} subscribers. Every call happens on the engine thread, so a
 * subscriber's stream is only ever written from one thread.
 */
final class EventHub {

    /** What kind of event, for the subscribers' filters. */
    enum Kind {
        FPM,
        KV,
        OTHER
    }

    private record Subscriber(ServerCallStreamObserver<WorkerEvent> stream, boolean kv, boolean fpm) {}

    private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private volatile boolean anyKv;
    private volatile boolean anyFpm;

    void add(ServerCallStreamObserver<WorkerEvent> stream, boolean kv, boolean fpm) {
        subscribers.add(new Subscriber(stream, kv, fpm));
        refresh();
    }

    void remove(ServerCallStreamObserver<WorkerEvent> stream) {
        subscribers.removeIf(s -> s.stream().equals(stream));
        refresh();
    }

    boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    boolean wants(Kind kind) {
        return switch (kind) {
            case KV -> anyKv;
            case FPM -> anyFpm;
            case OTHER -> !subscribers.isEmpty();
        };
    }

    void publish(WorkerEvent event, Kind kind) {
        for (Subscriber s : subscribers) {
            if ((kind == Kind.KV && !s.kv()) || (kind == Kind.FPM && !s.fpm())) {
                continue;
            }
            if (s.stream().isCancelled()) {
                remove(s.stream());
                continue;
            }
            try {
                s.stream().onNext(event);
            } catch (RuntimeException e) {
                remove(s.stream()); // the subscriber went away between the check and the write
            }
        }
    }

    void completeAll() {
        for (Subscriber s : subscribers) {
            try {
                s.stream().onCompleted();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        subscribers.clear();
        refresh();
    }

    private void refresh() {
        anyKv = subscribers.stream().anyMatch(Subscriber::kv);
        anyFpm = subscribers.stream().anyMatch(Subscriber::fpm);
    }
}
