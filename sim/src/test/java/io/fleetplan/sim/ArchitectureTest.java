package io.fleetplan.sim;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The simulator wraps the production decision classes the way Caffeine's simulator wraps the cache: it runs the pure
 * cores (planner loop, arbiter, routers, engine) in virtual time and never the live adapters, so it needs no network,
 * no Kubernetes and no wall clock. The one type it takes from the executors' package is their seam,
 * {@code ScaleExecutor}: the replay's pools are the GlobalPlanner's executor.
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetplan.sim");

    @Test
    void runsNoNetworkKubernetesOrLiveAdapter() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.fabric8..",
                        "io.grpc..",
                        "io.netty..",
                        "java.net..",
                        "com.sun.net.httpserver..",
                        "io.fleetplan.mocker.worker..",
                        "io.fleetplan.router.local..",
                        "io.fleetplan.router.frontend..",
                        "io.fleetplan.pool.connect..",
                        "io.fleetplan.pool.source..",
                        "io.fleetplan.global.service..")
                .because("a replay drives the same decision classes as production through their seams")
                .check(CLASSES);
        noClasses()
                .should()
                .dependOnClassesThat(resideInAPackage("io.fleetplan.global.executor..")
                        .and(not(nameMatching("io\\.fleetplan\\.global\\.executor\\.ScaleExecutor(\\$.*)?"))))
                .because("of the executors, only their seam: the replay's pools are the GlobalPlanner's executor")
                .check(CLASSES);
    }

    @Test
    void readsNoWallClock() {
        noClasses()
                .should()
                .callMethod(Thread.class, "sleep", long.class)
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .because("virtual time comes from the VirtualScheduler; a wall clock would make replays differ")
                .check(CLASSES);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.fleetplan.sim.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
