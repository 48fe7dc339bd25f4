package org.leafwalk.explore.remote;

import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.leafwalk.explore.remote.wire.ClientMessage;
import org.leafwalk.explore.remote.wire.Empty;
import org.leafwalk.explore.remote.wire.Reply;

/**
 * A client's way to the server: its requests numbered in the order they are made and sent, in that order, from one
 * thread; those that await an answer kept until it comes; the round trip measured from a request to the status that
 * says the server took it. Ended when the client closes or the server is gone: every answer still awaited fails.
 */
final class Requests {
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "leafwalk-remote-send");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong seq = new AtomicLong();
    private final Map<Long, CompletableFuture<Reply>> replies = new ConcurrentHashMap<>();
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final String address;
    private volatile long sent;
    private volatile String ended;
    private volatile StreamObserver<ClientMessage> stream; // written under wire
    private final Object wire = new Object();
    /** Tasks given to the sender thread and not yet done: while there are none, a request goes at once. */
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();

    Requests(String address) {
        this.address = address;
    }

    /** Opens the stream on the sender thread and waits until it is open. */
    void start(Supplier<StreamObserver<ClientMessage>> open) {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        run(() -> {
            stream = open.get();
            started.countDown();
        });
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The number of the last request made. */
    long sent() {
        return sent;
    }

    long send(ClientMessage.Builder m) {
        synchronized (seq) { // numbered in the order they are queued, so the server takes them in that order
            long n = seq.incrementAndGet();
            m.setSeq(n);
            sent = n;
            if (queued.get() == 0 && stream != null) {
                write(m.build()); // nothing is on its way before it: no hand-off to the sender thread
            } else {
                run(() -> write(m.build()));
            }
            return n;
        }
    }

    /**
     * Reads a file here (on the sender thread) and sends the message it makes, in order with every other request;
     * when it cannot be made, {@code failed} is told and a request that changes nothing keeps the count.
     */
    void sendWith(Supplier<ClientMessage.Builder> make, Consumer<RuntimeException> failed) {
        synchronized (seq) {
            long n = seq.incrementAndGet();
            sent = n;
            run(() -> {
                ClientMessage.Builder m;
                try {
                    m = make.get();
                } catch (RuntimeException e) {
                    failed.accept(e);
                    m = ClientMessage.newBuilder().setSync(Empty.getDefaultInstance());
                }
                write(m.setSeq(n).build());
            });
        }
    }

    /** Sends a request whose answer comes as a Reply. */
    CompletableFuture<Reply> ask(ClientMessage.Builder m) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        synchronized (seq) {
            long n = seq.incrementAndGet();
            m.setSeq(n);
            sent = n;
            if (ended != null) {
                f.completeExceptionally(new IllegalStateException(ended));
                return f;
            }
            replies.put(n, f);
            if (queued.get() == 0 && stream != null) {
                write(m.build());
            } else {
                run(() -> write(m.build()));
            }
        }
        return f;
    }

    private void write(ClientMessage m) {
        if (ended != null) {
            return;
        }
        sentAt.put(m.getSeq(), System.nanoTime());
        synchronized (wire) {
            if (m.getSerializedSize() <= Chunks.SIZE) {
                stream.onNext(m);
            } else {
                for (var c : Chunks.split(m.toByteString())) {
                    stream.onNext(ClientMessage.newBuilder().setChunk(c).build());
                }
            }
        }
    }

    /** Runs on the sender thread, in order; once ended, nothing more runs. */
    void run(Runnable r) {
        queued.incrementAndGet();
        try {
            sender.execute(() -> {
                try {
                    r.run();
                } finally {
                    queued.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            queued.decrementAndGet();
            // closed: the request goes nowhere, as the window is going away
        }
    }

    /** An answer came. */
    void answered(Reply r) {
        var f = replies.remove(r.getSeq());
        if (f != null) {
            f.complete(r);
        }
    }

    /** The server took every request up to {@code taken}: the round trip of that one in ms, or NaN. */
    double took(long taken) {
        Long at = sentAt.remove(taken);
        sentAt.keySet().removeIf(k -> k < taken);
        return at == null ? Double.NaN : (System.nanoTime() - at) / 1e6;
    }

    /** The answer to {@code f}, waiting at most {@code millis}; an error the server answered is thrown. */
    Reply await(CompletableFuture<Reply> f, long millis) throws InterruptedException {
        try {
            Reply r = f.get(millis, TimeUnit.MILLISECONDS);
            if (!r.getError().isEmpty()) {
                throw new IllegalStateException(r.getError());
            }
            return r;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the server at " + address + ": " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the server at " + address + " did not answer in " + millis + " ms", e);
        } finally {
            replies.values().remove(f);
        }
    }

    /** No more requests: every answer awaited fails with {@code why}. */
    void end(String why) {
        if (ended == null) {
            ended = why;
        }
        replies.values().forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
        replies.clear();
    }

    /** Ends the stream (the server frees the session) and the sender thread. */
    void close() {
        boolean open = ended == null;
        end("this client is closed");
        sender.execute(() -> {
            if (open) {
                try {
                    synchronized (wire) {
                        stream.onCompleted();
                    }
                } catch (IllegalStateException e) {
                    // already over
                }
            }
        });
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
