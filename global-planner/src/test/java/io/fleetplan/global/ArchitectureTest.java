package io.fleetplan.global;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fleetplan.global.executor.ScaleExecutor;
import org.junit.jupiter.api.Test;

/**
 * The GlobalPlanner's boundaries (docs/architecture.md): the arbiter decides on values and returns decisions; the
 * core runs it as the ledger's single writer behind ports; the gRPC service, the executors and the HA lease adapt to
 * them, and sim runs the arbiter in virtual time.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetplan.global");

    private static final String[] IO_AND_TRANSPORT = {
        "io.grpc..",
        "io.netty..",
        "io.fabric8..",
        "java.io..",
        "java.nio.file..",
        "java.net..",
        "io.fleetplan.proto..",
        "io.prometheus..",
        "com.fasterxml.jackson.."
    };

    @Test
    void arbiterImportsNoIoOrTransport() {
        noClasses()
                .that()
                .resideInAPackage("io.fleetplan.global.arbiter..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(IO_AND_TRANSPORT)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fleetplan.global.core..",
                        "io.fleetplan.global.service..",
                        "io.fleetplan.global.executor..",
                        "io.fleetplan.global.ha..",
                        "io.fleetplan.global.cli..")
                .because("the arbiter is the budget's pure decision core: it runs the same live and in sim")
                .check(CLASSES);
    }

    @Test
    void coreReachesTheOutsideOnlyThroughItsPorts() {
        DescribedPredicate<JavaClass> executorImplementation = resideInAPackage("io.fleetplan.global.executor..")
                .and(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(ScaleExecutor.class)))
                .as("are an executor implementation (not the ScaleExecutor seam)");
        noClasses()
                .that()
                .resideInAPackage("io.fleetplan.global.core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(IO_AND_TRANSPORT)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fleetplan.global.service..",
                        "io.fleetplan.global.ha..",
                        "io.fleetplan.global.cli..",
                        "io.fleetplan.global.config..")
                .orShould()
                .dependOnClassesThat(executorImplementation)
                .because("the single-writer loop is the same for every transport: the audit log, metrics and"
                        + " authorization are adapters behind its ports, executors behind the ScaleExecutor seam")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.fleetplan.global.(**)").should().beFreeOfCycles().check(CLASSES);
    }
}
