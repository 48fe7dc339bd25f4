package org.leafwalk.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** Fields that hold a separator, a quote, a carriage return or a line feed come back as they were written. */
class CsvTest {
    @Test
    void plainFieldsAreWrittenAsTheyAre() {
        String text = new Csv(List.of("step", "label", "p")).row(List.of("0", "7", "0.25")).toString();
        assertEquals("step,label,p\n0,7,0.25\n", text);
    }

    @Test
    void aCarriageReturnACommaAndAQuoteAreQuoted() throws IOException {
        List<String> odd = List.of("tench, Tinca tinca", "a \"quoted\" word", "line\rreturn", "two\nlines", "");
        String text = new Csv(List.of("a", "b", "c", "d", "e")).row(odd).toString();
        assertEquals("a,b,c,d,e\n\"tench, Tinca tinca\",\"a \"\"quoted\"\" word\",\"line\rreturn\",\"two\nlines\",\n",
                text);
        List<List<String>> back = new ArrayList<>();
        for (CSVRecord r : CSVFormat.DEFAULT.parse(new StringReader(text))) {
            back.add(r.toList());
        }
        assertEquals(List.of(List.of("a", "b", "c", "d", "e"), odd), back, "read back by an RFC 4180 reader");
    }
}
