package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Snapshot;

/**
 * The output distribution: one bar per class, the start prediction marked, the current one highlighted. With more
 * classes than fit (ImageNet's 1,000) it shows the ten most probable, the classes the walk tracks, the start
 * prediction and any class found with the search field; long labels are shortened, the whole label in a tooltip.
 */
final class OutputBars extends VBox {
    private static final javafx.css.PseudoClass PREDICTED = javafx.css.PseudoClass.getPseudoClass("predicted");
    private static final javafx.css.PseudoClass START = javafx.css.PseudoClass.getPseudoClass("start");
    private final GridPane grid = new GridPane();
    private final List<Region> fills = new ArrayList<>();
    private final List<Label> names = new ArrayList<>();
    private final List<Label> values = new ArrayList<>();
    private final TextField search = new TextField();
    private final Label more = new Label();
    private final Label previewNote = new Label("Preview: y + t·Jv from the last Jacobian while the step computes");
    private final double width;
    private Snapshot last;
    private int searched = -1;

    OutputBars(double width, String title) {
        this.width = width;
        getStyleClass().add("output-bars");
        Label t = new Label(title);
        t.getStyleClass().add("panel-title");
        grid.setHgap(8);
        grid.setVgap(3);
        search.setPromptText("Find a class…");
        search.setId("class-search");
        search.setMaxWidth(width + 120);
        search.textProperty().addListener((o, a, v) -> {
            searched = find(v);
            if (last != null) {
                show(last);
            }
        });
        search.setVisible(false);
        search.setManaged(false);
        more.getStyleClass().add("bar-more");
        more.setWrapText(true);
        more.setMaxWidth(width + 120);
        more.setVisible(false);
        more.setManaged(false);
        previewNote.getStyleClass().add("preview-note");
        previewNote.setId("preview-note");
        previewNote.setWrapText(true);
        previewNote.setMaxWidth(width + 120);
        previewNote.setVisible(false);
        previewNote.setManaged(false);
        getChildren().addAll(t, previewNote, search, grid, more);
        setSpacing(6);
    }

    private int find(String text) {
        if (last == null || text == null || text.isBlank()) {
            return -1;
        }
        String q = text.strip().toLowerCase(Locale.ROOT);
        List<String> labels = last.outputs().labels();
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).toLowerCase(Locale.ROOT).contains(q)) {
                return i;
            }
        }
        return -1;
    }

    void show(Snapshot s) {
        last = s;
        if (previewNote.isVisible() != s.preview()) {
            previewNote.setVisible(s.preview());
            previewNote.setManaged(s.preview());
            pseudoClassStateChanged(InputPanel.PREVIEW, s.preview());
        }
        var out = s.outputs();
        int classes = out.labels().size();
        boolean many = classes > OutputRows.ALL_UP_TO || classes == 0;
        if (search.isVisible() != (many && classes > 0)) {
            search.setVisible(many && classes > 0);
            search.setManaged(many && classes > 0);
        }
        if (more.isVisible() != many) {
            more.setVisible(many);
            more.setManaged(many);
        }
        int[] rows = OutputRows.shown(out.probabilities(), out.tracked(), out.startPrediction(), searched);
        if (fills.size() != rows.length) {
            build(rows.length);
        }
        for (int r = 0; r < rows.length; r++) {
            int i = rows[r];
            double p = out.probabilities()[i];
            Region fill = fills.get(r);
            fill.setPrefWidth(Math.max(1, p * width));
            // pseudo-classes change only when the state does: no CSS pass for every bar on every frame
            fill.pseudoClassStateChanged(PREDICTED, i == out.prediction());
            values.get(r).setText(String.format("%5.1f%%", 100 * p));
            boolean start = i == out.startPrediction();
            Label name = names.get(r);
            name.pseudoClassStateChanged(START, start);
            String full = out.labels().get(i);
            String text = many ? OutputRows.shortLabel(full) : full;
            name.setText(start ? "▶ " + text : text);
            if (many && !text.equals(full)) {
                if (name.getTooltip() == null || !name.getTooltip().getText().equals(full)) {
                    name.setTooltip(new Tooltip(full));
                }
            } else if (name.getTooltip() != null) {
                name.setTooltip(null);
            }
        }
        if (classes == 0) {
            more.setText("No classifier (the model is a backbone): the walk follows its representation, and the "
                    + "metric is the representation's");
        } else if (many) {
            more.setText(String.format("%d of %d classes shown: the top %d now, the %d the walk tracks, the start%s",
                    rows.length, classes, OutputRows.TOP, out.tracked().length, searched >= 0 ? ", the one found" : ""));
        }
    }

    private void build(int rows) {
        grid.getChildren().clear();
        fills.clear();
        names.clear();
        values.clear();
        for (int i = 0; i < rows; i++) {
            Label name = new Label();
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
