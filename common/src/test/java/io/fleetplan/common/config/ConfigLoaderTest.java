package io.fleetplan.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    record Sample(Integer maxTotalGpus, String mode, Double ratio, List<String> names) {
        Sample {
            maxTotalGpus = maxTotalGpus == null ? -1 : maxTotalGpus;
            mode = mode == null ? "disagg" : mode;
            new ConfigChecks()
                    .atLeast("max_total_gpus", maxTotalGpus, -1)
                    .oneOf("mode", mode, List.of("disagg", "prefill", "decode", "agg"))
                    .throwIfAny();
        }
    }

    record Outer(Sample inner) {}

    @Test
    void readsSnakeCaseYamlAndAppliesDefaults() {
        Sample s = ConfigLoader.parse("max_total_gpus: 8\n", "a.yaml", Sample.class);
        assertThat(s.maxTotalGpus()).isEqualTo(8);
        assertThat(s.mode()).isEqualTo("disagg");
        assertThat(ConfigLoader.parse("", "empty.yaml", Sample.class).maxTotalGpus())
                .isEqualTo(-1);
        assertThat(ConfigLoader.parse("{\"mode\": \"agg\"}", "a.json", Sample.class)
                        .mode())
                .isEqualTo("agg");
    }

    @Test
    void unknownFieldSuggestsTheClosestName() {
        assertThatThrownBy(() -> ConfigLoader.parse("max_totl_gpus: 3\n", "a.yaml", Sample.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a.yaml:1")
                .hasMessageContaining("'max_totl_gpus'")
                .hasMessageContaining("did you mean 'max_total_gpus'?");
    }

    @Test
    void wrongTypeNamesFieldAndExpectedType() {
        assertThatThrownBy(() -> ConfigLoader.parse("max_total_gpus: lots\n", "a.yaml", Sample.class))
                .hasMessageContaining("field 'max_total_gpus'")
                .hasMessageContaining("value 'lots'")
                .hasMessageContaining("must be an integer");
    }

    @Test
    void recordValidationReportsEveryProblemWithTheSource() {
        assertThatThrownBy(() -> ConfigLoader.parse("max_total_gpus: -5\nmode: agregated\n", "b.yaml", Sample.class))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage())
                            .contains(
                                    "b.yaml",
                                    "field 'max_total_gpus': value '-5': must be >= -1",
                                    "field 'mode': value 'agregated': must be one of: disagg, prefill, decode, agg");
                });
    }

    @Test
    void nestedRecordProblemsCarryTheirPath() {
        assertThatThrownBy(() -> ConfigLoader.parse("inner:\n  max_total_gpus: -7\n", "c.yaml", Outer.class))
                .hasMessageContaining("field 'inner.max_total_gpus'");
    }

    @Test
    void brokenSyntaxIsReported() {
        assertThatThrownBy(() -> ConfigLoader.parse("max_total_gpus: [1,\n", "d.yaml", Sample.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("d.yaml");
    }

    @Test
    void didYouMeanOnlySuggestsCloseNames() {
        assertThat(DidYouMean.suggest("kalman_q_levl", List.of("kalman_q_level", "kalman_r")))
                .contains("kalman_q_level");
        assertThat(DidYouMean.suggest("zzzzzz", List.of("kalman_q_level"))).isEmpty();
    }

    @Test
    void unknownFieldsAndValidationProblemsAreReportedTogether() {
        assertThatThrownBy(() -> ConfigLoader.parse("mode: x\ninner_thing: 1\n", "e.yaml", Sample.class))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigProblem::field).containsExactly("inner_thing", "mode");
                    assertThat(e.problems().get(0).line()).isEqualTo(2);
                });
        assertThatThrownBy(() -> ConfigLoader.parse("inner:\n  mode: agg\n  bogus: 1\n", "f.yaml", Outer.class))
                .hasMessageContaining("field 'inner.bogus'");
    }
}
