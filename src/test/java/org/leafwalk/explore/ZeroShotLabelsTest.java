package org.leafwalk.explore;

import org.leafwalk.testing.HangGuard;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.leafwalk.explore.service.ExplorationService;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;

/**
 * The window's class list of a CLIPModel is checked as --label is: a class of unknown words or two that read alike
 * get an error notice and the classes stay; a class with some unknown words is noted, and taken.
 */
class ZeroShotLabelsTest {
    final List<Snapshot> snaps = new CopyOnWriteArrayList<>();
    final List<Notice> notices = new CopyOnWriteArrayList<>();
    ExplorationService svc;

    @BeforeEach
    void open() throws Exception {
        svc = new ExplorationService("cpu", s -> {
            if (s != null) {
                snaps.add(s);
            }
        }, notices::add);
        svc.open(Path.of("src/test/resources/fixtures/family-clip-zero-shot"), "src/test/resources/fixtures/rgb12.png");
        HangGuard.awaitIdle(svc);
        notices.clear();
    }

    @AfterEach
    void close() {
        svc.close();
    }

    private List<String> labels() {
        return snaps.get(snaps.size() - 1).outputs().labels();
    }

    @Test
    void refusedClassesLeaveTheClassesAsTheyWere() throws Exception {
        List<String> before = labels();
        assertEquals(List.of("bird", "cat", "dog"), before, "the CIFAR-10 classes its tokenizer knows");
        svc.setZeroShotLabels(List.of("zebra", "cat"));
        HangGuard.awaitIdle(svc);
        assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                && n.message().contains("label 'zebra'")), notices.toString());
        svc.setZeroShotLabels(List.of("zebra cat", "giraffe cat"));
        HangGuard.awaitIdle(svc);
        assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.ERROR
                && n.message().contains("same prompt")), notices.toString());
        assertEquals(before, labels());
    }

    @Test
    void aClassWithSomeUnknownWordsIsNotedAndTaken() throws Exception {
        svc.setZeroShotLabels(List.of("zebra cat", "dog"));
        HangGuard.awaitIdle(svc);
        assertTrue(notices.stream().anyMatch(n -> n.level() == Notice.Level.INFO && n.message().contains("'zebra'")),
                notices.toString());
        assertEquals(List.of("zebra cat", "dog"), labels());
    }
}
