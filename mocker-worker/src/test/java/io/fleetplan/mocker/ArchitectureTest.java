package io.fleetplan.mocker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The mocker's boundaries (docs/architecture.md): the engine model runs in a worker process and in sim's virtual time,
 * so it sees no transport and no files; profiles are read in {@code mocker.profile} and handed in as timing models.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetplan.mocker");

    @Test
    void engineImportsNoIoOrTransport() {
        noClasses()
                .that()
                .resideInAPackage("io.fleetplan.mocker.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.grpc..",
                        "io.netty..",
                        "io.fabric8..",
                        "java.io..",
                        "java.nio.file..",
                        "java.net..",
                        "io.fleetplan.proto..",
                        "io.prometheus..",
                        "com.fasterxml.jackson..",
                        "io.fleetplan.mocker.worker..",
                        "io.fleetplan.mocker.profile..",
                        "io.fleetplan.mocker.cli..")
                .because("the engine model is pure: the same engine runs in a worker and in sim's virtual time")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.fleetplan.mocker.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
