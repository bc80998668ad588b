package io.fleetplan.bench;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The benches measure the product from outside (docs/architecture.md): each bench package stands for the module it
 * measures and reaches no other bench package but the shared machine probes, so a bench can be read, run and
 * removed on its own. That no product module reaches the benches is Maven's part (nothing but cli's runtime scope
 * depends on this module).
 */
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fleetplan.bench");

    @Test
    void benchesShareOnlyTheMachineProbes() {
        for (String bench : new String[] {"global", "mocker", "pool", "router", "sim", "tools"}) {
            noClasses()
                    .that()
                    .resideInAPackage("io.fleetplan.bench." + bench + "..")
                    .should()
                    .dependOnClassesThat(resideInAPackage("io.fleetplan.bench..")
                            .and(not(resideInAnyPackage(
                                    "io.fleetplan.bench." + bench + "..", "io.fleetplan.bench.machine.."))))
                    .because("each bench measures one module on its own; what they share is the machine probes")
                    .check(CLASSES);
        }
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.fleetplan.bench.(*)..").should().beFreeOfCycles().check(CLASSES);
    }
}
