package io.fleetplan.common.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsAFileWithinTheLimit() throws IOException {
        Path f = Files.writeString(dir.resolve("a.yaml"), "mode: prefill\n");
        assertThat(BoundedFiles.readString(f, 100, "a config file")).isEqualTo("mode: prefill\n");
    }

    @Test
    void refusesAFileOverTheLimitByItsSize() throws IOException {
        Path f = Files.write(dir.resolve("big.csv"), new byte[2048]);
        assertThatThrownBy(() -> BoundedFiles.open(f, 1024, "a trace"))
                .isInstanceOf(BoundedFiles.InputTooLargeException.class)
                .hasMessage(f + ": a trace is larger than the limit of 1 KiB (it has 2 KiB)");
    }

    @Test
    void refusesDevicesAndDirectories() {
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            assertThatThrownBy(() -> BoundedFiles.readString(zero, 1024, "a config file"))
                    .isInstanceOf(BoundedFiles.NotARegularFileException.class)
                    .hasMessageContaining("/dev/zero: a config file must be a regular file");
        }
        assertThatThrownBy(() -> BoundedFiles.open(dir, 1024, "a trace"))
                .isInstanceOf(BoundedFiles.NotARegularFileException.class)
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> BoundedFiles.open(dir.resolve("none"), 1024, "a trace"))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aStreamStopsAtTheLimit() {
        InputStream in = BoundedFiles.limited(new ByteArrayInputStream(new byte[5000]), "stdin", "a trace", 4096);
        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(BoundedFiles.InputTooLargeException.class)
                .hasMessage("stdin: a trace is larger than the limit of 4 KiB");
    }
}
