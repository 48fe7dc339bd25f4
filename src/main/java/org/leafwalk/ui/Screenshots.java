package org.leafwalk.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import org.leafwalk.explore.export.Exports;
import org.leafwalk.explore.service.SliderKind;

/**
 * Saves pictures of the window for the README and the Xvfb check: walks a little first (along a null direction,
 * then along the top eigendirection) so the panels show a real exploration, then the main window and classroom
 * mode, then quits. Waiting happens on its own thread, never on the JavaFX thread.
 */
final class Screenshots {
    private Screenshots() {}

    static void maybeRun(MainWindow w, LeafwalkApp.Options o) {
        if (o.screenshot() == null && o.classroomScreenshot() == null && o.matchScreenshot() == null) {
            return;
        }
        Thread t = new Thread(() -> run(w, o), "leafwalk-screenshots");
        t.setDaemon(true);
        t.start();
    }

    private static void run(MainWindow w, LeafwalkApp.Options o) {
        try {
            var service = w.service();
            service.awaitIdle(60_000);
            double range = o.demoSteps() > 0 ? o.demoSteps() : 1;
            service.drag(SliderKind.NULL, 0, 0.5 * range);
            service.awaitIdle(120_000);
            service.release();
            // far enough along the top eigendirection that a confident prediction gives way
            // (a model without classes has no prediction to give way: one drag)
            for (int k = 1; k <= 8 && w.current() != null && (k == 1 || w.current().outputs().hasClasses())
                    && w.current().outputs().prediction() == w.current().outputs().startPrediction(); k++) {
                service.drag(SliderKind.EIGEN, 0, k * range);
                service.awaitIdle(120_000);
                Thread.sleep(100);
            }
            service.release();
            service.awaitIdle(60_000);
            onFx(() -> w.input().showOriginal.setSelected(true));
            // the estimates take hundreds of Jacobians (the layers' by autograd, batched over their outputs): left out
            // where one step already takes seconds or the space is image-sized
            if (w.current() != null && w.current().text() == null && w.current().timing().stepMillis() < 1000
                    && w.current().input().dimension() < 50_000) {
                service.estimateLipschitz();
                service.estimateLayerSpectra();
                service.awaitIdle(120_000);
                Thread.sleep(300);
                onFx(() -> w.showTab("Lipschitz"));
            }
            Thread.sleep(700);
            if (o.screenshot() != null) {
                save(w.scene(), o.screenshot());
            }
            if (o.matchScreenshot() != null && w.current() != null && w.current().text() == null) {
                onFx(w::openMatchWindow);
                List<Path> samples = MatchWindow.samplesOf(w.modelDir());
                service.reset();
                service.startMatch(samples.get(Math.min(2, samples.size() - 1)), false, 80, 0.5);
                long end = System.currentTimeMillis() + 120_000;
                while (System.currentTimeMillis() < end
                        && (w.matchWindow().last() == null || !w.matchWindow().last().done())) {
                    Thread.sleep(100);
                }
                Thread.sleep(500);
                save(w.matchWindow().stage().getScene(), o.matchScreenshot());
                onFx(() -> w.matchWindow().stage().hide());
            }
            if (o.classroomScreenshot() != null) {
                onFx(w::toggleClassroom);
                Thread.sleep(900);
                save(w.scene(), o.classroomScreenshot());
            }
        } catch (Exception e) {
            System.err.println("leafwalk: screenshots failed: " + e);
        } finally {
            Platform.runLater(() -> {
                w.close();
                Platform.exit();
            });
        }
    }

    static void save(Scene scene, Path file) throws InterruptedException {
        WritableImage[] img = new WritableImage[1];
        onFx(() -> img[0] = scene.snapshot(null));
        org.leafwalk.explore.export.Exports.savePicture(file, SwingFXUtils.fromFXImage(img[0], null));
        System.out.println("saved " + file);
    }

    private static void onFx(Runnable r) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                r.run();
            } finally {
                done.countDown();
            }
        });
        if (!done.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the JavaFX thread did not answer");
        }
    }
}
