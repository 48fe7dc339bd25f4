package org.leafwalk.explore.remote;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.leafwalk.explore.remote.wire.JobProgress;
import org.leafwalk.explore.remote.wire.Reply;
import org.leafwalk.explore.service.Notice;
import org.leafwalk.explore.service.CommandJob;
import org.leafwalk.io.InvalidInputException;

/**
 * {@code inspect} and {@code walk} with {@code --connect}: the command's run ({@link CommandJob}) on the server, its
 * input read here and sent, its progress shown here, its document and files given back to be printed and written
 * here. A stop asked for here (a signal) stops the server's walk at its next step, and what it walked comes back.
 */
public final class RemoteJobs {
    /** How long the server has to greet a client. */
    private static final long HELLO_MILLIS = 30_000;

    private RemoteJobs() {}

    /**
     * Runs {@code r} on the server {@code c} names, with {@code model} a name of its catalogue; the server's notices
     * go to {@code notices}.
     *
     * @throws InvalidInputException with the server's reason when it refused the job or failed
     */
    public static CommandJob.Result run(Connection c, String model, CommandJob.Request r, CommandJob.Listener l,
            Consumer<Notice> notices) throws InterruptedException {
        var job = JobWire.job(r, model); // the input is read before anything is sent
        // a refused job's reason comes as its reply: the notice saying it too is not repeated
        try (RemoteExploration x = c.open(s -> { }, n -> {
            if (n.level() != Notice.Level.ERROR) {
                notices.accept(n);
            }
        })) {
            var hello = x.hello(HELLO_MILLIS);
            if (hello.getProtocol() < ComputeServer.PROTOCOL) { // it would never answer the job
                throw new InvalidInputException("the server at " + c.address() + " (" + hello.getServer() + ") runs "
                        + "no walk or inspect for a client: it is an older Leafwalk; update it, or run without "
                        + "--connect");
            }
            CompletableFuture<Reply> f = x.job(job, new Shown(l));
            boolean stopped = false;
            while (true) {
                try {
                    Reply reply = f.get(100, TimeUnit.MILLISECONDS);
                    if (!reply.getError().isEmpty()) {
                        throw new InvalidInputException(reply.getError());
                    }
                    CommandJob.Result result = JobWire.result(reply);
                    if (!r.files().containsAll(result.files().keySet())) {
                        throw new InvalidInputException("the server at " + c.address() + " sent files this walk did "
                                + "not ask for: " + result.files().keySet());
                    }
                    return result;
                } catch (TimeoutException e) {
                    String why = l.stopRequested();
                    if (why != null && !stopped) {
                        x.stopJob(why);
                        stopped = true;
                    }
                } catch (ExecutionException e) {
                    throw new InvalidInputException("the server at " + c.address() + ": "
                            + e.getCause().getMessage());
                }
            }
        }
    }

    /** The server's progress on this client's listener: a new stage begins it, an ended one ends it. */
    private static final class Shown implements Consumer<JobProgress> {
        private final CommandJob.Listener l;
        private String stage; // gRPC's thread only
        private boolean open;

        Shown(CommandJob.Listener l) {
            this.l = l;
        }

        @Override
        public void accept(JobProgress p) {
            String id = p.getWhat() + "/" + p.getTotal();
            if (!id.equals(stage)) {
                if (open) {
                    l.end();
                }
                stage = id;
                l.begin(p.getWhat(), p.getTotal(), p.getUnit());
                open = true;
            }
            if (open && p.getDone() > 0) {
                l.progress(p.getDone(), p.getMessage().isEmpty() ? null : p.getMessage());
            }
            if (open && p.getEnded()) {
                l.end();
                open = false;
            }
        }
    }
}
