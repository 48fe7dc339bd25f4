package org.leafwalk.explore.remote;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.remote.wire.Recorded;
import org.leafwalk.explore.remote.wire.RecordingHeader;
import org.leafwalk.explore.session.Session;
import org.leafwalk.explore.walk.Recording;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.TextSetup;
import org.leafwalk.explore.walk.TrajectoryEntry;

/**
 * The walk as recorded, kept on the client as the server records it, so that nothing is lost when the server goes:
 * the steps up to the cursor and what a session file holds besides them. The client can save it, export it, and open
 * it on the server again when it reconnects. {@link Sender} is the server's side: what it sent, and what changed since.
 */
final class KeptWalk {
    private RecordingHeader header; // guarded by this
    private final List<TrajectoryEntry> steps = new ArrayList<>(); // guarded by this

    /** Takes what the server recorded since its last message. */
    synchronized void take(Recorded r) {
        if (r.hasHeader()) {
            header = r.getHeader();
        }
        int from = Math.max(0, Math.min(r.getFrom(), steps.size()));
        steps.subList(from, steps.size()).clear();
        for (var e : r.getEntriesList()) {
            steps.add(Wire.entry(e));
        }
    }

    /** The steps kept. */
    synchronized int size() {
        return steps.size();
    }

    synchronized List<TrajectoryEntry> steps() {
        return List.copyOf(steps);
    }

    /** The walk kept, as a recording at its last step; null when nothing was walked yet. */
    synchronized Recording recording() {
        if (header == null || steps.isEmpty()) {
            return null;
        }
        RecordingHeader h = header;
        TextSetup text = h.getHasText() ? new TextSetup(h.getSentence(), h.getSelectedList().stream()
                .mapToInt(Integer::intValue).toArray(), h.getZeroShotLabelsList(), h.getPooling().isEmpty() ? null
                : h.getPooling()) : null;
        return new Recording(h.getModelReference(), h.getModelPath(), h.getWeightsSha256(), h.getInputName(),
                h.getInputPng().toByteArray(), Wire.settings(h.getSettings()), h.getLabelsList(), h.getChannels(),
                h.getSize(), steps.size() - 1, List.copyOf(steps), text);
    }

    static RecordingHeader header(Recording r) {
        var b = RecordingHeader.newBuilder().setModelReference(r.modelReference()).setModelPath(r.modelPath())
                .setWeightsSha256(r.weightsSha256()).setInputName(r.inputName())
                .setInputPng(ByteString.copyFrom(r.inputPng())).setSettings(Wire.settings(r.settings()))
                .addAllLabels(r.labels()).setChannels(r.channels()).setSize(r.size());
        if (r.text() != null) {
            TextSetup t = r.text();
            b.setHasText(true).setSentence(t.sentence()).addAllZeroShotLabels(t.labels());
            for (int p : t.selected()) {
                b.addSelected(p);
            }
            if (t.pooling() != null) {
                b.setPooling(t.pooling());
            }
        }
        return b.build();
    }

    /**
     * The server's side: on the worker thread, where a snapshot is published, what the client must be sent so that
     * its kept walk is the one recorded (null: nothing changed). Steps are compared by identity: a recorded step is
     * never changed, only dropped (undo, a new branch) or added.
     */
    static final class Sender {
        private Session session;
        private Settings settings;
        private List<TrajectoryEntry> sent = List.of();

        Recorded next(Session s) {
            if (s == null) {
                return null;
            }
            var b = Recorded.newBuilder();
            boolean changed = false;
            if (s != session) {
                sent = List.of();
            }
            if (s != session || !s.settings().equals(settings)) {
                b.setHeader(header(s.recording()));
                session = s;
                settings = s.settings();
                changed = true;
            }
            List<TrajectoryEntry> now = s.trajectory().recorded();
            int from = 0;
            int n = Math.min(now.size(), sent.size());
            while (from < n && now.get(from) == sent.get(from)) {
                from++;
            }
            if (!changed && from == now.size() && from == sent.size()) {
                return null;
            }
            b.setFrom(from);
            for (int i = from; i < now.size(); i++) {
                b.addEntries(Wire.entry(now.get(i)));
            }
            sent = now;
            return b.build();
        }
    }
}
