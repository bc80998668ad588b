package io.fleetplan.global.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.global.arbiter.BudgetSnapshot;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Reason;
import io.fleetplan.global.arbiter.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    @TempDir
    Path dir;

    private static Decision decision(int i) {
        // a non-ASCII message: the size limit counts bytes, not characters
        return new Decision(
                "d-" + i,
                "p-" + i,
                "ns/pool",
                i,
                Status.GRANTED,
                Reason.WITHIN_BUDGET,
                Reason.WITHIN_BUDGET,
                "größer ✓ " + i,
                List.of(),
                new BudgetSnapshot(8, -1, 4, 0, 4),
                Instant.EPOCH.plusSeconds(i));
    }

    @Test
    void aFileIsRotatedAtAFlushPastItsLimitKeepingWholeLinesAndTheNewestFiles() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file.toString(), 2_000, 2)) {
            for (int i = 0; i < 100; i++) {
                log.decision("proposal", decision(i), "pool-planner", "ns");
                log.flush();
            }
        }
        assertThat(dir.resolve("audit.jsonl.1")).exists();
        assertThat(dir.resolve("audit.jsonl.2")).exists();
        assertThat(dir.resolve("audit.jsonl.3")).doesNotExist();
        List<Long> sequences = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String name : List.of("audit.jsonl.2", "audit.jsonl.1", "audit.jsonl")) {
            Path p = dir.resolve(name);
            if (!name.equals("audit.jsonl")) {
                // rotated once it had reached the limit, and one line past it at most
                assertThat(Files.size(p)).isGreaterThanOrEqualTo(2_000).isLessThan(2_400);
            }
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                sequences.add(json.readTree(line).get("sequence").asLong());
            }
        }
        // the newest lines, in order, none split or lost within the files kept
        assertThat(sequences).isSorted().endsWith(99L);
        for (int i = 1; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).isEqualTo(sequences.get(i - 1) + 1);
        }
    }

    @Test
    void anExistingFileIsAppendedToAndCountsTowardsTheLimit() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, "x".repeat(5_000) + "\n");
        try (AuditLog log = AuditLog.open(file.toString(), 4_000, 3)) {
            log.decision("proposal", decision(1), "c", "ns");
            log.flush();
        }
        assertThat(Files.readString(dir.resolve("audit.jsonl.1")))
                .startsWith("xxx")
                .contains("\"d-1\"");
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void noLimitMeansNoRotation() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (AuditLog log = AuditLog.open(file.toString(), 0, 3)) {
            for (int i = 0; i < 50; i++) {
                log.decision("proposal", decision(i), "c", "ns");
                log.flush();
            }
        }
        assertThat(Files.readAllLines(file)).hasSize(50);
        assertThat(dir.resolve("audit.jsonl.1")).doesNotExist();
    }

    @Test
    void aDeviceIsRefusedSoRotationNeverMovesIt() {
        assertThatThrownBy(() -> AuditLog.open("/dev/null", 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("audit_log_path /dev/null")
                .hasMessageContaining("must be a regular file");
        assertThat(Path.of("/dev/null")).exists();
    }

    @Test
    void aRefusedRequestsHugeFieldsAreCutShort() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        String huge = "x".repeat(1_000_000);
        try (AuditLog log = AuditLog.open(file.toString(), 0, 1)) {
            log.refused(Instant.EPOCH, "UNAUTHENTICATED", "-", huge, huge + "/" + huge, huge, "bad " + huge);
        }
        String line = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(line.length()).isLessThan(4_000);
        assertThat(new ObjectMapper().readTree(line).path("proposal_id").asText())
                .contains("(1000000 chars)");
    }
}
