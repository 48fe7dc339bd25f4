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
    private final List<TrajectoryEntry> steps = new ArrayList<>(); // guarded by this: every step, past the cursor too
    private int cursor; // guarded by this
    private long received; // guarded by this: steps received, for tests of what travels

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
        received += r.getEntriesCount();
        cursor = Math.max(0, Math.min(r.getCursor(), steps.size() - 1));
    }

    synchronized long received() {
        return received;
    }

    /** The states kept up to the one shown (the start among them). */
    synchronized int size() {
        return steps.isEmpty() ? 0 : cursor + 1;
    }

    /** The walk kept: its states up to the one shown. */
    synchronized List<TrajectoryEntry> steps() {
        return steps.isEmpty() ? List.of() : List.copyOf(steps.subList(0, cursor + 1));
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
                h.getSize(), cursor, List.copyOf(steps.subList(0, cursor + 1)), text);
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
     * The server's side. On the worker thread, where a snapshot is published, {@link #note} takes the walk as it is
     * now; when the snapshot goes (any thread), {@link #news} makes what the client lacks of the latest walk noted,
     * so a message waiting may be replaced by a newer one and nothing is lost. Steps are compared by identity: a
     * recorded step is never changed, only dropped (undo, a new branch) or added.
     */
    static final class Sender {
        private record State(Session session, Settings settings, RecordingHeader header, List<TrajectoryEntry> steps,
                int cursor) {}

        private State latest; // guarded by this
        private State sent; // guarded by this

        /** Notes the walk open now (worker thread); true when it changed since the last note. */
        boolean note(Session s) {
            if (s == null) {
                return false;
            }
            State was;
            synchronized (this) {
                was = latest;
            }
            RecordingHeader h = was != null && was.session() == s && was.settings().equals(s.settings())
                    ? was.header() : header(s.recording());
            List<TrajectoryEntry> steps = s.trajectory().entries();
            int cursor = s.trajectory().cursor();
            boolean changed = was == null || was.header() != h || was.cursor() != cursor
                    || !sameSteps(was.steps(), steps);
            if (changed) {
                synchronized (this) {
                    latest = new State(s, s.settings(), h, steps, cursor);
                }
            }
            return changed;
        }

        private static boolean sameSteps(List<TrajectoryEntry> a, List<TrajectoryEntry> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = a.size() - 1; i >= 0; i--) { // a change is most likely at the end
                if (a.get(i) != b.get(i)) {
                    return false;
                }
            }
            return true;
        }

        /** What the client lacks of the latest walk noted, as it goes (null: nothing); it then has it. */
        synchronized Recorded news() {
            return latest == null || latest == sent ? null : delta();
        }

        /** What the client lacks of the latest walk noted, as it goes; it then has it. */
        private Recorded delta() {
            State now = latest;
            State was = sent;
            var b = Recorded.newBuilder().setCursor(now.cursor());
            if (was == null || was.header() != now.header()) {
                b.setHeader(now.header());
            }
            int from = 0;
            if (was != null && was.session() == now.session()) {
                int n = Math.min(was.steps().size(), now.steps().size());
                while (from < n && was.steps().get(from) == now.steps().get(from)) {
                    from++;
                }
            }
            b.setFrom(from);
            for (int i = from; i < now.steps().size(); i++) {
                b.addEntries(Wire.entry(now.steps().get(i)));
            }
            sent = now;
            return b.build();
        }
    }
}
