package org.leafwalk.ui;

import java.util.ArrayList;
import java.util.List;
import javafx.animation.PauseTransition;
import javafx.scene.Node;
import javafx.util.Duration;
import org.controlsfx.control.NotificationPane;
import org.leafwalk.explore.service.Notice;

/**
 * The service's messages over the window: a bug's (which says where its stack trace was written) stays 20 s, other
 * errors 8 s, the rest 4 s; every one is kept in a log.
 */
final class NoticeArea {
    private final NotificationPane pane;
    private final PauseTransition timer = new PauseTransition();
    private final List<Notice> log = new ArrayList<>();

    NoticeArea(Node content) {
        pane = new NotificationPane(content);
        pane.setId("notifications");
        pane.getStyleClass().add(NotificationPane.STYLE_CLASS_DARK);
    }

    NotificationPane node() {
        return pane;
    }

    List<Notice> log() {
        return log;
    }

    void show(Notice n) {
        log.add(n);
        boolean error = n.level() == Notice.Level.ERROR;
        pane.getStyleClass().removeAll("notice-error", "notice-info");
        pane.getStyleClass().add(error ? "notice-error" : "notice-info");
        pane.setText((error ? "⚠ " : "") + n.message());
        if (!pane.isShowing()) {
            pane.show();
        }
        timer.stop();
        timer.setDuration(Duration.seconds(n.bug() ? 20 : error ? 8 : 4));
        timer.setOnFinished(e -> pane.hide());
        timer.playFromStart();
    }
}
