package org.leafwalk.explore.remote;

import java.nio.file.Path;
import org.leafwalk.explore.remote.wire.Job;
import org.leafwalk.explore.remote.wire.JobProgress;
import org.leafwalk.explore.remote.wire.Reply;
import org.leafwalk.explore.remote.wire.ServerMessage;
import org.leafwalk.explore.service.CommandJob;
import org.leafwalk.explore.subject.Explorer;
import org.leafwalk.io.InvalidInputException;

/**
 * A session's command run ({@code inspect} or {@code walk} with {@code --connect}): one at a time, on a thread of
 * its own with its own opening of the model, reporting its progress (latest wins) and answered by a reply with its
 * document and files. A stop request, or the end of the session, stops a walk at its next step; what it walked is
 * kept and answered.
 */
final class ServedJob {
    private final ComputeServer server;
    private final Outbox out;
    private final String peer;
    private Thread running; // guarded by this
    private volatile String stop;

    ServedJob(ComputeServer server, Outbox out, String peer) {
        this.server = server;
        this.out = out;
        this.peer = peer;
    }

    /** Starts the job {@code seq} asks for, or refuses it (another one runs, or the request is not one to run). */
    synchronized void start(long seq, Job job) {
        if (closed) {
            throw new InvalidInputException("this session has ended");
        }
        if (running != null && running.isAlive()) {
            throw new InvalidInputException("this session runs a job already: one at a time");
        }
        Path dir = server.catalogue().folder(job.getModel());
        CommandJob.Request r = JobWire.request(job, server.catalogue().nameOf(dir), server.limits());
        if (!server.jobs().tryAcquire()) {
            throw new InvalidInputException("the server runs as many jobs as it has sessions ("
                    + server.limits().maxSessions() + "): try again when one has ended");
        }
        stop = null;
        long t0 = System.nanoTime();
        running = new Thread(() -> {
            try {
                run(seq, dir, r, t0);
            } finally {
                server.jobs().release();
            }
        }, "leafwalk-serve-job");
        running.setDaemon(true);
        running.start();
    }

    private void run(long seq, Path dir, CommandJob.Request r, long t0) {
        Reply.Builder reply;
        try (Explorer model = Explorer.open(dir, server.device())) {
            CommandJob.Result done = CommandJob.run(model, dir, r, new Reporter(), t0);
            server.log(peer + ": " + r.command().name().toLowerCase(java.util.Locale.ROOT) + " on " + r.modelName()
                    + (r.command() == CommandJob.Command.WALK ? ", " + done.stepsDone() + " of " + r.steps()
                    + " steps" : "") + (done.incomplete() != null ? " (" + done.incomplete() + ")" : ""));
            reply = JobWire.reply(seq, done);
        } catch (RuntimeException e) {
            if (!(e instanceof InvalidInputException)) {
                server.log(peer + ": a job failed: " + e);
            }
            reply = Reply.newBuilder().setSeq(seq).setError(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        out.offer(ServerMessage.newBuilder().setReply(reply).build());
    }

    /** Whether a job runs (a session that runs one is not idle, however long it is silent). */
    synchronized boolean running() {
        return running != null && running.isAlive();
    }

    /** Asks the running walk to stop at its next step, for {@code why}. */
    void stop(String why) {
        stop = why.isBlank() ? "the client's request" : Catalogue.abbreviated(why);
    }

    private boolean closed; // guarded by this

    /** A job's files travel in one answer, which must all arrive: at most this much of them (the outbox holds 512). */
    static final long MAX_FILE_BYTES = 384L << 20;

    /** The session ended: a walk running stops at its next step, and no job starts. */
    synchronized void close() {
        closed = true;
        stop("the client went away");
    }

    /** The job's progress, as the client's progress bar shows it: the latest state replaces one still waiting. */
    private final class Reporter implements CommandJob.Listener {
        private final JobProgress.Builder now = JobProgress.newBuilder();

        @Override
        public void begin(String what, int total, String unit) {
            now.clear().setWhat(what).setTotal(total).setUnit(unit);
            send();
        }

        @Override
        public void progress(int done, String message) {
            now.setDone(done).setMessage(message == null ? "" : message);
            send();
        }

        @Override
        public void end() {
            now.setEnded(true);
            send();
        }

        @Override
        public String stopRequested() {
            return stop;
        }

        @Override
        public long maxFileBytes() {
            return MAX_FILE_BYTES;
        }

        private void send() {
            JobProgress p = now.build();
            out.offer(new Outbox.Item(ServerMessage.KindCase.JOB_PROGRESS,
                    () -> ServerMessage.newBuilder().setJobProgress(p).build()));
        }
    }
}
