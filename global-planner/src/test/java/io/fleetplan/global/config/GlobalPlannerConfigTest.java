package io.fleetplan.global.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigKind;
import io.fleetplan.common.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GlobalPlannerConfigTest {

    @TempDir
    Path dir;

    @Test
    void emptyFileGivesDynamosDefaults() {
        GlobalPlannerConfig c = GlobalPlannerConfig.defaults();
        // reference/dynamo-global-planner.md section 2, Configuration
        assertThat(c.managedNamespaces()).isNull();
        assertThat(c.environment()).isEqualTo("kubernetes");
        assertThat(c.noOperation()).isFalse();
        assertThat(c.maxTotalGpus()).isEqualTo(-1);
        assertThat(c.minTotalGpus()).isEqualTo(-1);
        assertThat(c.intentCacheTtlSeconds()).isEqualTo(360);
        assertThat(c.budgetEnabled()).isFalse();
        // fleetplan's own
        assertThat(c.fairness().policy()).isEqualTo("weighted-max-min");
        assertThat(c.fairness().preemption()).isFalse();
        assertThat(c.fairness().defaultPriority()).isEqualTo(100);
        assertThat(c.executorKind()).isEqualTo("kubernetes");
        assertThat(c.executor().kubernetes().scaleTarget().kind()).isEqualTo("DynamoGraphDeploymentScalingAdapter");
        assertThat(c.executor().kubernetes().scaleTarget().nameFor("pool-a", "Decode"))
                .isEqualTo("pool-a-decode");
        assertThat(c.grpc().port()).isEqualTo(9090);
        assertThat(c.tls()).isNull();
        assertThat(c.callers()).isEmpty();
        assertThat(c.leaderElection().enabled()).isFalse();
        assertThat(c.leaderElection().leaseDurationSeconds()).isEqualTo(15);
        assertThat(c.auditLogPath()).isNull();
        assertThat(c.auditLogMaxMb()).isEqualTo(100);
        assertThat(c.auditLogKeep()).isEqualTo(5);
        assertThat(c.metricsPort()).isEqualTo(9091);
    }

    @Test
    void fullFileLoads() throws IOException {
        Path f = write("full.yaml", """
                managed_namespaces: [team-a-pool, team-b-pool]
                environment: virtual
                max_total_gpus: 16
                min_total_gpus: 2
                intent_cache_ttl_seconds: 60
                namespace_quotas: {team-a: 8}
                priorities:
                  - {selector: team-a, priority: 200}
                  - {selector: "team-b/*/decode", priority: 50}
                fairness: {policy: weighted-max-min, preemption: true}
                executor:
                  virtual:
                    scale_up_delay_seconds: 30
                    targets:
                      - {k8s_namespace: team-a, graph_deployment_name: pool, sub_component_type: decode, gpus_per_replica: 2, replicas: 1}
                  kubernetes:
                    scale_target: {kind: Deployment}
                callers:
                  - name: team-a-planner
                    bearer_token_sha256: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
                    allowed_targets: [team-a/pool]
                audit_log_path: "-"
                metrics_port: -1
                """);
        GlobalPlannerConfig c = GlobalPlannerConfig.load(f);
        assertThat(c.maxTotalGpus()).isEqualTo(16);
        assertThat(c.namespaceQuotas()).containsEntry("team-a", 8);
        assertThat(c.priorities()).hasSize(2);
        assertThat(c.fairness().preemption()).isTrue();
        assertThat(c.executorKind()).isEqualTo("virtual");
        assertThat(c.executor().virtual().targets().get(0).componentName()).isEqualTo("decode");
        assertThat(c.executor().kubernetes().scaleTarget().apiVersion()).isEqualTo("apps/v1");
        assertThat(c.executor().kubernetes().scaleTarget().plural()).isEqualTo("deployments");
        assertThat(c.callers().get(0).bearerTokenSha256()).startsWith("9f86d0");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of(
                        "min_total_gpus: 10\nmax_total_gpus: 4\n", "min_total_gpus", "must be <= max_total_gpus (4)"),
                Arguments.of("max_total_gpus: -2\n", "max_total_gpus", "must be >= -1"),
                Arguments.of("intent_cache_ttl_seconds: 0\n", "intent_cache_ttl_seconds", "must be > 0"),
                Arguments.of("environment: kubernetse\n", "environment", "did you mean 'kubernetes'"),
                Arguments.of("max_total_gpu: 8\n", "max_total_gpu", "did you mean 'max_total_gpus'"),
                Arguments.of("max_total_gpus: eight\n", "max_total_gpus", "must be an integer"),
                Arguments.of("namespace_quotas: {team-a: -1}\n", "namespace_quotas.team-a", "must be an integer >= 0"),
                Arguments.of(
                        "fairness: {policy: fifo}\n",
                        "fairness.policy",
                        "must be one of: weighted-max-min, first-come"),
                Arguments.of(
                        "priorities: [{selector: a, priority: 1}, {selector: a, priority: 2}]\n",
                        "priorities[1].selector",
                        "must be unique"),
                Arguments.of(
                        "priorities: [{selector: a/b/c/d, priority: 1}]\n",
                        "priorities[0].selector",
                        "must be k8s_namespace[/dgd[/component]]"),
                Arguments.of(
                        "environment: local\nexecutor: {kind: virtual}\n", "executor.kind", "must match environment"),
                Arguments.of("grpc: {port: 70000}\n", "grpc.port", "must be between 0 and 65535"),
                Arguments.of("audit_log_max_mb: -1\n", "audit_log_max_mb", "must be >= 0"),
                Arguments.of("audit_log_keep: 0\n", "audit_log_keep", "must be >= 1"),
                // rotation renames the file: a device (as root, the host's /dev/null) must never be moved
                Arguments.of("audit_log_path: /dev/null\n", "audit_log_path", "must be a regular file"),
                Arguments.of("pool_state_ttl_seconds: 0\n", "pool_state_ttl_seconds", "must be > 0"),
                Arguments.of(
                        "tls: {cert_chain_file: /nonexistent.pem, private_key_file: /nonexistent.key}\n",
                        "tls.cert_chain_file",
                        "must be a readable file"),
                Arguments.of(
                        "callers: [{name: a, bearer_token_sha256: abc, allowed_targets: [x]}]\n",
                        "callers[0].bearer_token_sha256",
                        "must be 64 hex digits"),
                Arguments.of(
                        "callers: [{name: a, certificate_names: [cn]}]\n",
                        "callers[0].allowed_targets",
                        "must list at least one target pattern"),
                Arguments.of(
                        "leader_election: {enabled: true, lease_duration_seconds: 5, renew_deadline_seconds: 5}\n",
                        "leader_election.renew_deadline_seconds",
                        "must be < lease_duration_seconds"),
                Arguments.of(
                        "environment: virtual\nleader_election: {enabled: true}\n",
                        "leader_election.enabled",
                        "needs environment kubernetes"),
                Arguments.of(
                        "executor: {virtual: {targets: [{graph_deployment_name: p, sub_component_type: both}]}}\n",
                        "executor.virtual.targets[0].sub_component_type",
                        "must be one of: prefill, decode, agg"));
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badFilesNameTheField(String yaml, String field, String allowed) throws IOException {
        Path f = write("bad.yaml", yaml);
        assertThatThrownBy(() -> GlobalPlannerConfig.load(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("field '" + field + "'")
                .hasMessageContaining(allowed);
    }

    @Test
    void jsonWorksToo() throws IOException {
        Path f = write("c.json", "{\"max_total_gpus\": 8, \"no_operation\": true}");
        GlobalPlannerConfig c = GlobalPlannerConfig.load(f);
        assertThat(c.maxTotalGpus()).isEqualTo(8);
        assertThat(c.noOperation()).isTrue();
        assertThat(c.budgetEnabled()).isTrue();
    }

    @Test
    void registeredAsConfigKind() {
        ConfigKind kind = ServiceLoader.load(ConfigKind.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(k -> k.name().equals("global-planner"))
                .findFirst()
                .orElseThrow();
        assertThat(kind.recordType()).isEqualTo(GlobalPlannerConfig.class);
        assertThat(kind.score(Set.of("managed_namespaces", "max_total_gpus"))).isGreaterThan(30);
        assertThat(kind.score(Set.of("pools", "budget"))).isZero();
        assertThat(kind.summary(ConfigLoader.parse("max_total_gpus: 8", "x.yaml", GlobalPlannerConfig.class)))
                .startsWith("global-planner config OK")
                .contains("max_total_gpus=8");
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
