package org.leafwalk.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The arrows of DESIGN.md: ui → explore → geometry, explore → model → io; cli → explore. */
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
}
