package org.leafwalk.ui;

import javafx.application.Platform;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.ExportKind;
import org.leafwalk.explore.walk.WalkAlgorithm;

/** The main window's table of actions: every command with its text, accelerator, tooltip and handler. */
final class WindowActions {
    private WindowActions() {}

    /** Every command of the window, once: the menus, the toolbar and the shortcuts are built from this table. */
    static Actions of(MainWindow w, Exploration service, InputPanel input, FileDialogs dialogs) {
        return new Actions().add("open-model", "Open model…", "Shortcut+O", "Open a Hugging Face ViT or BERT folder, or an ONNX "
                        + "BERT export (Ctrl+O)", "Open model", () -> chosen(service.catalogue() != null
                                ? dialogs.catalogueModel(service.catalogue()) : dialogs.modelFolder(), w::openModel))
                .add("open-image", "Open image…", "Shortcut+I", "Open a PNG, JPEG or BMP image (Ctrl+I)", "Open image",
                        () -> chosen(dialogs.image(), service::openImage))
                .add("open-minilm", "Open the embedded text model (MiniLM)", "Shortcut+T", null, null,
                        w::openEmbeddedTextModel)
                .add("open-session", "Open session…", "Shortcut+Shift+O", null, null, () -> chosen(dialogs.session(), w::openSession))
                .add("save-session", "Save session…", "Shortcut+Shift+S", null, null,
                        () -> w.exportTo(ExportKind.SESSION, "Leafwalk session", "*.leafwalk.json"))
                .add("export-png", "Input as PNG (native and ×10)…", "Shortcut+Shift+P", null, null,
                        () -> w.exportTo(ExportKind.PNG, "PNG image", "*.png"))
                .add("export-dashboard", "Dashboard as PNG…", "Shortcut+Shift+D", null, null, w::exportDashboard)
                .add("export-gif", "Trajectory as animated GIF…", "Shortcut+Shift+G", null, null,
                        () -> w.exportTo(ExportKind.GIF, "Animated GIF", "*.gif"))
                .add("export-csv", "Trajectory as CSV…", "Shortcut+Shift+C", null, null,
                        () -> w.exportTo(ExportKind.CSV, "CSV", "*.csv"))
                .add("export-json", "Trajectory as JSON…", "Shortcut+Shift+J", null, null,
                        () -> w.exportTo(ExportKind.JSON, "JSON", "*.json"))
                .add("export-safetensors", "Trajectory as safetensors…", null, null, null,
                        () -> w.exportTo(ExportKind.SAFETENSORS, "safetensors", "*.safetensors"))
                .add("export-npz", "Trajectory as NumPy .npz…", null, null, null,
                        () -> w.exportTo(ExportKind.NPZ, "NumPy archive", "*.npz"))
                .add("export-plots", "Plots as SVG and PNG…", "Shortcut+Shift+V", null, null,
                        () -> chosen(dialogs.folder("the plots (SVG and PNG)"), service::exportPlots))
                .add("export-lipschitz", "Lipschitz estimates as CSV…", "Shortcut+Shift+K", null, null,
                        () -> w.exportTo(ExportKind.LIPSCHITZ_CSV, "CSV", "*.csv"))
                .add("quit", "Quit", "Shortcut+Q", null, null, () -> {
                    w.close();
                    Platform.exit();
                })
                .add("play-simec", "Play SiMEC (keep the prediction)", "Shortcut+E", "Walk automatically along null "
                        + "directions: the prediction stays (Space)", "▶ SiMEC", () -> w.play(WalkAlgorithm.SIMEC))
                .add("play-simexp", "Play SiMExp (change the prediction)", "Shortcut+X", "Walk automatically along the "
                        + "top eigendirection: the prediction changes fastest", "▶ SiMExp",
                        () -> w.play(WalkAlgorithm.SIMEXP))
                .add("pause", "Pause", "Shortcut+P", "Stop the walk (Space)", "❚❚ Pause", service::pause)
                .add("step", "Step once", "Shortcut+S", "One step of the algorithm chosen in the settings (Ctrl+S)",
                        "Step", () -> service.stepOnce(w.settings().algorithm()))
                .add("undo", "Undo step", "Shortcut+Z", "Back one step (Ctrl+Z)", "↶ Undo", service::undo)
                .add("reset", "Reset to start", "Shortcut+R", "Back to the start (Ctrl+R)", "⟲ Reset", service::reset)
                .add("redraw-nulls", "Draw new null directions", "Shortcut+N", null, null,
                        service::redrawNullDirections)
                .add("difference", "Difference from start", "Shortcut+D", null, null, () -> input.difference.fire())
                .add("show-original", "Show original", "Shortcut+G", null, null, () -> input.showOriginal.fire())
                .add("classroom", "Classroom mode", "F11", "Full screen, large type: image, two sliders, output (F11)",
                        "Classroom", w::toggleClassroom)
                .add("match", "Match representations…", "Shortcut+M", null, null, w::openMatchWindow)
                .add("lipschitz", "Estimate Lipschitz ratios here", "Shortcut+L", null, null,
                        service::estimateLipschitz)
                .add("layer-spectra", "Spectrum per layer here", "Shortcut+Shift+L", null, null,
                        service::estimateLayerSpectra)
                .add("play", "Play or pause the algorithm chosen in the settings", "Space", null, null,
                        () -> w.play(w.settings().algorithm()))
                .add("stop", "Stop what is computing (keep the last computed state); leave classroom mode", "Esc",
                        null, null, () -> {
                            if (service.busy() || service.isPlaying()) {
                                service.cancel();
                            } else if (w.inClassroom()) {
                                w.toggleClassroom();
                            }
                        });
    }

    private static void chosen(java.nio.file.Path p, java.util.function.Consumer<java.nio.file.Path> then) {
        if (p != null) {
            then.accept(p);
        }
    }
}
