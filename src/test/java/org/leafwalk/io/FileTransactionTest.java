package org.leafwalk.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several outputs written as one: staged whole before any is replaced, put back when a replacement fails part-way,
 * read-only files kept unless forced, paths read as the system reads them, and nothing left behind by a process
 * that was killed.
 */
class FileTransactionTest {
    @TempDir
    Path tmp;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> leftovers(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".leafwalk-")).toList();
        }
    }

    /** The second output cannot be staged (its folder's place holds a file): the first is not replaced. */
    @Test
    void aSecondOutputThatCannotBeWrittenLeavesTheFirstAsItWas() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.csv"), "mine\n");
        FileTransaction t = new FileTransaction().add(a, utf8("new\n")).add(tmp.resolve("sub/b.gif"), utf8("gif"));
        Files.writeString(tmp.resolve("sub"), "a file where the folder was to be"); // as a full disk, it fails there
        InvalidInputException e = assertThrows(InvalidInputException.class, t::commit);
        assertTrue(e.getMessage().contains("b.gif"), e.getMessage());
        assertEquals("mine\n", Files.readString(a), "a.csv was replaced before b.gif could be written");
        assertEquals(List.of(), leftovers(tmp));
    }

    /** A rename that fails after others succeeded: the files already replaced are put back. */
    @Test
    void aReplacementThatFailsPartWayPutsBackTheOnesAlreadyReplaced() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.csv"), "mine\n");
        Path fresh = tmp.resolve("new.json");
        Path b = tmp.resolve("b.gif");
        FileTransaction t = new FileTransaction().add(a, utf8("new\n")).add(fresh, utf8("{}")).add(b, utf8("gif"));
        Files.createDirectories(b.resolve("inside")); // a folder that is not empty: no file can be renamed over it
        InvalidInputException e = assertThrows(InvalidInputException.class, t::commit);
        assertTrue(e.getMessage().contains("b.gif") && e.getMessage().contains("put back"), e.getMessage());
        assertEquals("mine\n", Files.readString(a), "a.csv was not put back");
        assertFalse(Files.exists(fresh), "a file the failed run created stays");
        assertEquals(List.of(), leftovers(tmp));
    }

    @Test
    void aReadOnlyFileIsRefusedByNameUnlessForced() throws Exception {
        Path f = Files.writeString(tmp.resolve("kept.csv"), "mine\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.writeString(f, "new\n"));
        assertTrue(e.getMessage().contains("kept.csv") && e.getMessage().contains("read-only"), e.getMessage());
        assertEquals("mine\n", Files.readString(f));
        new FileTransaction().force(true).add(f, utf8("new\n")).commit();
        assertEquals("new\n", Files.readString(f));
        assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    /** {@code link/../x} names the file beside the link's target, as the system resolves it, not beside the link. */
    @Test
    void pathsAreResolvedAsTheSystemResolvesThem() throws Exception {
        Path inner = Files.createDirectories(tmp.resolve("far/inner"));
        Path link = Files.createSymbolicLink(tmp.resolve("lnk"), inner);
        Path named = link.resolve("../x.csv");
        assertEquals(tmp.toRealPath().resolve("far/x.csv"), AtomicFiles.target(named));
        AtomicFiles.writeString(named, "here\n");
        assertEquals("here\n", Files.readString(tmp.resolve("far/x.csv")));
        assertFalse(Files.exists(tmp.resolve("x.csv")), "written beside the link instead");
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aLongNameIsWrittenAndATemporaryNameStaysShort() throws Exception {
        Path f = tmp.resolve("w".repeat(246) + ".csv"); // 250 characters: the most most systems take is 255
        AtomicFiles.writeString(f, "long\n");
        assertEquals("long\n", Files.readString(f));
    }

    /** What a killed run staged (its process gone) is removed by the next write into the same folder. */
    @Test
    void whatAKilledRunLeftIsRemovedByTheNextOne() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long dead = p.pid();
        String host = AtomicFiles.HOST;
        Path stale = Files.write(tmp.resolve(".leafwalk-" + host + "-" + dead + "-1f2e.tmp"), new byte[1 << 20]);
        Path staging = Files.createDirectories(tmp.resolve(".leafwalk-" + host + "-" + dead + "-3a.dir"));
        Files.write(staging.resolve("model.safetensors"), new byte[1 << 20]);
        Path ours = Files.write(tmp.resolve(".leafwalk-" + host + "-" + ProcessHandle.current().pid() + "-9.tmp"),
                new byte[1]);
        Path otherHost = Files.write(tmp.resolve(".leafwalk-elsewhere-" + dead + "-5.tmp"), new byte[1]);
        Path backup = Files.write(tmp.resolve(".leafwalk-" + host + "-" + dead + "-6.bak"), new byte[1]);
        AtomicFiles.writeString(tmp.resolve("next.csv"), "x\n");
        assertTrue(Files.exists(otherHost), "another machine's file, whose process cannot be seen from here, was removed");
        assertTrue(Files.exists(backup), "a backup, perhaps a user's only copy, was removed");
        assertFalse(Files.exists(stale), "a killed run's temporary file stays");
        assertFalse(Files.exists(staging), "a killed run's staging folder stays");
        assertTrue(Files.exists(ours), "a running process's file was removed");
    }

    /** A file Leafwalk keeps for itself is never written through a link: the link is refused by name. */
    @Test
    void anOwnedFileRefusesALinkWhereItBelongs() throws Exception {
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "system file\n");
        Path runs = Files.createDirectories(tmp.resolve("exp/runs"));
        Files.createSymbolicLink(runs.resolve("r1.json"), victim);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.writeOwned(tmp.resolve("exp"), "runs/r1.json", utf8("{}")));
        assertTrue(e.getMessage().contains("r1.json") && e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals("system file\n", Files.readString(victim));
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.delete(runs.resolve("r1.json"));
        Files.delete(runs);
        Files.createSymbolicLink(runs, other);
        e = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.writeOwned(tmp.resolve("exp"), "runs/r1.json", utf8("{}")));
        assertTrue(e.getMessage().contains("runs") && e.getMessage().contains("symbolic link"), e.getMessage());
        try (Stream<Path> s = Files.list(other)) {
            assertEquals(0, s.count());
        }
    }

    /**
     * A model folder written as a whole: the new files and nothing else (a stray file of another model is gone), a
     * folder of other files refused, and the old model kept when the run fails.
     */
    @Test
    void aFolderIsReplacedAsAWholeOnlyWhenAsked() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(dir.resolve("model.onnx"), "another model");
        Files.writeString(dir.resolve("tokenizer.json"), "{}");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> StagedFolder.begin(dir, "--out", false));
        assertTrue(e.getMessage().contains("already holds a model") && e.getMessage().contains("--force"),
                e.getMessage());
        try (StagedFolder f = StagedFolder.begin(dir, "--out", true)) {
            AtomicFiles.writeString(f.path().resolve("config.json"), "{\"model_type\": \"vit\"}");
            // nothing is in place until the commit
            assertTrue(Files.exists(dir.resolve("model.onnx")));
        }
        assertTrue(Files.exists(dir.resolve("model.onnx")), "a folder never committed replaced the old one");
        assertEquals(List.of(), leftovers(tmp));
        try (StagedFolder f = StagedFolder.begin(dir, "--out", true)) {
            AtomicFiles.writeString(f.path().resolve("config.json"), "{\"model_type\": \"vit\"}");
            f.commit();
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("config.json"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(List.of(), leftovers(tmp));
        Path notes = Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(notes.resolve("thesis.tex"), "mine");
        e = assertThrows(InvalidInputException.class, () -> StagedFolder.begin(notes, "--out", true));
        assertTrue(e.getMessage().contains("does not write") && e.getMessage().contains("thesis.tex"), e.getMessage());
        assertEquals("mine", Files.readString(notes.resolve("thesis.tex")));
        // a model's files beside a user's own: refused, nothing deleted
        Files.writeString(notes.resolve("config.json"), "{}");
        e = assertThrows(InvalidInputException.class, () -> StagedFolder.begin(notes, "--out", true));
        assertTrue(e.getMessage().contains("besides a model's") && e.getMessage().contains("thesis.tex"),
                e.getMessage());
        assertEquals("mine", Files.readString(notes.resolve("thesis.tex")));
    }

    /** A link another user planted in a shared folder (/tmp) is not followed, as the system does not follow it. */
    @Test
    void aLinkAnotherUserMadeInASharedFolderIsNotFollowed() throws Exception {
        Path shared = Files.createDirectories(tmp.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        Path victim = Files.writeString(tmp.resolve("victim.conf"), "system\n");
        Path planted = Files.createSymbolicLink(shared.resolve("walk.csv"), victim);
        try {
            Files.setAttribute(planted, "unix:uid", 54321, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("changing a link's owner needs root: " + e.getMessage());
        }
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.writeString(planted, "walk\n"));
        assertTrue(e.getMessage().contains("another user") && e.getMessage().contains("walk.csv"), e.getMessage());
        assertEquals("system\n", Files.readString(victim));
        Path mine = Files.createSymbolicLink(shared.resolve("mine.csv"), tmp.resolve("mine-target.csv"));
        AtomicFiles.writeString(mine, "ok\n");
        assertEquals("ok\n", Files.readString(tmp.resolve("mine-target.csv")), "the user's own link is followed");
    }

    /** {@code file/../x} names nothing, as the system says (ENOTDIR), not the file beside it. */
    @Test
    void dotDotAfterAFileIsRefused() throws Exception {
        Path f = Files.writeString(tmp.resolve("afile"), "x");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.writeString(f.resolve("../y.csv"), "y"));
        assertTrue(e.getMessage().contains("not a folder"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("y.csv")));
    }

    @Test
    void theSameFileTwiceIsTheUsersError() throws Exception {
        Path a = tmp.resolve("a.png");
        Path link = Files.createSymbolicLink(tmp.resolve("a-x10.png"), a.getFileName());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new FileTransaction().add(a, utf8("1")).add(link, utf8("2")));
        assertTrue(e.getMessage().contains("same file"), e.getMessage());
    }
}
