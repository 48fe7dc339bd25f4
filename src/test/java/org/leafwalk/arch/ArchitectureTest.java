package org.leafwalk.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The arrows of DESIGN.md: ui → explore → geometry, explore → model → io; cli → explore (and ui, to open the
 * window). explore speaks its own vocabulary (records and enums), so the front ends see nothing below it.
 */
@AnalyzeClasses(packages = "org.leafwalk", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule geometryKnowsNoModelAndNoJavafx = noClasses().that().resideInAPackage("..geometry..")
            .should().dependOnClassesThat().resideInAnyPackage("..model..", "javafx..", "..explore..", "..ui..",
                    "..cli..");

    @ArchTest
    static final ArchRule onlyUiImportsJavafx = noClasses().that().resideOutsideOfPackage("..ui..")
            .should().dependOnClassesThat().resideInAPackage("javafx..");

    @ArchTest
    static final ArchRule uiNeverTouchesDjl = noClasses().that().resideInAPackage("..ui..")
            .should().dependOnClassesThat().resideInAPackage("ai.djl..").allowEmptyShould(true);

    @ArchTest
    static final ArchRule modelDoesNotReachUp = noClasses().that().resideInAPackage("..model..")
            .should().dependOnClassesThat().resideInAnyPackage("..geometry..", "..explore..", "..ui..", "..cli..");

    @ArchTest
    static final ArchRule ioIsTheBottom = noClasses().that().resideInAPackage("org.leafwalk.io..")
            .should().dependOnClassesThat().resideInAnyPackage("..model..", "..geometry..", "..explore..", "..ui..",
                    "..cli..", "ai.djl..");

    @ArchTest
    static final ArchRule exploreKnowsNoFrontEnd = noClasses().that().resideInAPackage("..explore..")
            .should().dependOnClassesThat().resideInAnyPackage("..ui..", "..cli..");

    @ArchTest
    static final ArchRule uiSeesOnlyExplore = noClasses().that().resideInAPackage("..ui..")
            .should().dependOnClassesThat().resideInAnyPackage("org.leafwalk.geometry..", "org.leafwalk.model..", "org.leafwalk.io..",
                    "..cli..", "ai.djl..");

    @ArchTest
    static final ArchRule cliSeesOnlyExploreAndUi = noClasses().that().resideInAPackage("..cli..")
            .should().dependOnClassesThat().resideInAnyPackage("org.leafwalk.geometry..", "org.leafwalk.model..", "org.leafwalk.io..",
                    "ai.djl..");
}
