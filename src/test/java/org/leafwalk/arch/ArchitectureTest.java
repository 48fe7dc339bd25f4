package org.leafwalk.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

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

    /** The window talks to the Exploration contract: it cannot tell the service in its process from a server's. */
    @ArchTest
    static final ArchRule uiKnowsNotWhichServiceItHas = noClasses().that().resideInAPackage("..ui..")
            .should().dependOnClassesThat().haveFullyQualifiedName("org.leafwalk.explore.service.ExplorationService")
            .orShould().dependOnClassesThat().resideInAnyPackage("..explore.remote..", "io.grpc..");

    /** gRPC stays in the remote room: nothing else of explore speaks the wire. */
    @ArchTest
    static final ArchRule grpcOnlyInRemote = noClasses().that().resideOutsideOfPackage("..explore.remote..")
            .should().dependOnClassesThat().resideInAnyPackage("io.grpc..");

    @ArchTest
    static final ArchRule cliSeesOnlyExploreAndUi = noClasses().that().resideInAPackage("..cli..")
            .should().dependOnClassesThat().resideInAnyPackage("org.leafwalk.geometry..", "org.leafwalk.model..", "org.leafwalk.io..",
                    "ai.djl..");

    @ArchTest
    static final ArchRule noCircleBetweenPackages = slices().matching("org.leafwalk.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule walkIsExploresGround = noClasses().that().resideInAnyPackage("..explore.walk..",
            "..explore.failure..").should().dependOnClassesThat().resideInAnyPackage("..explore.subject..",
                    "..explore.session..", "..explore.analysis..", "..explore.export..", "..explore.training..",
                    "..explore.experiment..", "..explore.service..");

    /**
     * The front ends' bytecode, read by jdeps, reaches no class below explore: ArchUnit does not see a lambda's
     * target type (a command passing a lambda where model's interface is expected), jdeps does.
     */
    @Test
    void frontEndsBytecodeReachesOnlyExplore() {
        Path classes = Path.of("target/classes");
        assertTrue(Files.isDirectory(classes.resolve("org/leafwalk/cli")), "compiled classes in " + classes);
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("this JDK has no jdeps"));
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                classes.toString());
        assertEquals(0, rc, out.toString());
        Pattern edge = Pattern.compile("^\\s+(org\\.leafwalk\\.(?:ui|cli)\\.\\S+)\\s+->\\s+(\\S+)", Pattern.MULTILINE);
        Matcher m = edge.matcher(out.toString());
        List<String> below = new ArrayList<>();
        int edges = 0;
        while (m.find()) {
            edges++;
            String target = m.group(2);
            if (target.startsWith("org.leafwalk.model.") || target.startsWith("org.leafwalk.geometry.")
                    || target.startsWith("org.leafwalk.io.") || target.startsWith("ai.djl.")) {
                below.add(m.group(1) + " -> " + target);
            }
        }
        assertTrue(edges > 100, "jdeps listed the front ends' dependencies (" + edges + " found)");
        assertEquals(List.of(), below, "ui and cli reach below explore");
    }
}
