package io.fleetplan.mocker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.KvTransferParams;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class DisaggregatedIT {

    @Test
    void prefillWorkerHandsOffAndDecodeWorkerContinuesAtIndexOne() throws Exception {
        try (MockerWorker prefill = MockerWorker.start(WorkerSettings.loopback(EngineConfig.builder()
                                .role(Role.PREFILL)
                                .speedupRatio(10)
                                .build())
                        .withWorkerId("p"));
                MockerWorker decode = MockerWorker.start(WorkerSettings.loopback(EngineConfig.builder()
                                .role(Role.DECODE)
                                .speedupRatio(10)
                                .build())
                        .withWorkerId("d"));
                WorkerClient pc = new WorkerClient(prefill.grpcPort());
                WorkerClient dc = new WorkerClient(decode.grpcPort())) {
            List<GenerateResponse> first =
                    pc.generate(WorkerClient.request("x", 1000, 8)).get(10, TimeUnit.SECONDS);
            assertThat(first).hasSize(1);
            GenerateResponse only = first.getFirst();
            assertThat(only.getFinished()).isTrue();
            assertThat(only.getIndex()).isZero();
            assertThat(only.getUsage().getCompletionTokens()).isEqualTo(1);
            KvTransferParams handoff = only.getKvTransfer();
            assertThat(handoff.getPrefillWorkerId()).isEqualTo("p");
            assertThat(handoff.getTransferredTokens()).isEqualTo(1000);
            assertThat(handoff.getTransferMs()).isEqualTo(2.048, Offset.offset(1e-9));
            assertThat(handoff.getFirstTokenId()).isEqualTo(only.getTokenIds(0));

            List<GenerateResponse> rest = dc.generate(GenerateRequest.newBuilder(WorkerClient.request("x", 1000, 8))
                            .setKvTransfer(handoff)
                            .build())
                    .get(10, TimeUnit.SECONDS);
            assertThat(rest).extracting(GenerateResponse::getIndex).containsExactly(1, 2, 3, 4, 5, 6, 7);
            assertThat(rest.getLast().getUsage().getCompletionTokens()).isEqualTo(7);
        }
    }
}
