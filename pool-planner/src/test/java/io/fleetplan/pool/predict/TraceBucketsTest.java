package io.fleetplan.pool.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class TraceBucketsTest {

    @Test
    void bucketsMooncakeLinesPerInterval() {
        List<String> lines = List.of(
                "{\"timestamp\": 0, \"input_length\": 100, \"output_length\": 10, \"hash_ids\": [0]}",
                "{\"timestamp\": 59000, \"input_length\": 300, \"output_length\": 30, \"hash_ids\": [1]}",
                "",
                "{\"timestamp\": 150000, \"input_length\": 50, \"output_length\": 5, \"hash_ids\": [2]}");
        var buckets = TraceBuckets.bucket(TraceBuckets.parseMooncake(lines, "t.jsonl"), 60);
        assertThat(buckets)
                .containsExactly(
                        new TraceBuckets.IntervalLoad(2, 200, 20),
                        new TraceBuckets.IntervalLoad(0, 0, 0),
                        new TraceBuckets.IntervalLoad(1, 50, 5));
    }

    @Test
    void parsesAzureTimestampsRelativeToTheFirstRow() {
        List<String> lines = List.of(
                "TIMESTAMP,ContextTokens,GeneratedTokens",
                "2023-11-16 18:15:46.6805900,374,44",
                "2023-11-16 18:16:46.6805900,100,10");
        var arrivals = TraceBuckets.parseAzure(lines, "a.csv");
        assertThat(arrivals.get(1).atSeconds()).isCloseTo(60.0, Offset.offset(1e-6));
    }

    @Test
    void badRowsNameFileAndLine() {
        assertThatThrownBy(() -> TraceBuckets.parseMooncake(List.of("{\"timestamp\": 1}"), "t.jsonl"))
                .hasMessageContaining("t.jsonl:1")
                .hasMessageContaining("input_length");
    }
}
