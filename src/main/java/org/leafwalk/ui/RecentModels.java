package org.leafwalk.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.prefs.Preferences;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;

/** The last models opened, kept in the user's preferences, as the File menu's "Open recent model". */
final class RecentModels {
    private static final int RECENT = 8;
    private final Menu menu = new Menu("Open recent model");
    private final Consumer<Path> open;

    RecentModels(Consumer<Path> open) {
        this.open = open;
        refresh();
    }

    Menu menu() {
        return menu;
    }

    void remember(Path dir) {
        try {
            Preferences p = Preferences.userNodeForPackage(MainWindow.class);
            List<String> list = new ArrayList<>(List.of(p.get("recentModels", "").split("\n")));
            list.removeIf(s -> s.isBlank() || s.equals(dir.toAbsolutePath().toString()));
            list.add(0, dir.toAbsolutePath().toString());
            p.put("recentModels", String.join("\n", list.subList(0, Math.min(RECENT, list.size()))));
        } catch (RuntimeException e) {
            // preferences are a convenience; a read-only home must not stop the app
        }
        refresh();
    }

    private void refresh() {
        menu.getItems().clear();
        try {
            for (String s : Preferences.userNodeForPackage(MainWindow.class).get("recentModels", "").split("\n")) {
                if (!s.isBlank()) {
                    MenuItem m = new MenuItem(s);
                    m.setOnAction(e -> open.accept(Path.of(s)));
                    menu.getItems().add(m);
                }
            }
        } catch (RuntimeException e) {
            // see remember()
        }
        menu.setDisable(menu.getItems().isEmpty());
    }
}
