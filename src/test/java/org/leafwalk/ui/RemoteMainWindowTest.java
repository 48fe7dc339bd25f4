package org.leafwalk.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.testing.HangGuard;
import org.leafwalk.testing.InProcessServer;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Every window test, with the window a client of {@code leafwalk serve} over an in-process gRPC channel: the same
 * drags, keys, exports and what the window draws, with the model on the server (named by the catalogue's name of
 * its folder) and the files written here.
 */
class RemoteMainWindowTest extends MainWindowTest {
    private InProcessServer server;

    /** TestFX calls the @Start its test class declares, not an inherited one. */
    @Override
    @org.testfx.framework.junit5.Start
    void start(javafx.stage.Stage stage) throws Exception {
        super.start(stage);
    }

    @Override
    protected LeafwalkApp.Options options(LeafwalkApp.Options local) throws Exception {
        server = new InProcessServer(List.of(local.model()));
        return local.withServices(server.opener());
    }

    @Override
    protected java.nio.file.Path served(java.nio.file.Path model) {
        server.server().addModel(model);
        return model;
    }

    @Override
    protected void closed() throws Exception {
        server.close();
    }

    @org.junit.jupiter.api.Test
    void whenTheServerGoesMidDragTheWindowKeepsTheWalkAndResumesItOnReconnect(org.testfx.api.FxRobot robot)
            throws Exception {
        HangGuard.awaitIdle(window.service());
        WaitForAsyncUtils.waitForFxEvents();
        var drag = robot.drag("#null-slider-0").moveBy(120, 0); // held: the walk goes on while the server goes
        try {
            WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, () -> window.current() != null
                    && window.current().walk().step() >= 3);
            server.kill();
        } finally {
            drag.release(javafx.scene.input.MouseButton.PRIMARY);
        }
        var action = robot.lookup("#banner-action").queryAs(javafx.scene.control.Button.class);
        WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS, () -> action.isVisible()
                && robot.lookup("#banner").queryAs(javafx.scene.Node.class).isVisible());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("Reconnect", action.getText());
        String said = robot.lookup("#banner").lookup(".label").queryAllAs(javafx.scene.control.Label.class).stream()
                .map(javafx.scene.control.Label::getText).reduce("", String::concat);
        assertTrue(said.contains("is gone") && said.contains("steps walked"), said);
        Snapshot shown = window.current();
        List<TrajectoryEntry> kept = window.service().trajectory();
        // a step is kept before its state is shown: the server may go between the two
        assertTrue(kept.get(kept.size() - 1).step() >= shown.walk().step(), "the last state shown is kept");
        assertTrue(kept.size() >= 4, "the whole walk is kept: " + kept.size());
        picture(robot, "remote-server-gone.png");

        server.startAgain();
        robot.clickOn("#banner-action");
        HangGuard.awaitIdle(window.service());
        WaitForAsyncUtils.waitForFxEvents();
        List<TrajectoryEntry> resumed = window.service().trajectory();
        assertEquals(kept.size(), resumed.size(), "the walk resumes with every step kept");
        assertEquals(kept.get(kept.size() - 1).step(), window.current().walk().step(), "at the last step kept");
        assertFalse(robot.lookup("#banner").queryAs(javafx.scene.Node.class).isVisible());
        robot.drag("#eigen-slider-0").moveBy(60, 0).release(javafx.scene.input.MouseButton.PRIMARY);
        HangGuard.awaitIdle(window.service());
        assertTrue(window.service().trajectory().size() > kept.size(), "and goes on from there");
    }

    @org.junit.jupiter.api.Test
    void openModelOffersTheServersCatalogue(org.testfx.api.FxRobot robot) throws Exception {
        HangGuard.awaitIdle(window.service());
        WaitForAsyncUtils.waitForFxEvents();
        robot.push(javafx.scene.input.KeyCode.CONTROL, javafx.scene.input.KeyCode.O);
        WaitForAsyncUtils.waitFor(HangGuard.SECONDS, TimeUnit.SECONDS,
                () -> robot.lookup(".choice-dialog").tryQuery().isPresent());
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<String> names = robot.lookup(".choice-dialog .combo-box")
                .queryAs(javafx.scene.control.ComboBox.class);
        assertTrue(names.getItems().containsAll(List.of("default", "fashion", "minilm")), names.getItems().toString());
        WaitForAsyncUtils.asyncFx(() -> names.getSelectionModel().select("fashion")).get(HangGuard.SECONDS,
                TimeUnit.SECONDS);
        robot.clickOn("OK");
        HangGuard.awaitIdle(window.service());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("fashion-mnist-vit", window.current().source().model(), "the chosen model is open");
    }

    /** The window as it is now, as a PNG under target/ when -Dleafwalk.test.pictures is set (to look at it). */
    private void picture(org.testfx.api.FxRobot robot, String name) throws Exception {
        if (System.getProperty("leafwalk.test.pictures") == null) {
            return;
        }
        var image = WaitForAsyncUtils.asyncFx(() -> robot.window(0).getScene().snapshot(null))
                .get(HangGuard.SECONDS, TimeUnit.SECONDS);
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png",
                java.nio.file.Path.of("target", name).toFile());
    }
}
