package io.fleetplan.mocker.profile;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.PolynomialTimingModel;
import io.fleetplan.mocker.engine.TimingModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The timing model an {@link EngineConfig} names. Profiles are read once per file version and shared: a replay
 * builds many engines from one config, and the model is immutable.
 */
public final class TimingModels {

    private record Key(Path path, long modifiedMillis) {}

    private static final Map<Key, TimingModel> LOADED = new ConcurrentHashMap<>();

    private TimingModels() {}

    /**
     * The config's model: the profile behind {@code planner_profile_data}, else {@link PolynomialTimingModel}.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static TimingModel of(EngineConfig config) {
        if (config.plannerProfileData() == null) {
            return PolynomialTimingModel.INSTANCE;
        }
        Path path = Path.of(config.plannerProfileData()).toAbsolutePath().normalize();
        long modified;
        try {
            modified = Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            throw new IllegalArgumentException("planner_profile_data " + path + ": no such file or directory", e);
        }
        return LOADED.computeIfAbsent(new Key(path, modified), k -> ProfileTables.load(k.path()));
    }
}
