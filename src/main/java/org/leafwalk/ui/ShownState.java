package org.leafwalk.ui;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.Snapshot;

/**
 * What the input and output panels show (JavaFX thread): the newest computed state, or, while a held slider is ahead
 * of the walk, the first-order preview from it; the input panel for an image, the token strip for a sentence.
 */
final class ShownState {
    private final Exploration service;
    private final InputPanel input;
    private final TextPanel textPanel;
    private final VBox leftColumn;
    private final OutputBars bars;
    private final List<Long> previewNanos = new CopyOnWriteArrayList<>();
    private Snapshot current;
    private Snapshot shown; // current, or its preview while a held slider is ahead of the walk
    private SliderPanel.Held held;

    ShownState(Exploration service, InputPanel input, TextPanel textPanel, VBox leftColumn, OutputBars bars) {
        this.service = service;
        this.input = input;
        this.textPanel = textPanel;
        this.leftColumn = leftColumn;
        this.bars = bars;
    }

    /** The newest computed state (null before the first). */
    Snapshot current() {
        return current;
    }

    /** What the panels show: the computed state, or its preview. */
    Snapshot shown() {
        return shown;
    }

    /**
     * A held slider moved or was let go (JavaFX thread): while the walk is behind the hand, the input and output
     * panels show the first-order preview from the last computed state at once; the computed state replaces it as
     * it arrives (and is previewed on from, while the hand is still ahead).
     */
    void held(SliderPanel.Held h) {
        held = h;
        if (current == null) {
            return;
        }
        long t0 = System.nanoTime();
        Snapshot p = h == null ? null : preview(current, h);
        if (p == null && shown == current) {
            return; // the computed state is what is shown
        }
        shown = p == null ? current : p;
        drawInput(shown);
        bars.show(shown);
        if (p != null) {
            previewNanos.add(System.nanoTime() - t0);
        }
    }

    /** How long each preview took to make and draw on the JavaFX thread, in ns (the benchmark reads it). */
    List<Long> previewNanos() {
        return previewNanos;
    }

    /** The input panel for an image, the token strip for a sentence (a preview of it while a hand is ahead). */
    void computed(Snapshot s) {
        current = s;
        SliderPanel.Held h = held;
        Snapshot p = h == null ? null : preview(s, h);
        shown = p == null ? s : p;
        drawInput(shown);
    }

    /**
     * The preview of held slider {@code h} from state {@code s}, where it helps: where steps are long, or when the
     * step under way has taken more than 100 ms. A step of tens of milliseconds arrives within a few frames, and
     * previewing it too would only redraw the panels twice as often while the model computes.
     */
    private Snapshot preview(Snapshot s, SliderPanel.Held h) {
        return SliderPanel.preview(service, s, h);
    }

    private void drawInput(Snapshot s) {
        boolean text = s.text() != null;
        if (text && !leftColumn.getChildren().contains(textPanel)) {
            leftColumn.getChildren().add(1, textPanel);
        }
        if (input.isVisible() == text) {
            input.setVisible(!text);
            textPanel.setVisible(text);
        }
        if (text) {
            textPanel.show(s);
        } else {
            input.show(s);
        }
    }
}
