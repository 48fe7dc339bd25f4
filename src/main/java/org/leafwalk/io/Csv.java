package org.leafwalk.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * CSV text as RFC 4180 writes it, through Apache Commons CSV: a field is quoted when it holds a comma, a quote, a
 * carriage return or a line feed (or starts or ends with a blank), quotes doubled; records end with a line feed.
 * Every CSV file Leafwalk writes is made here; the caller formats the numbers.
 */
public final class Csv {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final StringBuilder text = new StringBuilder();
    private final CSVPrinter printer;

    /** A CSV text starting with this header row. */
    public Csv(List<?> header) {
        try {
            printer = new CSVPrinter(text, FORMAT);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not fail
        }
        row(header);
    }

    /** Appends one record (null: an empty field). */
    public Csv row(List<?> fields) {
        try {
            printer.printRecord(fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The text so far. */
    @Override
    public String toString() {
        return text.toString();
    }
}
