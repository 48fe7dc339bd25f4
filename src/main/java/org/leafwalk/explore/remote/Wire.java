package org.leafwalk.explore.remote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.leafwalk.explore.analysis.Analysis;
import org.leafwalk.explore.remote.wire.Curve;
import org.leafwalk.explore.remote.wire.Doubles;
import org.leafwalk.explore.remote.wire.Entry;
import org.leafwalk.explore.remote.wire.Layer;
import org.leafwalk.explore.remote.wire.LayerSpectra;
import org.leafwalk.explore.remote.wire.Lipschitz;
import org.leafwalk.explore.remote.wire.Matrix;
import org.leafwalk.explore.remote.wire.Picture;
import org.leafwalk.explore.remote.wire.TextStrip;
import org.leafwalk.explore.remote.wire.WalkSettings;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.Snapshot;
import org.leafwalk.explore.subject.InputView;
import org.leafwalk.explore.subject.TextView;
import org.leafwalk.explore.walk.JacobianMode;
import org.leafwalk.explore.walk.Metric;
import org.leafwalk.explore.walk.Settings;
import org.leafwalk.explore.walk.Space;
import org.leafwalk.explore.walk.StepLength;
import org.leafwalk.explore.walk.TrajectoryEntry;
import org.leafwalk.explore.walk.WalkAlgorithm;
import org.leafwalk.io.InvalidInputException;

/**
 * The window's values as protobuf messages and back, exactly: every double travels as its 64 bits, every null as a
 * flag, so a snapshot read from the wire equals the one the service published. Reading refuses what no server or
 * client of this version sends (an unknown enum name, arrays of the wrong shape) as the sender's error.
 */
final class Wire {
    private Wire() {}

    // ---- settings ----

    static WalkSettings settings(Settings s) {
        return WalkSettings.newBuilder().setSpace(s.space().name()).setMetric(s.metric().name()).setTopK(s.topK())
                .setAlgorithm(s.algorithm().name()).setPolicy(s.policy().name()).setEta(s.eta()).setTau(s.tau())
                .setCorrected(s.corrected()).setSeed(s.seed()).setNullDirections(s.nullDirections())
                .setLayer(s.layer()).setRandomChoice(s.randomChoice()).setTokenBlocks(s.tokenBlocks())
                .setEmbeddingBounds(s.embeddingBounds()).setJacobian(s.jacobian().name()).build();
    }

    static Settings settings(WalkSettings w) {
        return new Settings(name(Space.class, w.getSpace()), name(Metric.class, w.getMetric()), w.getTopK(),
                name(WalkAlgorithm.class, w.getAlgorithm()), name(StepLength.class, w.getPolicy()), w.getEta(),
                w.getTau(), w.getCorrected(), w.getSeed(), w.getNullDirections(), w.getLayer(), w.getRandomChoice(),
                w.getTokenBlocks(), w.getEmbeddingBounds(), name(JacobianMode.class, w.getJacobian()));
    }

