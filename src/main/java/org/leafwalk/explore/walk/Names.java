package org.leafwalk.explore.walk;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.leafwalk.io.InvalidInputException;

/** The names explore's choices go by on the command line, in files and in the window: lower case, with dashes. */
final class Names {
    private Names() {}

    /** A choice with a name: its id is its constant's name in lower case, with dashes. */
    interface Named {
        String name();

        /** The name the command line, the files and the window use. */
        default String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The choice named {@code s} (any case), or a refusal that lists the names there are. */
    static <E extends Enum<E> & Named> E parse(E[] values, String s, String what) {
        for (E v : values) {
            if (v.id().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new InvalidInputException("unknown " + what + " '" + s + "' ("
                + Arrays.stream(values).map(Named::id).collect(Collectors.joining(", ")) + ")");
    }
}
