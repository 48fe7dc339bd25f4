package org.leafwalk.ui;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.WalkAlgorithm;

/** The exploration settings as a ControlsFX property sheet; every edit becomes one new {@link Settings}. */
final class SettingsPanel extends VBox {
    private final PropertySheet sheet = new PropertySheet();
    private final Consumer<Settings> onChange;
    private Settings settings;
    private boolean updating;

    SettingsPanel(Settings initial, Consumer<Settings> onChange) {
        this.settings = initial;
        this.onChange = onChange;
        getStyleClass().add("settings-panel");
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(false);
        sheet.setMode(PropertySheet.Mode.NAME);
        sheet.setId("settings-sheet");
        ObservableList<PropertySheet.Item> items = FXCollections.observableArrayList(List.of(
                new Item<>("Space", "pixels: the image; embeddings: the token sequence the encoder reads",
                        Space.class, Settings::space,
                        Settings::withSpace),
                new Item<>("Output metric", "logits, probs, fisher (local KL) or representation ([CLS] state)",
                        Metric.class, Settings::metric, Settings::withMetric),
                new Item<>("Top-k classes", "classes the metric sees, fixed at the start (0: all up to 10)",
                        Integer.class, Settings::topK,
                        Settings::withTopK),
                new Item<>("Representation layer", "image models: the [CLS] state after this block is the "
                        + "'representation' metric's output (0: the model's own, after the last block)",
                        Integer.class, Settings::layer, (s, v) -> s.withLayer(v)),
                new Item<>("Algorithm", "what Play and Step do: SiMEC keeps the prediction, SiMExp changes it",
                        WalkAlgorithm.class, Settings::algorithm, Settings::withAlgorithm),
                new Item<>("Step policy", "paper, authors-code, fixed or output-speed", StepLength.class,
                        Settings::policy, (s, v) -> s.withStep(v, s.eta())),
                new Item<>("η (step scale)", "the step length for 'fixed'; the scale for the other policies",
                        Double.class, Settings::eta, (s, v) -> s.withStep(s.policy(), v)),
                new Item<>("τ (null threshold)", "eigenvalues below τ·λmax count as zero", Double.class,
                        Settings::tau, Settings::withTau),
                new Item<>("Corrected SiMEC", "pull the output back onto its start value after every step",
                        Boolean.class, Settings::corrected,
                        Settings::withCorrected),
                new Item<>("Jacobian", "exact: J at every step; reuse: carry J while a step's measured output "
                        + "agrees with the one J predicts (one forward pass a step); auto: reuse where an exact step "
                        + "is long (ViT-Base)", org.leafwalk.explore.walk.JacobianMode.class, Settings::jacobian,
                        Settings::withJacobian),
                new Item<>("Seed", "seed of the null directions and every random choice", Long.class,
                        Settings::seed, Settings::withSeed),
                new Item<>("Null directions", "how many 'keeps the prediction' sliders", Integer.class,
                        Settings::nullDirections,
                        (s, v) -> s.withNullDirections(Math.max(1, Math.min(12, v))))));
        sheet.getItems().setAll(items);
        getChildren().add(sheet);
        setSpacing(6);
    }

    Settings settings() {
        return settings;
    }

    /** Shows settings that changed elsewhere (the τ line, a session) without echoing them back. */
    void show(Settings s) {
        if (s.equals(settings)) {
            return;
        }
        settings = s;
        updating = true;
        List<PropertySheet.Item> items = List.copyOf(sheet.getItems());
        sheet.getItems().setAll(items);
        updating = false;
    }

    private final class Item<T> implements PropertySheet.Item {
        private final String name;
        private final String description;
        private final Class<T> type;
        private final Function<Settings, T> get;
        private final java.util.function.BiFunction<Settings, T, Settings> set;

        Item(String name, String description, Class<T> type, Function<Settings, T> get,
                java.util.function.BiFunction<Settings, T, Settings> set) {
            this.name = name;
            this.description = description;
            this.type = type;
            this.get = get;
            this.set = set;
        }

        @Override
        public Class<?> getType() {
            return type;
        }

        @Override
        public String getCategory() {
            return "Exploration";
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return description;
        }

        @Override
        public Object getValue() {
            return get.apply(settings);
        }

        @Override
        public void setValue(Object value) {
            if (updating || value == null || value.equals(getValue())) {
                return;
            }
            Settings next;
            try {
                next = set.apply(settings, type.cast(value));
                next.validate();
            } catch (RuntimeException e) {
                return; // an invalid value is not applied; the editor keeps showing what the user typed
            }
            settings = next;
            onChange.accept(next);
        }

        @Override
        public Optional<ObservableValue<?>> getObservableValue() {
            return Optional.empty();
        }
    }
}
