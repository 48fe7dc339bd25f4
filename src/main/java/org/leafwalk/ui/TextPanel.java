package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Exploration;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.TextView;
import org.leafwalk.explore.walk.TextSetup;

/**
 * A text walk's input: the sentence field, the token strip (per token the original, the nearest vocabulary token
 * to the current embedding and its residual; changed tokens highlighted; click a token to explore only the tokens
 * picked), the masked-LM head's reading, the consistency check (the decoded sentence run through the model again)
 * and the zero-shot label sentences.
 */
final class TextPanel extends VBox {
    private static final PseudoClass CHANGED = PseudoClass.getPseudoClass("changed");
    private static final PseudoClass SELECTED = PseudoClass.getPseudoClass("selected");
    private final Exploration service;
    private final TextField sentence = new TextField();
    private final FlowPane strip = new FlowPane(4, 4);
    private final Label stripCaption = new Label();
    private final Label headLine = new Label();
    private final Label decoded = new Label();
    private final Label check = new Label();
    private final TextArea labels = new TextArea();
    private final VBox labelBox;
    private final List<Cell> cells = new ArrayList<>();
    private String shownSentence;
    private List<String> shownLabels;

    TextPanel(Exploration service) {
        this.service = service;
        getStyleClass().add("text-panel");
        Label title = new Label("Sentence");
        title.getStyleClass().add("panel-title");
        sentence.setId("sentence-field");
        sentence.setPromptText("Type a sentence and press Enter");
        sentence.setOnAction(e -> submit());
        Button walk = new Button("Walk this sentence");
        walk.setId("sentence-submit");
        walk.setOnAction(e -> submit());
        HBox.setHgrow(sentence, Priority.ALWAYS);
        HBox field = new HBox(6, sentence, walk);
        field.setAlignment(Pos.CENTER_LEFT);

        Label tokensTitle = new Label("Tokens");
        tokensTitle.getStyleClass().add("panel-title");
        Button all = new Button("Explore every token");
        all.setId("select-all-tokens");
        all.setOnAction(e -> service.selectTokens(new int[0]));
        HBox tokensHead = new HBox(10, tokensTitle, all);
        tokensHead.setAlignment(Pos.CENTER_LEFT);
        strip.setId("token-strip");
        strip.setPrefWrapLength(330);
        stripCaption.getStyleClass().add("caption");
        stripCaption.setWrapText(true);
        stripCaption.setMaxWidth(340);
        headLine.getStyleClass().add("caption");
        headLine.setWrapText(true);
        headLine.setMaxWidth(340);
        decoded.setId("decoded-sentence");
        decoded.setWrapText(true);
        decoded.setMaxWidth(340);
        decoded.getStyleClass().add("decoded-sentence");
        check.setId("consistency-check");
        check.setWrapText(true);
        check.setMaxWidth(340);
        check.getStyleClass().add("caption");

        Label labelsTitle = new Label("Zero-shot labels (one sentence per line)");
        labelsTitle.getStyleClass().add("panel-title");
        labels.setId("zero-shot-labels");
        labels.setPrefRowCount(4);
        labels.setPrefWidth(340);
        ComboBox<String> presets = new ComboBox<>();
        presets.getItems().addAll("Sentiment", "Topic");
        presets.setPromptText("Preset…");
        presets.setOnAction(e -> {
            if (presets.getValue() != null) {
                labels.setText(String.join("\n",
                        presets.getValue().equals("Topic") ? TextSetup.TOPIC_LABELS : TextSetup.SENTIMENT_LABELS));
            }
        });
        Button apply = new Button("Apply labels");
        apply.setId("apply-labels");
        apply.setOnAction(e -> service.setZeroShotLabels(Arrays.stream(labels.getText().split("\n"))
                .map(String::strip).filter(l -> !l.isEmpty()).toList()));
        HBox labelButtons = new HBox(6, presets, apply);
        labelBox = new VBox(6, labelsTitle, labels, labelButtons);
        labelBox.managedProperty().bind(labelBox.visibleProperty());
        headLine.managedProperty().bind(headLine.visibleProperty());
        getChildren().addAll(title, field, tokensHead, strip, stripCaption, headLine, decoded, check, labelBox);
        setSpacing(8);
    }

    private void submit() {
        String s = sentence.getText();
        if (s != null && !s.isBlank()) {
            service.openText(s.strip());
        }
    }

