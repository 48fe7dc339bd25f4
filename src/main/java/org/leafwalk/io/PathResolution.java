package org.leafwalk.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths resolved as the operating system resolves them, for {@link AtomicFiles} to write to: a symlink at any
 * component followed before a {@code ..} after it, a symlink at the end followed to the file it names, at most
 * {@value #MAX_LINKS} links, and a link in a shared sticky folder followed only where the system would follow it.
 */
final class PathResolution {
    private static final int MAX_LINKS = 40;

    private PathResolution() {}

    /**
     * The absolute path the operating system names by {@code requested}: components from the left, each symlink
     * followed where it stands (so {@code link/../x} is beside the link's target, not beside the link), {@code .}
     * and {@code ..} taken against what is resolved so far. The last component is left as it is (a link there is
     * resolved by {@link AtomicFiles#target}); components that do not exist yet are kept as named, and a {@code ..} after one
     * is refused, as the system would.
     */
    static Path resolve(Path requested) {
        Path abs = requested.toAbsolutePath();
        List<String> todo = new ArrayList<>();
        for (Path name : abs) {
            todo.add(name.toString());
        }
        Path root = abs.getRoot();
        Path at = root;
        int hops = 0;
        boolean missing = false;
        for (int i = 0; i < todo.size(); i++) {
            String name = todo.get(i);
            boolean last = i == todo.size() - 1;
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (missing) {
                    throw new InvalidInputException(requested + ": " + at + " does not exist, so " + at
                            + "/.. names nothing");
                }
                if (!Files.isDirectory(at)) {
                    throw new InvalidInputException(requested + ": " + at + " is not a folder, so " + at
                            + "/.. names nothing");
                }
                at = at.getParent() == null ? at : at.getParent();
                continue;
            }
            Path next = at.resolve(name);
            if (!last && !missing && Files.isSymbolicLink(next)) {
                if (++hops > MAX_LINKS) {
                    throw new InvalidInputException(requested + ": too many levels of symbolic links");
                }
                requireFollowable(next, requested);
                Path link;
                try {
                    link = Files.readSymbolicLink(next);
                } catch (IOException e) {
                    throw new InvalidInputException(requested + ": cannot follow the symbolic link " + next + " ("
                            + AtomicFiles.describe(e) + ")", e);
                }
                List<String> rest = new ArrayList<>();
                for (Path n : link) {
                    rest.add(n.toString());
                }
                todo.addAll(i + 1, rest);
                if (link.isAbsolute()) {
                    at = link.getRoot();
                }
                continue;
            }
            if (!missing && !Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                missing = true;
            }
            at = next;
        }
        return at;
    }

    /** {@code p} with a symlink at its end followed to what it names (a dangling one to what it would name). */
    static Path followLinks(Path p, Path requested) {
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) {
                throw new InvalidInputException(requested + ": too many levels of symbolic links");
            }
            requireFollowable(p, requested);
            try {
                Path link = Files.readSymbolicLink(p);
                p = resolve(p.getParent() == null ? link : p.getParent().resolve(link));
            } catch (IOException e) {
                throw new InvalidInputException(requested + ": cannot follow the symbolic link ("
                        + AtomicFiles.describe(e) + ")", e);
            }
        }
        return p;
    }

    /**
     * The system's rule for links in shared folders (Linux's protected_symlinks), applied where Leafwalk follows a
     * link itself: a link in a sticky, world-writable folder (/tmp) is followed only when it belongs to the user
     * running Leafwalk or to the folder's owner, so a link another user planted there cannot send a write anywhere.
     */
    private static void requireFollowable(Path link, Path requested) {
        Path dir = link.getParent();
        if (dir == null) {
            return;
        }
        try {
            int mode = (Integer) Files.getAttribute(dir, "unix:mode");
            if ((mode & 01000) == 0 || (mode & 0002) == 0) {
                return;
            }
            int owner = (Integer) Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int dirOwner = (Integer) Files.getAttribute(dir, "unix:uid");
            Integer me = currentUid();
            if (me != null && owner != me && owner != dirOwner) {
                throw new InvalidInputException(requested + ": " + link + " is a symbolic link another user made in "
                        + "the shared folder " + dir + " (sticky and writable by all): Leafwalk does not follow it, as "
                        + "the system does not");
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // not a POSIX file system: no such rule there
        }
    }

    /** The user this process runs as (the owner of /proc/self), or null where that cannot be read. */
    static Integer currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return null;
        }
    }
}
