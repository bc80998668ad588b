package io.fleetplan.mocker.worker;

import io.fleetplan.mocker.engine.EngineConfig;
import java.time.Duration;

/**
 * How a worker process runs around its engine.
 *
 * @param engine the engine model
 * @param workerId id used with the router and in events; null or empty = generated
 * @param bindHost interface to listen on (e.g. 0.0.0.0, or 127.0.0.1 in tests)
 * @param advertiseHost host name put in WorkerInfo.grpc_address / metrics_url
 * @param grpcPort Worker service port (0 = ephemeral)
 * @param metricsPort HTTP /metrics and /health port (0 = ephemeral, -1 = off)
 * @param routerAddress LocalRouter host:port to register with, or null
 * @param pool pool (LocalRouter namespace) name
 * @param gpus GPUs this worker stands for
 * @param cudaProbe probe CUDA devices at start
 * @param drainGrace default grace period for a drain
 * @param routerToken the pool's shared worker token sent to the router, or null when the router checks none
 */
public record WorkerSettings(
        EngineConfig engine,
        String workerId,
        String bindHost,
        String advertiseHost,
        int grpcPort,
        int metricsPort,
        String routerAddress,
        String pool,
        int gpus,
        boolean cudaProbe,
        Duration drainGrace,
        String routerToken) {

    public WorkerSettings(
            EngineConfig engine,
            String workerId,
            String bindHost,
            String advertiseHost,
            int grpcPort,
            int metricsPort,
            String routerAddress,
            String pool,
            int gpus,
            boolean cudaProbe,
            Duration drainGrace) {
        this(
                engine,
                workerId,
                bindHost,
                advertiseHost,
                grpcPort,
                metricsPort,
                routerAddress,
                pool,
                gpus,
                cudaProbe,
                drainGrace,
                null);
    }

    @Override
    public String toString() {
        // the token stays out of logs
        return "WorkerSettings[workerId=" + workerId + ", bind=" + bindHost + ", advertise=" + advertiseHost
                + ", router=" + routerAddress + ", pool=" + pool + ", gpus=" + gpus + ", routerToken="
                + (routerToken == null ? "none" : "set") + "]";
    }

    /** Loopback worker on ephemeral ports, no router: for tests and benches. */
    public static WorkerSettings loopback(EngineConfig engine) {
        return new WorkerSettings(
                engine, null, "127.0.0.1", "127.0.0.1", 0, 0, null, "default", 1, false, Duration.ofSeconds(30));
    }

    public WorkerSettings withRouter(String address) {
        return new WorkerSettings(
                engine,
                workerId,
                bindHost,
                advertiseHost,
                grpcPort,
                metricsPort,
                address,
                pool,
                gpus,
                cudaProbe,
                drainGrace,
                routerToken);
    }

    public WorkerSettings withWorkerId(String id) {
        return new WorkerSettings(
                engine,
                id,
                bindHost,
                advertiseHost,
                grpcPort,
                metricsPort,
                routerAddress,
                pool,
                gpus,
                cudaProbe,
                drainGrace,
                routerToken);
    }

    public WorkerSettings withRouterToken(String token) {
        return new WorkerSettings(
                engine,
                workerId,
                bindHost,
                advertiseHost,
                grpcPort,
                metricsPort,
                routerAddress,
                pool,
                gpus,
                cudaProbe,
                drainGrace,
                token);
    }

    public WorkerSettings withCudaProbe(boolean probe) {
        return new WorkerSettings(
                engine,
                workerId,
                bindHost,
                advertiseHost,
                grpcPort,
                metricsPort,
                routerAddress,
                pool,
                gpus,
                probe,
                drainGrace,
                routerToken);
    }
}
