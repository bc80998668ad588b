package io.fleetplan.pool;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fleetplan.pool.core.ScalingConnector;
import org.junit.jupiter.api.Test;

/**
 * The pool planner's boundaries (docs/architecture.md): the decision packages run the same live and in replay, so they
 * see no transport, no Kubernetes, no files and no wire types; sources, connectors and the CLI adapt to them.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetplan.pool");

    private static final String[] DECISIONS = {
        "io.fleetplan.pool.core..",
        "io.fleetplan.pool.scaling..",
        "io.fleetplan.pool.predict..",
        "io.fleetplan.pool.perf..",
        "io.fleetplan.pool.math.."
    };

    @Test
    void decisionPackagesImportNoIoOrTransport() {
        noClasses()
                .that()
                .resideInAnyPackage(DECISIONS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.grpc..",
                        "io.netty..",
                        "io.fabric8..",
                        "java.io..",
                        "java.nio.file..",
                        "java.net..",
                        "com.sun.net.httpserver..",
                        "io.fleetplan.proto..",
                        "io.prometheus..",
                        "com.fasterxml.jackson..")
                .because("the planner's decisions are pure: the same classes run live and in sim's virtual time")
                .check(CLASSES);
    }

    @Test
    void everyConnectorLivesInConnect() {
        classes()
                .that()
                .implement(ScalingConnector.class)
                .should()
                .resideInAPackage("io.fleetplan.pool.connect..")
                .because("the ScalingConnector seam is the core's; its implementations (GlobalPlanner, Kubernetes,"
                        + " virtual, advisory) sit together as adapters")
                .check(CLASSES);
    }

    @Test
    void decisionPackagesDoNotReachTheirAdapters() {
        noClasses()
                .that()
                .resideInAnyPackage(DECISIONS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fleetplan.pool.source..",
                        "io.fleetplan.pool.connect..",
                        "io.fleetplan.pool.cli..",
                        "io.fleetplan.pool.monitor..",
                        "io.fleetplan.pool.profile..",
                        "io.fleetplan.mocker..",
                        "io.fleetplan.router..")
                .because("settings come from the validated config records (pool.config); everything else that reads"
                        + " or writes the outside world adapts to the decisions, not the other way round")
                .check(CLASSES);
    }

    @Test
    void noPoolClassRunsTheMocker() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.fleetplan.mocker..")
                .because("the pool planner reads engines through metrics and profile files; what runs a mocker engine"
                        + " (profiling, the step-response pool) sits next to the simulator, and mocker-worker is on"
                        + " this module's classpath for its router ITs only")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.fleetplan.pool.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
