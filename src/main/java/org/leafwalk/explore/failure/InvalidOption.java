package org.leafwalk.explore.failure;

import org.leafwalk.io.InvalidInputException;

/**
 * A command-line option or value the user gave that cannot be used: the {@link InvalidInputException} of the
 * command line, which sees explore only. The message names the option and what is wrong, and is shown as it is.
 */
public final class InvalidOption extends InvalidInputException {
    public InvalidOption(String message) {
        super(message);
    }
}
