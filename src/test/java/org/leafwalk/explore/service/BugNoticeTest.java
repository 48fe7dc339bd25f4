package org.leafwalk.explore.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leafwalk.explore.subject.References;
import org.leafwalk.io.InvalidInputException;

/**
 * The window tells a user's error from a bug in Leafwalk as the command line does: every error notice the service
 * makes of a failure goes through {@link Workspace#describe}, which says a bug is one and writes its stack trace to
 * the same log; a user's error stays its own message, with no log.
 */
class BugNoticeTest {
    @TempDir
    Path state;

    @BeforeEach
    void stateFolder() {
        System.setProperty("leafwalk.state", state.toString());
    }

    @AfterEach
    void noStateFolder() {
        System.clearProperty("leafwalk.state");
    }

    @Test
    void aBugsNoticeSaysSoAndWhereItsTraceIs() throws Exception {
        Throwable bug = assertThrows(NullPointerException.class, () -> References.model(null));
        Notice n = Notice.error("cannot open model: " + Workspace.describe(bug), bug);
        assertTrue(n.bug(), n.toString());
        assertEquals(Notice.Level.ERROR, n.level());
        assertTrue(n.message().startsWith("cannot open model: internal error (a bug in Leafwalk): "), n.message());
        Path log = Path.of(n.message().substring(n.message().indexOf("the stack trace is in ") + 22,
                n.message().lastIndexOf(", please report it")));
        assertEquals(state.resolve("errors"), log.getParent());
        assertTrue(Files.readString(log).contains("References.model"), "the trace is in the log");
    }

    @Test
    void aUsersErrorIsItsOwnMessageWithoutALog() {
        InvalidInputException e = new InvalidInputException("m.png: not an image");
        Notice n = Notice.error("cannot open image: " + Workspace.describe(e), e);
        assertFalse(n.bug());
        assertEquals("cannot open image: m.png: not an image", n.message());
        assertFalse(Files.exists(state.resolve("errors")));
    }
}