    void show(Snapshot s) {
        TextView t = s.text();
        if (t == null) {
            return;
        }
        if (!t.sentence().equals(shownSentence)) {
            shownSentence = t.sentence();
            if (!sentence.isFocused()) {
                sentence.setText(t.sentence());
            }
        }
        if (!t.zeroShotLabels().equals(shownLabels)) {
            shownLabels = t.zeroShotLabels();
            labels.setText(String.join("\n", t.zeroShotLabels()));
        }
        labelBox.setVisible(t.kind().equals("zero-shot"));
        int n = t.original().size();
        if (cells.size() != n) {
            strip.getChildren().clear();
            cells.clear();
            for (int i = 0; i < n; i++) {
                Cell c = new Cell(i);
                cells.add(c);
                strip.getChildren().add(c.box);
            }
        }
        double maxRel = 0;
        for (double r : t.relativeResidual()) {
            maxRel = Math.max(maxRel, r);
        }
        for (int i = 0; i < n; i++) {
            cells.get(i).show(t, i);
        }
        int explored = 0;
        for (boolean b : t.selected()) {
            explored += b ? 1 : 0;
        }
        stripCaption.setText(String.format("%d of %d tokens explored (click a token to pick it). Grey: the sentence's "
                + "token; bold: the nearest vocabulary token now; bar: residual (largest %.0f%% of the embedding). "
                + "%d changed.", explored, n, 100 * maxRel, t.changedCount()));
        headLine.setVisible(t.viaHead() != null);
        if (t.viaHead() != null) {
            headLine.setText("Through the masked-LM head: " + String.join(" ", t.viaHead()));
        }
        decoded.setText("Decoded: " + t.decodedText());
        String now = s.outputs().labels().get(s.outputs().prediction());
        String again = s.outputs().labels().get(t.decodedPrediction());
        boolean same = s.outputs().prediction() == t.decodedPrediction();
        check.setText(String.format("%s Embedding: %s (p = %.3f)   Decoded sentence: %s (p = %.3f)",
                same ? "✔" : "✘", now, s.outputs().probabilities()[s.outputs().prediction()], again,
                t.decodedProbabilities()[t.decodedPrediction()]));
    }

    /** Positions explored after clicking one: picking from "every token" starts a selection of one. */
    private int[] toggled(TextView t, int position) {
        TreeSet<Integer> sel = new TreeSet<>();
        boolean all = true;
        for (int i = 0; i < t.selected().length; i++) {
            if (t.selected()[i]) {
                sel.add(i);
            } else {
                all = false;
            }
        }
        if (all) {
            return new int[] {position};
        }
        if (!sel.remove(position)) {
            sel.add(position);
        }
        return sel.stream().mapToInt(Integer::intValue).toArray();
    }

    List<Cell> cells() {
        return cells;
    }

    /** One token of the strip. */
    final class Cell {
        final Label original = new Label();
        final Label nearest = new Label();
        final Region bar = new Region();
        final VBox box;
        private final Tooltip tip = new Tooltip();
        private TextView last;

        Cell(int position) {
            original.getStyleClass().add("token-original");
            nearest.getStyleClass().add("token-decoded");
            bar.getStyleClass().add("token-residual");
            bar.setMinHeight(3);
            bar.setMaxHeight(3);
            Pane track = new Pane(bar);
            track.getStyleClass().add("token-residual-track");
            track.setMinHeight(3);
            box = new VBox(1, original, nearest, track);
            box.getStyleClass().add("token-cell");
            box.setId("token-" + position);
            Tooltip.install(box, tip);
            box.setOnMouseClicked(e -> {
                if (last != null) {
                    service.selectTokens(toggled(last, position));
                }
            });
        }

        void show(TextView t, int i) {
            last = t;
            original.setText(t.original().get(i));
            nearest.setText(t.nearest().get(i));
            box.pseudoClassStateChanged(CHANGED, t.changed()[i]);
            box.pseudoClassStateChanged(SELECTED, t.selected()[i]);
            double w = Math.max(box.getWidth() - 8, 20);
            bar.setPrefWidth(Math.max(1, Math.min(1, t.relativeResidual()[i]) * w));
            tip.setText(String.format("position %d: %s → %s, residual %.3g (%.1f%% of the embedding)%s", i,
                    t.original().get(i), t.nearest().get(i), t.residual()[i], 100 * t.relativeResidual()[i],
                    t.selected()[i] ? ", explored" : ""));
        }
    }
}
