package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.service.Exploration;

/**
 * The representation geometry at the current step: directional Lipschitz ratios (log-log over ε, top
 * eigendirections red, null directions blue, random grey) and the spectrum of G for every layer's [CLS] state.
 */
final class RepresentationPanel {
    private static final Color[] LAYER_COLOURS = {Color.web("#1b9e77"), Color.web("#d95f02"), Color.web("#7570b3"),
        Color.web("#e7298a"), Color.web("#66a61e"), Color.web("#e6ab02"), Color.web("#a6761d"), Color.web("#666666"),
        Color.web("#1f78b4"), Color.web("#b2df8a"), Color.web("#fb9a99"), Color.web("#cab2d6")};
    private final LogLogPlot lipschitz = new LogLogPlot(340, 170, true);
    private final LogLogPlot layers = new LogLogPlot(340, 150, false);
    private final Label lipschitzCaption = new Label("Press Estimate: ‖f(x+εv) − f(x)‖/ε along eigen, null and random "
            + "directions at this step.");
    private final Label layerCaption = new Label("Press Compute: the spectrum of G for each block's [CLS] state.");
    private Analysis.LipschitzCurves lastCurves;
    private final VBox lipschitzView;
    private final VBox layersView;

    RepresentationPanel(Exploration service) {
        Label t1 = new Label("Lipschitz ratios along directions");
        t1.getStyleClass().add("panel-title");
        Button estimate = new Button("Estimate");
        estimate.setId("estimate-lipschitz");
        estimate.setOnAction(e -> service.estimateLipschitz());
        lipschitz.setId("lipschitz-canvas");
        lipschitzCaption.getStyleClass().add("caption");
        lipschitzCaption.setWrapText(true);
        lipschitzCaption.setMaxWidth(340);
        Label t2 = new Label("Spectrum of G per layer");
        t2.getStyleClass().add("panel-title");
        Button compute = new Button("Compute");
        compute.setId("compute-layers");
        compute.setOnAction(e -> service.estimateLayerSpectra());
        layers.setId("layers-canvas");
        layerCaption.getStyleClass().add("caption");
        layerCaption.setWrapText(true);
        layerCaption.setMaxWidth(340);
        HBox h1 = new HBox(8, t1, estimate);
        h1.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        HBox h2 = new HBox(8, t2, compute);
        h2.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        lipschitzView = new VBox(4, h1, lipschitz, lipschitzCaption);
        layersView = new VBox(4, h2, layers, layerCaption);
        lipschitzView.getStyleClass().add("plot");
        layersView.getStyleClass().add("plot");
    }

    VBox lipschitzView() {
        return lipschitzView;
    }

    VBox layersView() {
        return layersView;
    }

    Analysis.LipschitzCurves lastCurves() {
        return lastCurves;
    }

    void show(Analysis a) {
        if (a instanceof Analysis.LipschitzCurves c) {
            lastCurves = c;
            List<LogLogPlot.Series> series = new ArrayList<>();
            boolean[] named = new boolean[3];
            double top = 0;
            double nullMax = 0;
            for (Analysis.Curve k : c.curves()) {
                int kind = k.family().ordinal();
                Color col = switch (k.family()) {
                    case EIGEN -> Color.web("#c0392b");
                    case NULL -> Color.web("#2166ac");
                    case RANDOM -> Color.web("#9aa3ad");
                };
                String legend = named[kind] ? null : switch (k.family()) {
                    case EIGEN -> "top eigendirections";
                    case NULL -> "null directions";
                    case RANDOM -> "random directions";
                };
                named[kind] = true;
                series.add(new LogLogPlot.Series(k.epsilons(), k.ratios(), col, legend));
                if (k.family() == Analysis.Family.EIGEN && k.index() == 0) {
                    top = k.ratios()[0];
                }
                if (k.family() == Analysis.Family.NULL) {
                    nullMax = Math.max(nullMax, k.ratios()[0]);
                }
            }
            lipschitz.draw(series, "ε");
            lipschitzCaption.setText(String.format("Step %d, %s metric (%s): at ε = 1e-4 the top direction moves the "
                    + "output %.3g per unit, null directions at most %.3g (%.0f× less). Export → Lipschitz CSV.",
                    c.step(), c.metric(), c.precision(), top, nullMax, nullMax > 0 ? top / nullMax : 0));
        } else if (a instanceof Analysis.LayerSpectra ls) {
            List<LogLogPlot.Series> series = new ArrayList<>();
            StringBuilder ranks = new StringBuilder();
            for (Analysis.Layer l : ls.layers()) {
                double[] idx = new double[l.eigenvalues().length];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = i + 1;
                }
                series.add(new LogLogPlot.Series(idx, l.eigenvalues(), LAYER_COLOURS[(l.layer() - 1)
                        % LAYER_COLOURS.length], "layer " + l.layer() + ": rank " + l.rank()));
                ranks.append(ranks.length() == 0 ? "" : ", ").append(l.dimension() - l.rank());
            }
            layers.draw(series, "eigenvalue index");
            layerCaption.setText("Step " + ls.step() + " (" + ls.space() + "): null space dimension by layer "
                    + ranks + " of " + (ls.layers().isEmpty() ? 0 : ls.layers().get(0).dimension()) + ".");
        }
    }
}
