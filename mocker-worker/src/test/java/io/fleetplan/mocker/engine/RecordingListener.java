package io.fleetplan.mocker.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test listener that keeps everything the engine reports. */
final class RecordingListener implements EngineListener {

    final Map<String, List<Long>> tokenTimes = new HashMap<>();
    final Map<String, List<Integer>> tokenIndexes = new HashMap<>();
    final Map<String, Completion> finished = new HashMap<>();
    final List<ForwardPass> fpms = new ArrayList<>();
    final List<KvEvent> kvEvents = new ArrayList<>();
    final List<LoadSnapshot> loads = new ArrayList<>();
    final List<ForwardPass> heartbeats = new ArrayList<>();

    @Override
    public void onTokens(EngineRequest request, int firstIndex, int count, long timeNanos) {
        for (int i = 0; i < count; i++) {
            tokenTimes
                    .computeIfAbsent(request.requestId(), k -> new ArrayList<>())
                    .add(timeNanos);
            tokenIndexes
                    .computeIfAbsent(request.requestId(), k -> new ArrayList<>())
                    .add(firstIndex + i);
        }
    }

    @Override
    public void onFinished(EngineRequest request, Completion completion) {
        finished.put(request.requestId(), completion);
    }

    @Override
    public void onForwardPass(ForwardPass fpm) {
        fpms.add(fpm);
    }

    @Override
    public void onKvEvent(KvEvent event, long timeNanos) {
        kvEvents.add(event);
    }

    @Override
    public void onLoad(LoadSnapshot load, long timeNanos) {
        loads.add(load);
    }

    @Override
    public void onIdleHeartbeat(long sequence, ForwardPass fpm, LoadSnapshot load, long timeNanos) {
        heartbeats.add(fpm);
    }

    int tokens(String id) {
        return tokenTimes.getOrDefault(id, List.of()).size();
    }
}
