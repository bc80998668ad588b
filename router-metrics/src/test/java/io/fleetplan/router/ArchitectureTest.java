package io.fleetplan.router;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The routers' boundaries (docs/architecture.md): worker choice and pool choice are pure and shared by the live
 * servers and sim's replay; the gRPC/HTTP servers adapt to them.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetplan.router");

    @Test
    void routingCoresImportNoIoOrTransport() {
        noClasses()
                .that()
                .resideInAnyPackage("io.fleetplan.router.core..", "io.fleetplan.router.global..")
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
                        "io.fleetplan.router.local..",
                        "io.fleetplan.router.frontend..",
                        "io.fleetplan.router.net..",
                        "io.fleetplan.router.metrics..",
                        "io.fleetplan.mocker..")
                .because("routing decisions are pure: the same classes route live and in sim's virtual time")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.fleetplan.router.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
