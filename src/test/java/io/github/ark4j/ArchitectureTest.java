package io.github.ark4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.github.ark4j.cli.CycleBack;
import io.github.ark4j.util.LayerViolation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The layers run one way: util and engine, then data, then model, then the library's algorithms (attack, defense,
 * detect, perturb), then what is built on them (experiment, eval, course, viz), the cluster runner and the command line on top. No
 * package cycle, and the library core speaks plain Java and ND4J: no tables, charts or command-line types.
 */
class ArchitectureTest {
    private static final String ROOT = "io.github.ark4j";
    private static final String[] CORE = {ROOT + ".util..", ROOT + ".engine..", ROOT + ".data..", ROOT + ".model..",
            ROOT + ".attack..", ROOT + ".defense..", ROOT + ".detect..", ROOT + ".perturb.."};
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    static ArchRule noCycles() {
        return slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();
    }

    static ArchRule layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("base").definedBy(ROOT + ".util..", ROOT + ".engine..")
                .layer("data").definedBy(ROOT + ".data..")
                .layer("model").definedBy(ROOT + ".model..")
                .layer("algorithms").definedBy(ROOT + ".attack..", ROOT + ".defense..", ROOT + ".detect..", ROOT + ".perturb..")
                .layer("applications").definedBy(ROOT + ".experiment..", ROOT + ".eval..", ROOT + ".course..", ROOT + ".viz..")
                .layer("cluster").definedBy(ROOT + ".cluster..")
                .layer("cli").definedBy(ROOT + ".cli..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("cluster").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("applications").mayOnlyBeAccessedByLayers("cluster", "cli")
                .whereLayer("algorithms").mayOnlyBeAccessedByLayers("applications", "cluster", "cli")
                .whereLayer("model").mayOnlyBeAccessedByLayers("algorithms", "applications", "cluster", "cli")
                .whereLayer("data").mayOnlyBeAccessedByLayers("model", "algorithms", "applications", "cluster", "cli");
    }

    static ArchRule corePlain() {
        return noClasses().that().resideInAnyPackage(CORE)
                .should().dependOnClassesThat().resideInAnyPackage("tech.tablesaw..", "org.knowm.xchart..", "picocli..");
    }

    @Test
    void noPackageCycle() {
        noCycles().check(classes);
    }

    @Test
    void layersRunOneWay() {
        layers().check(classes);
    }

    @Test
    void coreHasNoTablesChartsOrCommandLine() {
        corePlain().check(classes);
    }

    /** The rules catch what they are meant to: a util class that draws a chart and calls the CLI, which calls it back. */
    @Test
    void rulesCatchAViolation() {
        JavaClasses bad = new ClassFileImporter().importClasses(LayerViolation.class, CycleBack.class);
        assertTrue(noCycles().evaluate(bad).hasViolation(), "the cycle util -> cli -> util passed");
        assertTrue(layers().evaluate(bad).hasViolation(), "util using the CLI passed");
        assertTrue(corePlain().evaluate(bad).hasViolation(), "util drawing an XChart chart passed");
    }
}
