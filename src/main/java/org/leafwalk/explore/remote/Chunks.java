package org.leafwalk.explore.remote;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.leafwalk.explore.remote.wire.Chunk;
import org.leafwalk.io.InvalidInputException;

/**
 * Messages larger than a chunk travel as pieces of their serialized bytes ({@link Chunk}s, the last one marked), so
 * no gRPC message is ever larger than {@link #SIZE} plus its frame: gRPC's default limit of 4 MiB is never reached by
 * surprise, and a ViT-Base snapshot (about 5 MB) goes in a few pieces that flow control paces.
 */
final class Chunks {
    /** The largest piece: 1 MiB. */
    static final int SIZE = 1 << 20;
    /** The inbound limit each side declares: a chunk and its frame, with room to spare. */
    static final int MAX_MESSAGE = SIZE + (64 << 10);

    private Chunks() {}

    /** The pieces of {@code bytes}, each at most {@link #SIZE}. */
    static List<Chunk> split(ByteString bytes) {
        List<Chunk> out = new ArrayList<>();
        for (int at = 0; at < bytes.size(); at += SIZE) {
            int end = Math.min(bytes.size(), at + SIZE);
            out.add(Chunk.newBuilder().setData(bytes.substring(at, end)).setLast(end == bytes.size()).build());
        }
        return out;
    }

    /** Joins the pieces of one message as they come; refuses one larger than its limit. */
    static final class Joiner {
        private final long limit;
        private ByteString.Output buffer;
        private boolean discarding; // the rest of a message refused for its size

        Joiner(long limit) {
            this.limit = limit;
        }

        /** Adds a piece: the whole message's bytes when it was the last, else null. */
        ByteString add(Chunk c) {
            if (discarding) {
                discarding = !c.getLast();
                return null;
            }
            if (buffer == null) {
                buffer = ByteString.newOutput();
            }
            if ((long) buffer.size() + c.getData().size() > limit) {
                buffer = null;
                discarding = !c.getLast();
                throw new InvalidInputException("a message larger than " + limit / (1 << 20) + " MiB");
            }
            try {
                c.getData().writeTo(buffer);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e); // a ByteString.Output in memory never fails
            }
            if (!c.getLast()) {
                return null;
            }
            ByteString whole = buffer.toByteString();
            buffer = null;
            return whole;
        }
    }
}
