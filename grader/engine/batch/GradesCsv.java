package engine.batch;

import engine.Exercise;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** grades.csv: one row per student, a column per exercise, then total and max; RFC 4180 (CRLF, quoted fields). */
final class GradesCsv {

    private static final String LINE_END = "\r\n";

    private GradesCsv() {}

    static void write(BatchResult result, Path file) throws IOException {
        StringBuilder csv = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("student"));
        result.exercises().stream().map(Exercise::id).forEach(header::add);
        header.addAll(List.of("total", "max"));
        csv.append(row(header));
        for (StudentGrades student : result.students()) {
            List<String> cells = new ArrayList<>(List.of(text(student.student().name())));
            student.exercises().forEach(graded -> cells.add(Points.format(graded.score().points())));
            cells.addAll(List.of(Points.format(student.total()), Points.format(student.max())));
            csv.append(row(cells));
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    private static String row(List<String> cells) {
        return cells.stream().map(GradesCsv::field).collect(Collectors.joining(",")) + LINE_END;
    }

    /**
     * A name as text a spreadsheet will not run: a cell starting with =, +, -, @ or a tab or carriage return is
     * read as a formula (OWASP's "CSV injection"), so it gets a leading apostrophe.
     */
    static String text(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    /** A field with a comma, a quote or a line break goes in quotes, its quotes doubled. */
    static String field(String value) {
        boolean quote = value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
