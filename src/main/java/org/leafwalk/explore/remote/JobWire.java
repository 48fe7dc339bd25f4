package org.leafwalk.explore.remote;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.leafwalk.explore.remote.wire.File;
import org.leafwalk.explore.remote.wire.Job;
import org.leafwalk.explore.remote.wire.Reply;
import org.leafwalk.explore.service.CommandJob;
import org.leafwalk.io.InvalidInputException;

/**
 * A command's run ({@link CommandJob}) on the wire: the request as a {@link Job} with its input read on the client
 * (an image's bytes, a sentence, a shipped sample by number), and its result as a {@link Reply}.
 */
final class JobWire {
    private JobWire() {}

    /** The request as the client sends it: the input named by a reference here is read here. */
    static Job job(CommandJob.Request r, String model) {
        var b = Job.newBuilder().setCommand(r.command().name()).setModel(model)
                .setSettings(Wire.settings(r.settings())).setSpaceGiven(r.spaceGiven())
                .addAllTokens(r.text().tokens()).addAllLabels(r.text().labels())
                .setDirection(r.direction()).setSteps(r.steps()).addAllFiles(r.files()).setGif(Wire.gif(r.gif()));
        if (r.text().pooling() != null) {
            b.setPooling(r.text().pooling()).setHasPooling(true);
        }
        var in = r.input();
        if (in.sentence() != null) {
            b.setSentence(in.sentence());
        } else if (in.image() != null) {
            b.setImage(org.leafwalk.explore.remote.wire.ImageData.newBuilder().setName(in.imageName())
                    .setData(ByteString.copyFrom(in.image())));
        } else {
            var sent = ClientFiles.Input.of(in.ref());
            if (sent.sample() != null) {
                b.setSample(sent.sample());
            } else if (sent.sentence() != null) {
                b.setSentence(sent.sentence());
            } else {
                b.setImage(sent.image());
            }
        }
        return b.build();
    }

    /** The request as the server takes it, within its limits; the model is the catalogue's {@code name}. */
    static CommandJob.Request request(Job j, String name, Limits lim) {
        CommandJob.Input input = switch (j.getInputCase()) {
            case IMAGE -> CommandJob.Input.image(lim.imageName(j.getImage().getName()), lim.image(j.getImage()
                    .getData()));
            case SENTENCE -> CommandJob.Input.sentence(lim.sentence(j.getSentence()));
            case SAMPLE -> {
                if (!j.getSample().matches("sample:\\d{1,6}")) {
                    throw new InvalidInputException("'" + Catalogue.abbreviated(j.getSample()) + "': a sample is "
                            + "sample:N (files are sent, not named)");
                }
                yield CommandJob.Input.ref(j.getSample());
            }
            case INPUT_NOT_SET -> throw new InvalidInputException("a job without its input");
        };
        if (j.getSteps() > CommandJob.MAX_REMOTE_STEPS) {
            throw new InvalidInputException(j.getSteps() + " steps: this server walks at most "
                    + CommandJob.MAX_REMOTE_STEPS + " steps per request");
        }
        var text = new CommandJob.Text(j.getTokensList(), j.getLabelsCount() == 0 ? java.util.List.of()
                : lim.labels(j.getLabelsList()), j.getHasPooling() ? j.getPooling() : null);
        return new CommandJob.Request(Wire.name(CommandJob.Command.class, j.getCommand()), name, name, input, text,
                Wire.settings(j.getSettings()), j.getSpaceGiven(), j.getDirection(), j.getSteps(),
                new HashSet<>(j.getFilesList()), Wire.gif(j.getGif())).check();
    }

    static Reply.Builder reply(long seq, CommandJob.Result r) {
        var b = Reply.newBuilder().setSeq(seq).setDocument(r.document()).setText(r.text())
                .setStepsDone(r.stepsDone()).setStepsAsked(r.stepsAsked());
        if (r.failed() != null) {
            b.setFailed(r.failed());
        }
        if (r.interrupted() != null) {
            b.setInterrupted(r.interrupted());
        }
        r.files().forEach((name, bytes) -> b.addFiles(File.newBuilder().setName(name)
                .setData(ByteString.copyFrom(bytes))));
        return b;
    }

    static CommandJob.Result result(Reply r) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (File f : r.getFilesList()) {
            if (!CommandJob.FILES.contains(f.getName())) {
                throw new InvalidInputException("the server sent a file no walk makes: '"
                        + Catalogue.abbreviated(f.getName()) + "'");
            }
            files.put(f.getName(), f.getData().toByteArray());
        }
        return new CommandJob.Result(r.getDocument(), r.getText(), files, r.getStepsDone(), r.getStepsAsked(),
                r.getFailed().isEmpty() ? null : r.getFailed(), r.getInterrupted().isEmpty() ? null
                        : r.getInterrupted());
    }
}
