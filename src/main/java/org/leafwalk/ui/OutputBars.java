package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.Snapshot;

/** The output distribution: one bar per class, the start prediction marked, the current one highlighted. */
final class OutputBars extends VBox {
    private static final javafx.css.PseudoClass PREDICTED = javafx.css.PseudoClass.getPseudoClass("predicted");
    private static final javafx.css.PseudoClass START = javafx.css.PseudoClass.getPseudoClass("start");
    private final GridPane grid = new GridPane();
    private final List<Region> fills = new ArrayList<>();
    private final List<Label> names = new ArrayList<>();
    private final List<Label> values = new ArrayList<>();
    private final double width;

    OutputBars(double width, String title) {
        this.width = width;
        getStyleClass().add("output-bars");
        Label t = new Label(title);
        t.getStyleClass().add("panel-title");
        grid.setHgap(8);
        grid.setVgap(3);
        getChildren().addAll(t, grid);
        setSpacing(6);
    }

    void show(Snapshot s) {
        int n = s.outputs().labels().size();
        if (fills.size() != n) {
            build(s);
        }
        for (int i = 0; i < n; i++) {
            double p = s.outputs().probabilities()[i];
            Region fill = fills.get(i);
            fill.setPrefWidth(Math.max(1, p * width));
            // pseudo-classes change only when the state does: no CSS pass for every bar on every frame
            fill.pseudoClassStateChanged(PREDICTED, i == s.outputs().prediction());
            values.get(i).setText(String.format("%5.1f%%", 100 * p));
            boolean start = i == s.outputs().startPrediction();
            names.get(i).pseudoClassStateChanged(START, start);
            names.get(i).setText(start ? "▶ " + s.outputs().labels().get(i) : s.outputs().labels().get(i));
        }
    }

    private void build(Snapshot s) {
        grid.getChildren().clear();
        fills.clear();
        names.clear();
        values.clear();
        for (int i = 0; i < s.outputs().labels().size(); i++) {
            Label name = new Label(s.outputs().labels().get(i));
            name.getStyleClass().add("bar-name");
            name.setMinWidth(70);
            name.setMaxWidth(150); // long zero-shot label sentences are cut with an ellipsis
            Region fill = new Region();
            fill.getStyleClass().add("bar-fill");
            fill.setMinHeight(14);
            fill.setMaxHeight(14);
            Pane track = new Pane(fill);
            track.getStyleClass().add("bar-track");
            track.setPrefWidth(width);
            track.setMinWidth(width);
            track.setMaxHeight(14);
            Label value = new Label();
            value.getStyleClass().add("bar-value");
            value.setAlignment(Pos.CENTER_RIGHT);
            value.setMinWidth(52);
            grid.addRow(i, name, track, value);
            fills.add(fill);
            names.add(name);
            values.add(value);
        }
    }
}
