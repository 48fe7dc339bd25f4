package org.leafwalk.ui;

import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Separator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.leafwalk.explore.service.Exploration;

/** How the main window's parts are laid out: menus, toolbar, the left and right columns. */
final class WindowLayout {
    private WindowLayout() {}

    /** The menus, built from the action table (with the recent models and the device choice). */
    static MenuBar menuBar(Actions actions, RecentModels recent, String device, Exploration service) {
        Menu export = actions.menu("Export", "export-png", "export-dashboard", "export-gif", "export-csv",
                "export-json", "export-safetensors", "export-npz", "export-plots", "export-lipschitz");
        Menu file = actions.menu("File", "open-model", recent.menu(), "open-image", "open-minilm", "-",
                "open-session", "save-session", export, "-", "quit");
        Menu walk = actions.menu("Walk", "play-simec", "play-simexp", "pause", "step", "undo", "reset",
                "redraw-nulls");
        Menu view = actions.menu("View", "difference", "show-original", "classroom", deviceMenu(device, service));
        Menu tools = actions.menu("Tools", "match", "lipschitz", "layer-spectra");
        return new MenuBar(file, walk, view, tools);
    }

    private static Menu deviceMenu(String device, Exploration service) {
        Menu m = new Menu("Device");
        ToggleGroup devices = new ToggleGroup();
        for (String d : new String[] {"auto", "cpu", "gpu"}) {
            RadioMenuItem r = new RadioMenuItem(
                    d.equals("auto") ? "Automatic (GPU when there is one)" : d.toUpperCase(java.util.Locale.ROOT));
            r.setToggleGroup(devices);
            r.setSelected(d.equals(device == null ? "auto" : device));
            r.setOnAction(e -> service.setDevice(d));
            m.getItems().add(r);
        }
        return m;
    }

    /** The toolbar: opening, the walk's commands, and classroom mode on the right. */
    static ToolBar toolBar(Actions actions) {
        List<Node> items = new java.util.ArrayList<>(actions.buttons("open-model", "open-image"));
        items.add(new Separator());
        items.addAll(actions.buttons("play-simec", "play-simexp", "pause", "step", "undo", "reset"));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        items.add(spacer);
        items.addAll(actions.buttons("classroom"));
        return new ToolBar(items.toArray(Node[]::new));
    }

    /** The input (or the sentence, once one arrives) above the samples. */
    static VBox leftColumn(InputPanel input, TextPanel textPanel, SampleGallery gallery) {
        TitledPane samples = new TitledPane("Samples (click to open)", gallery);
        samples.setCollapsible(false);
        input.managedProperty().bind(input.visibleProperty());
        textPanel.managedProperty().bind(textPanel.visibleProperty());
        textPanel.setVisible(false);
        VBox left = new VBox(12, input, samples); // the text panel joins when a sentence first arrives
        left.setPadding(new Insets(12));
        left.getStyleClass().add("column");
        return left;
    }

    /** The output bars and the spectrum above the tabs: drift, Lipschitz, layers, settings. */
    static ScrollPane rightColumn(TabPane tabs, OutputBars bars, SpectrumPlot spectrum, DriftPlot drift,
            RepresentationPanel representation, SettingsPanel settings) {
        // a tab's content joins the scene when the tab is first shown: fewer nodes for the first CSS pass
        tabs.getTabs().setAll(tab("Drift", drift), tab("Lipschitz", representation.lipschitzView()),
                tab("Layers", representation.layersView()), tab("Settings", settings));
        for (Tab t : tabs.getTabs()) {
            if (!t.getText().equals("Drift")) {
                Node content = t.getContent();
                t.setContent(null);
                t.selectedProperty().addListener((o, was, now) -> {
                    if (now && t.getContent() == null) {
                        t.setContent(content);
                    }
                });
            }
        }
        tabs.setId("right-tabs");
        VBox right = new VBox(14, bars, spectrum, tabs);
        right.setPadding(new Insets(12));
        right.getStyleClass().add("column");
        ScrollPane sp = new ScrollPane(right);
        sp.setFitToWidth(true);
        sp.setPrefWidth(400);
        sp.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        return sp;
    }

    private static Tab tab(String name, Node content) {
        Tab t = new Tab(name, content);
        t.setClosable(false);
        t.setId("tab-" + name.toLowerCase(java.util.Locale.ROOT));
        return t;
    }

    /** A dropped folder opens as a model, a .leafwalk.json as a session, any other file as an image. */
    static void acceptDrops(javafx.scene.Scene scene, java.util.function.Consumer<java.nio.file.Path> openModel,
            java.util.function.Consumer<java.nio.file.Path> openSession,
            java.util.function.Consumer<java.nio.file.Path> openImage) {
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(javafx.scene.input.TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = false;
            if (e.getDragboard().hasFiles()) {
                java.nio.file.Path p = e.getDragboard().getFiles().get(0).toPath();
                if (java.nio.file.Files.isDirectory(p)) {
                    openModel.accept(p);
                } else if (p.getFileName().toString().endsWith(".leafwalk.json")) {
                    openSession.accept(p);
                } else {
                    openImage.accept(p);
                }
                ok = true;
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }
}
