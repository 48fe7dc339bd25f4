package org.leafwalk.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.export.OutputPlan;

/** Writing one file: through symlinks onto the file they name, keeping what the user set on it. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aLinkIntoAnotherFolderWritesThereAndStaysALink() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Path target = Files.writeString(elsewhere.resolve("data.csv"), "old");
        Path here = Files.createDirectories(tmp.resolve("here"));
        Path link = Files.createSymbolicLink(here.resolve("data.csv"), target);
        Path chain = Files.createSymbolicLink(here.resolve("chain.csv"), link);
        AtomicFiles.writeString(chain, "new");
        assertEquals("new", Files.readString(target));
        assertTrue(Files.isSymbolicLink(link) && Files.isSymbolicLink(chain));
        try (var s = Files.list(here)) {
            assertEquals(2, s.count(), "nothing is left beside the links");
        }
    }

    @Test
    void aDanglingLinkCreatesTheFileItNames() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("later.json"), tmp.resolve("made-later.json"));
        AtomicFiles.writeString(link, "{}");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("{}", Files.readString(tmp.resolve("made-later.json")));
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws Exception {
        Path f = Files.writeString(tmp.resolve("private.csv"), "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        AtomicFiles.writeString(f, "new");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Path fresh = tmp.resolve("fresh.csv");
        AtomicFiles.writeString(fresh, "x");
        // a new file gets what the umask gives a new file (rw-r--r-- under the usual 022)
        int umask = 022;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Umask:")) {
                umask = Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        int mode = (Integer) Files.getAttribute(fresh, "unix:mode") & 0777;
        assertEquals(Integer.toOctalString(0666 & ~umask), Integer.toOctalString(mode));
    }

    @Test
    void whatIsNotARegularFileIsRefusedByKind() throws Exception {
        var e = assertThrows(InvalidInputException.class, () -> AtomicFiles.writeString(Path.of("/dev/zero"), "x"));
        assertTrue(e.getMessage().contains("character device"), e.getMessage());
        Path loop = tmp.resolve("loop");
        Files.createSymbolicLink(loop, loop);
        e = assertThrows(InvalidInputException.class, () -> AtomicFiles.writeString(loop, "x"));
        assertTrue(e.getMessage().contains("symbolic links"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> AtomicFiles.writeString(tmp, "x"));
        assertTrue(e.getMessage().contains("a folder"), e.getMessage());
    }

    @Test
    void aPlanRefusesAnOutputThatIsAnInputThroughALink() throws Exception {
        Path model = Files.createDirectories(tmp.resolve("model"));
        Path weights = Files.writeString(model.resolve("model.safetensors"), "weights");
        Path link = Files.createSymbolicLink(tmp.resolve("innocent.json"), weights);
        var e = assertThrows(InvalidInputException.class,
                () -> new OutputPlan().input("model", model).output("--session", link).check());
        assertTrue(e.getMessage().contains("--session") && e.getMessage().contains("model"), e.getMessage());
        assertEquals(List.of("weights"), Files.readAllLines(weights));
    }
}
