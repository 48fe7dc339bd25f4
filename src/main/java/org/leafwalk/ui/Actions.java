package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCombination;

/**
 * The window's one table of actions: each has its text, its accelerator, its tooltip and its handler, and the menus,
 * the toolbar and the keyboard shortcuts are all built from it, so a command is named and bound in one place.
 */
final class Actions {
    /**
     * One thing the user can do.
     *
     * @param id the key the menus and the toolbar refer to it by (and the button's node id)
     * @param accelerator a key combination ("Shortcut+O"), or null
     * @param button the toolbar's shorter label, or null when it has no button
     */
    record Action(String id, String text, String accelerator, String tooltip, String button, Runnable handler) {}

    private final Map<String, Action> actions = new LinkedHashMap<>();

    /** Adds an action; its id must be new. */
    Actions add(String id, String text, String accelerator, String tooltip, String button, Runnable handler) {
        if (actions.putIfAbsent(id, new Action(id, text, accelerator, tooltip, button, handler)) != null) {
            throw new IllegalArgumentException("two actions named " + id);
        }
        return this;
    }

    Action get(String id) {
        Action a = actions.get(id);
        if (a == null) {
            throw new IllegalArgumentException("no action " + id);
        }
        return a;
    }

    List<Action> all() {
        return List.copyOf(actions.values());
    }

    /** A menu of the actions named ({@code "-"}: a separator; a {@link Menu} passed in is added as it is). */
    Menu menu(String title, Object... entries) {
        Menu m = new Menu(title);
        for (Object e : entries) {
            if (e instanceof MenuItem item) {
                m.getItems().add(item);
            } else if ("-".equals(e)) {
                m.getItems().add(new SeparatorMenuItem());
            } else {
                m.getItems().add(item(get((String) e)));
            }
        }
        return m;
    }

    /** The action as a menu item, its accelerator shown and bound. */
    MenuItem item(Action a) {
        MenuItem m = new MenuItem(a.text());
        if (a.accelerator() != null) {
            m.setAccelerator(KeyCombination.keyCombination(a.accelerator()));
        }
        m.setOnAction(e -> a.handler().run());
        return m;
    }

    /** Binds the accelerators of actions that no menu shows (Space, Escape) on the scene. */
    void bindKeys(Scene scene, String... ids) {
        for (String id : ids) {
            Action a = get(id);
            scene.getAccelerators().put(KeyCombination.keyCombination(a.accelerator()), a.handler());
        }
    }

    /** The actions named, as toolbar buttons with their tooltips. */
    List<Button> buttons(String... ids) {
        List<Button> out = new ArrayList<>();
        for (String id : ids) {
            Action a = get(id);
            Button b = new Button(a.button() != null ? a.button() : a.text());
            b.setTooltip(new Tooltip(a.tooltip() != null ? a.tooltip() : a.text()));
            b.setOnAction(e -> a.handler().run());
            b.setFocusTraversable(false);
            b.setId(id);
            out.add(b);
        }
        return out;
    }
}