    /** The constant of {@code type} named {@code name}, or the sender's error naming what it sent. */
    static <E extends Enum<E>> E name(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("'" + name + "' is not a " + type.getSimpleName() + " (one of "
                    + Arrays.toString(type.getEnumConstants()) + ")");
        }
    }

    /** A GIF's options on the wire, and back, checked. */
    static org.leafwalk.explore.remote.wire.GifOptions gif(org.leafwalk.explore.export.Exports.GifOptions g) {
        return org.leafwalk.explore.remote.wire.GifOptions.newBuilder().setEvery(g.every())
                .setDelayMillis(g.delayMillis()).setLoops(g.loops()).setScale(g.scale()).setWithBars(g.withBars())
                .build();
    }

    static org.leafwalk.explore.export.Exports.GifOptions gif(org.leafwalk.explore.remote.wire.GifOptions g) {
        var o = new org.leafwalk.explore.export.Exports.GifOptions(g.getEvery(), g.getDelayMillis(), g.getLoops(),
                g.getScale(), g.getWithBars());
        o.validate();
        return o;
    }

    // ---- arrays ----

    private static List<Double> boxed(double[] a) {
        List<Double> out = new ArrayList<>(a.length);
        for (double v : a) {
            out.add(v);
        }
        return out;
    }

    private static double[] doubles(List<Double> l) {
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    /** Float32, little-endian: what a picture or a preview needs, in half the bytes and without boxing. */
    static com.google.protobuf.ByteString f32(double[] a) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * a.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (double v : a) {
            b.putFloat((float) v);
        }
        return com.google.protobuf.UnsafeByteOperations.unsafeWrap(b.array());
    }

    static double[] f32(com.google.protobuf.ByteString s) {
        if (s.size() % 4 != 0) {
            throw new InvalidInputException("a float32 array of " + s.size() + " bytes");
        }
        java.nio.FloatBuffer f = s.asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        double[] out = new double[f.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.get(i);
        }
        return out;
    }

    /** Float64, little-endian: exact, without boxing. */
    static com.google.protobuf.ByteString f64(double[] a) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * a.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(a);
        return com.google.protobuf.UnsafeByteOperations.unsafeWrap(b.array());
    }

    static double[] f64(com.google.protobuf.ByteString s) {
        if (s.size() % 8 != 0) {
            throw new InvalidInputException("a float64 array of " + s.size() + " bytes");
        }
        java.nio.DoubleBuffer d = s.asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        double[] out = new double[d.remaining()];
        d.get(out);
        return out;
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> out = new ArrayList<>(a.length);
        for (int v : a) {
            out.add(v);
        }
        return out;
    }

    private static int[] ints(List<Integer> l) {
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    private static List<Boolean> boxed(boolean[] a) {
        List<Boolean> out = new ArrayList<>(a.length);
        for (boolean v : a) {
            out.add(v);
        }
        return out;
    }

    private static boolean[] booleans(List<Boolean> l) {
        boolean[] out = new boolean[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    private static Matrix matrix(double[][] m) {
        Matrix.Builder b = Matrix.newBuilder();
        if (m == null) {
            return b.setAbsent(true).build();
        }
        for (double[] row : m) {
            b.addRows(row == null ? com.google.protobuf.ByteString.EMPTY : f32(row));
            b.addMissing(row == null);
        }
        return b.build();
    }

    private static double[][] matrix(Matrix m) {
        if (m.getAbsent()) {
            return null;
        }
        if (m.getMissingCount() != m.getRowsCount()) {
            throw new InvalidInputException("a matrix's rows and their missing flags differ in number");
        }
        double[][] out = new double[m.getRowsCount()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = m.getMissing(i) ? null : f32(m.getRows(i));
        }
        return out;
    }

    // ---- pictures and text ----

    private static Picture picture(InputView.Image i) {
        Picture.Builder b = Picture.newBuilder().setPixels(f32(i.pixels())).setChannels(i.channels())
                .setSize(i.size()).setRelativeResidual(i.relativeResidual());
        if (i.patchResidual() != null) {
            b.setHasPatchResidual(true).setPatchResidual(f32(i.patchResidual()));
        }
        return b.build();
    }

    private static InputView.Image picture(Picture p) {
        double[] pixels = f32(p.getPixels());
        if ((long) p.getChannels() * p.getSize() * p.getSize() != pixels.length) {
            throw new InvalidInputException("a picture of " + pixels.length + " values is not " + p.getChannels()
                    + "×" + p.getSize() + "×" + p.getSize());
        }
        return new InputView.Image(pixels, p.getChannels(), p.getSize(),
                p.getHasPatchResidual() ? f32(p.getPatchResidual()) : null, p.getRelativeResidual());
    }

    private static TextStrip text(TextView t) {
        TextStrip.Builder b = TextStrip.newBuilder().setSentence(t.sentence()).setKind(t.kind())
                .addAllOriginal(t.original()).addAllNearest(t.nearest()).addAllResidual(boxed(t.residual()))
                .addAllRelativeResidual(boxed(t.relativeResidual())).addAllChanged(boxed(t.changed()))
                .addAllSelected(boxed(t.selected())).setDecodedText(t.decodedText())
                .setDecodedPrediction(t.decodedPrediction()).addAllDecodedProbabilities(boxed(t.decodedProbabilities()));
        if (t.viaHead() != null) {
            b.setHasViaHead(true);
            for (String s : t.viaHead()) {
                b.addViaHead(s == null ? "" : s).addViaHeadMissing(s == null);
            }
        }
        if (t.zeroShotLabels() != null) {
            b.setHasZeroShotLabels(true).addAllZeroShotLabels(t.zeroShotLabels());
        }
        return b.build();
    }

    private static TextView text(TextStrip t) {
        List<String> viaHead = null;
        if (t.getHasViaHead()) {
            viaHead = new ArrayList<>();
            for (int i = 0; i < t.getViaHeadCount(); i++) {
                viaHead.add(t.getViaHeadMissing(i) ? null : t.getViaHead(i));
            }
        }
        return new TextView(t.getSentence(), t.getKind(), List.copyOf(t.getOriginalList()),
                List.copyOf(t.getNearestList()), doubles(t.getResidualList()), doubles(t.getRelativeResidualList()),
                booleans(t.getChangedList()), booleans(t.getSelectedList()), viaHead, t.getDecodedText(),
                t.getDecodedPrediction(), doubles(t.getDecodedProbabilitiesList()),
                t.getHasZeroShotLabels() ? List.copyOf(t.getZeroShotLabelsList()) : null);
    }

    // ---- snapshots ----

    static org.leafwalk.explore.remote.wire.Snapshot snapshot(Snapshot s, long dragId) {
        return snapshot(s, dragId, null);
    }

    /** The snapshot, with what the client lacks of the kept walk ({@code kept}; null: nothing). */
    static org.leafwalk.explore.remote.wire.Snapshot snapshot(Snapshot s, long dragId,
            org.leafwalk.explore.remote.wire.Recorded kept) {
        var b = org.leafwalk.explore.remote.wire.Snapshot.newBuilder().setVersion(s.version()).setBusy(s.busy())
                .setPreview(s.preview());
        if (s.source() != null) {
            var src = s.source();
            b.setHasSource(true).setModel(src.model()).setDevice(src.device()).setInputName(src.input())
                    .setSpace(src.space().name()).setMetric(src.metric().name()).setFacts(src.facts())
                    .setZeroShotImage(src.zeroShotImage());
        }
        if (s.input() != null) {
            b.setHasInput(true).setDimension(s.input().dimension());
            if (s.input().view() instanceof InputView.Image i) {
                b.setHasView(true).setPicture(picture(i));
            } else if (s.input().view() instanceof TextView t) {
                b.setHasView(true).setText(text(t));
            }
            if (s.input().start() != null) {
                b.setHasStart(true).setStart(picture(s.input().start()));
            }
        }
        if (s.outputs() != null) {
            var o = s.outputs();
            b.setHasOutputs(true).addAllLabels(o.labels()).addAllProbabilities(boxed(o.probabilities()))
                    .addAllStartProbabilities(boxed(o.startProbabilities())).setPrediction(o.prediction())
                    .setStartPrediction(o.startPrediction()).addAllTracked(boxed(o.tracked()));
        }
        if (s.spectrum() != null) {
            var sp = s.spectrum();
            b.setHasSpectrum(true).addAllEigenvalues(boxed(sp.eigenvalues()))
                    .addAllGramEigenvalues(boxed(sp.gramEigenvalues())).setRank(sp.rank()).setTau(sp.tau());
        }
        if (s.directions() != null) {
            var d = s.directions();
            b.setHasDirections(true).addAllDirectionEigenvalues(boxed(d.eigenvalues()))
                    .setEigenPictures(matrix(d.eigenPictures())).setNullPictures(matrix(d.nullPictures()))
                    .setEigenChanges(matrix(d.eigenChanges())).setNullChanges(matrix(d.nullChanges()));
        }
        if (s.walk() != null) {
            var w = s.walk();
            b.setHasWalk(true).setStep(w.step()).setLength(w.length()).setDistance(w.distance()).setKl(w.kl())
                    .setLastDelta(w.lastDelta()).addAllDriftDistance(boxed(w.driftDistance()))
                    .addAllDriftKl(boxed(w.driftKl())).setDragId(dragId).setDragWalked(w.dragWalked());
        }
        if (s.timing() != null) {
            var t = s.timing();
            b.setHasTiming(true).setStepMillis(t.stepMillis()).setStepsPerSecond(t.stepsPerSecond())
                    .setLongSteps(t.longSteps());
        }
        if (s.settings() != null) {
            b.setHasSettings(true).setSettings(settings(s.settings()));
        }
        if (kept != null) {
            b.setKept(kept);
        }
        return b.build();
    }

    static Snapshot snapshot(org.leafwalk.explore.remote.wire.Snapshot m) {
        Snapshot.Source source = !m.getHasSource() ? null : new Snapshot.Source(m.getModel(), m.getDevice(),
                m.getInputName(), name(Space.class, m.getSpace()), name(Metric.class, m.getMetric()), m.getFacts(),
                m.getZeroShotImage());
        Snapshot.Input input = null;
        if (m.getHasInput()) {
            InputView view = !m.getHasView() ? null
                    : m.hasPicture() ? picture(m.getPicture()) : m.hasText() ? text(m.getText()) : null;
            input = new Snapshot.Input(m.getDimension(), view, m.getHasStart() ? picture(m.getStart()) : null);
        }
        Snapshot.Outputs outputs = !m.getHasOutputs() ? null : new Snapshot.Outputs(List.copyOf(m.getLabelsList()),
                doubles(m.getProbabilitiesList()), doubles(m.getStartProbabilitiesList()), m.getPrediction(),
                m.getStartPrediction(), ints(m.getTrackedList()));
        Snapshot.Spectrum spectrum = !m.getHasSpectrum() ? null : new Snapshot.Spectrum(
                doubles(m.getEigenvaluesList()), doubles(m.getGramEigenvaluesList()), m.getRank(), m.getTau());
        Snapshot.Directions directions = !m.getHasDirections() ? null : new Snapshot.Directions(
                doubles(m.getDirectionEigenvaluesList()), matrix(m.getEigenPictures()), matrix(m.getNullPictures()),
                matrix(m.getEigenChanges()), matrix(m.getNullChanges()));
        Snapshot.Walk walk = !m.getHasWalk() ? null : new Snapshot.Walk(m.getStep(), m.getLength(), m.getDistance(),
                m.getKl(), m.getLastDelta(), doubles(m.getDriftDistanceList()), doubles(m.getDriftKlList()),
                m.getDragId(), m.getDragWalked());
        Snapshot.Timing timing = !m.getHasTiming() ? null
                : new Snapshot.Timing(m.getStepMillis(), m.getStepsPerSecond(), m.getLongSteps());
        return new Snapshot(m.getVersion(), source, input, outputs, spectrum, directions, walk, timing,
                m.getHasSettings() ? settings(m.getSettings()) : null, m.getBusy(), m.getPreview());
    }

    // ---- notices, trajectories, analyses ----

    static org.leafwalk.explore.remote.wire.Notice notice(Notice n) {
        return org.leafwalk.explore.remote.wire.Notice.newBuilder().setLevel(n.level().name())
                .setMessage(n.message()).setBug(n.bug()).build();
    }

    static Notice notice(org.leafwalk.explore.remote.wire.Notice n) {
        return new Notice(name(Notice.Level.class, n.getLevel()), n.getMessage(), n.getBug());
    }

    static Entry entry(TrajectoryEntry e) {
        return Entry.newBuilder().setStep(e.step()).setDirection(e.direction()).setDelta(e.delta())
                .setPoint(f64(e.point())).addAllProbabilities(boxed(e.probabilities()))
                .setPrediction(e.prediction()).addAllTopEigenvalues(boxed(e.topEigenvalues())).setKl(e.kl())
                .setDistance(e.distance()).setCarried(e.carried()).build();
    }

    static TrajectoryEntry entry(Entry e) {
        return new TrajectoryEntry(e.getStep(), e.getDirection(), e.getDelta(), f64(e.getPoint()),
                doubles(e.getProbabilitiesList()), e.getPrediction(), doubles(e.getTopEigenvaluesList()), e.getKl(),
                e.getDistance(), e.getCarried());
    }

    static org.leafwalk.explore.remote.wire.Analysis analysis(Analysis a) {
        var b = org.leafwalk.explore.remote.wire.Analysis.newBuilder();
        if (a instanceof Analysis.LipschitzCurves c) {
            Lipschitz.Builder l = Lipschitz.newBuilder().setStep(c.step()).setMetric(c.metric()).setLayer(c.layer())
                    .setPrecision(c.precision()).setRank(c.rank()).setDimension(c.dimension());
            for (Analysis.Curve k : c.curves()) {
                l.addCurves(Curve.newBuilder().setFamily(k.family().name()).setIndex(k.index())
                        .setRayleigh(k.rayleigh()).addAllEpsilons(boxed(k.epsilons())).addAllRatios(boxed(k.ratios())));
            }
            b.setLipschitz(l);
        } else if (a instanceof Analysis.LayerSpectra ls) {
            LayerSpectra.Builder l = LayerSpectra.newBuilder().setStep(ls.step()).setSpace(ls.space());
            for (Analysis.Layer y : ls.layers()) {
                l.addLayers(Layer.newBuilder().setLayer(y.layer()).addAllEigenvalues(boxed(y.eigenvalues()))
                        .setRank(y.rank()).setDimension(y.dimension()));
            }
            b.setLayers(l);
        } else if (a instanceof Analysis.Match m) {
            b.setMatch(org.leafwalk.explore.remote.wire.Match.newBuilder().setKeep(m.keep()).setStep(m.step())
                    .setBudget(m.budget()).addAllSource(boxed(m.source())).addAllCurrent(boxed(m.current()))
                    .addAllTarget(boxed(m.target())).setChannels(m.channels()).setSize(m.size())
                    .setDistance(m.distance()).setInitialDistance(m.initialDistance())
                    .setPixelDistance(m.pixelDistance()).addAllLabels(m.labels())
                    .addAllProbabilities(boxed(m.probabilities())).setPrediction(m.prediction())
                    .setSourcePrediction(m.sourcePrediction()).setTargetPrediction(m.targetPrediction())
                    .setDone(m.done()).setReason(m.reason() == null ? "" : m.reason()));
        }
        return b.build();
    }

    static Analysis analysis(org.leafwalk.explore.remote.wire.Analysis a) {
        switch (a.getKindCase()) {
            case LIPSCHITZ -> {
                Lipschitz l = a.getLipschitz();
                List<Analysis.Curve> curves = new ArrayList<>();
                for (Curve c : l.getCurvesList()) {
                    curves.add(new Analysis.Curve(name(Analysis.Family.class, c.getFamily()), c.getIndex(),
                            c.getRayleigh(), doubles(c.getEpsilonsList()), doubles(c.getRatiosList())));
                }
                return new Analysis.LipschitzCurves(l.getStep(), l.getMetric(), l.getLayer(), l.getPrecision(),
                        l.getRank(), l.getDimension(), List.copyOf(curves));
            }
            case LAYERS -> {
                LayerSpectra l = a.getLayers();
                List<Analysis.Layer> layers = new ArrayList<>();
                for (Layer y : l.getLayersList()) {
                    layers.add(new Analysis.Layer(y.getLayer(), doubles(y.getEigenvaluesList()), y.getRank(),
                            y.getDimension()));
                }
                return new Analysis.LayerSpectra(l.getStep(), l.getSpace(), List.copyOf(layers));
            }
            case MATCH -> {
                var m = a.getMatch();
                return new Analysis.Match(m.getKeep(), m.getStep(), m.getBudget(), doubles(m.getSourceList()),
                        doubles(m.getCurrentList()), doubles(m.getTargetList()), m.getChannels(), m.getSize(),
                        m.getDistance(), m.getInitialDistance(), m.getPixelDistance(), List.copyOf(m.getLabelsList()),
                        doubles(m.getProbabilitiesList()), m.getPrediction(), m.getSourcePrediction(),
                        m.getTargetPrediction(), m.getDone(), m.getReason().isEmpty() ? null : m.getReason());
            }
            default -> throw new InvalidInputException("an analysis of no kind");
        }
    }
}
