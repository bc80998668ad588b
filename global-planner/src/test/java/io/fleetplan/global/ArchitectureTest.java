package io.fleetplan.global;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The GlobalPlanner's boundaries (docs/architecture.md): the arbiter decides on values and returns decisions; the gRPC
 * service, the executors and the HA lease adapt to it, and sim runs it in virtual time.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.fleetplan.global");

    @Test
    void arbiterImportsNoIoOrTransport() {
        noClasses().that().resideInAPackage("io.fleetplan.global.arbiter..").should().dependOnClassesThat()
                .resideInAnyPackage("io.grpc..", "io.netty..", "io.fabric8..", "java.io..", "java.nio.file..",
                        "java.net..", "io.fleetplan.proto..", "io.prometheus..", "com.fasterxml.jackson..",
                        "io.fleetplan.global.service..", "io.fleetplan.global.executor..", "io.fleetplan.global.ha..",
                        "io.fleetplan.global.cli..")
                .because("the arbiter is the budget's pure decision core: it runs the same live and in sim")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.fleetplan.global.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
