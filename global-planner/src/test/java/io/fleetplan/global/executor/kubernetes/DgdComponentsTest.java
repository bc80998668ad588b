package io.fleetplan.global.executor.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetplan.common.pool.SubType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DgdComponentsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @SuppressWarnings("unchecked")
    private static List<DgdComponents.Component> read(String yaml) throws Exception {
        return DgdComponents.read(YAML.readValue(yaml, Map.class));
    }

    @Test
    void v1alpha1ServicesWithEachGpuSource() throws Exception {
        List<DgdComponents.Component> cs = read("""
                spec:
                  services:
                    Frontend: {componentType: frontend, replicas: 1}
                    prefill:
                      componentType: worker
                      subComponentType: prefill
                      replicas: 2
                      scalingAdapter: {enabled: true}
                      resources: {limits: {gpu: "2"}}
                      multinode: {nodeCount: 2}
                    decode:
                      componentType: decode
                      extraPodSpec: {mainContainer: {resources: {limits: {nvidia.com/gpu: 1}}}}
                    agg:
                      componentType: worker
                status:
                  services:
                    agg: {replicas: 3, readyReplicas: 2, gpusPerReplica: 4}
                """);
        assertThat(cs)
                .extracting(DgdComponents.Component::name)
                .containsExactly("Frontend", "prefill", "decode", "agg");
        assertThat(cs.get(0).subType()).isNull();
        assertThat(cs.get(1)).satisfies(c -> {
            assertThat(c.subType()).isEqualTo(SubType.PREFILL);
            assertThat(c.gpusPerReplica()).isEqualTo(4); // limits.gpu x nodeCount
            assertThat(c.scalingAdapter()).isTrue();
            assertThat(c.specReplicas()).isEqualTo(2);
            assertThat(c.statusReplicas()).isNull();
        });
        assertThat(cs.get(2).gpusPerReplica()).isEqualTo(1);
        assertThat(cs.get(2).specReplicas()).isEqualTo(1); // nil replicas count as 1
        assertThat(cs.get(3)).satisfies(c -> {
            assertThat(c.subType()).isEqualTo(SubType.AGGREGATED);
            assertThat(c.gpusPerReplica()).isEqualTo(4); // from status.gpusPerReplica
            assertThat(c.statusReplicas()).isEqualTo(3);
            assertThat(c.readyReplicas()).isEqualTo(2);
        });
    }

    @Test
    void v1beta1ComponentsReadTheMainContainer() throws Exception {
        List<DgdComponents.Component> cs = read("""
                spec:
                  components:
                    - name: decode
                      type: decode
                      replicas: 3
                      scalingAdapter: {}
                      podTemplate:
                        spec:
                          containers:
                            - {name: sidecar, resources: {limits: {nvidia.com/gpu: 7}}}
                            - {name: main, resources: {requests: {nvidia.com/gpu: "2"}}}
                    - {name: planner, type: planner}
                status:
                  components:
                    decode: {replicas: 3, availableReplicas: 3}
                """);
        assertThat(cs.get(0)).satisfies(c -> {
            assertThat(c.subType()).isEqualTo(SubType.DECODE);
            assertThat(c.gpusPerReplica()).isEqualTo(2);
            assertThat(c.scalingAdapter()).isTrue();
            assertThat(c.readyReplicas()).isEqualTo(3);
        });
        assertThat(cs.get(1).subType()).isNull();
    }
}
