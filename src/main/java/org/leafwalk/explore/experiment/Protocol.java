package org.leafwalk.explore.experiment;

import java.util.List;
import java.util.Map;
import org.leafwalk.explore.export.Chart;
import org.leafwalk.explore.subject.Explorer;

/**
 * A batch protocol: the runs it is made of (each independent, seeded by its own id, written to its own file as
 * soon as it finishes), how one run goes on a worker's model, and how the finished runs make its table.
 */
interface Protocol {
    String id();

    /** The precision the workers' models compute in ("float32" or "float64"). */
    String precision();

    /** What decides the experiment's results (besides the model): recorded in the folder, compared on a rerun. */
    Map<String, Object> settings();

    /** The inputs the runs walk from (their names, labels and pixels are part of the experiment's identity). */
    List<Inputs.Item> inputs();

    /** The runs, in a fixed order. */
    List<Run> runs();

    /** Performs one run on this worker's model; {@code work} takes its progress and says when to stop. */
    Map<String, Object> perform(Run run, Explorer model, Work work);

    /** The tables, the published values and the plots from the runs that finished (in the order of {@link #runs}). */
    Summary summarise(List<Map<String, Object>> finished);

    /**
     * One unit of work.
     *
     * @param id a file-name-safe name, unique in the experiment; the run's seed is derived from it
     * @param weight its share of the work, for the progress bar (iterations, steps)
     */
    record Run(String id, long weight, Map<String, Object> params) {}

    /** The progress and the stop request a run sees. */
    interface Work {
        /** {@code n} more units of this run's weight are done; throws {@link Stopped} when a stop was asked for. */
        void done(long n);
    }

    /** A run abandoned because the experiment was asked to stop (Ctrl-C): it is not written and runs again. */
    final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    /**
     * @param cells the table's rows (JSON objects)
     * @param paper the published values ({@code null} when there are none)
     * @param table the table as text, for the terminal
     * @param findings sentences on how the rows compare (with the paper, with each other)
     * @param csvHeader the columns of results.csv; {@code csvRows} one row per cell
     * @param plots the figures of the report
     * @param tables further tables for the report
     */
    record Summary(List<Map<String, Object>> cells, Map<String, Object> paper, Map<String, Object> extra, String table,
            List<String> findings, List<String> csvHeader, List<List<Object>> csvRows, List<Chart> plots,
            List<Table> tables) {}

    /** A further table of the report (after the cells). */
    record Table(String title, List<String> header, List<List<Object>> rows) {}
}
