package engine.batch;

import engine.Score;
import engine.TestResult;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * junit/&lt;student&gt;.xml in the Ant/Surefire schema CI systems read: a testsuite per exercise, a testcase per
 * test, and one more failing testcase when the submission was missing, did not compile or crashed.
 */
final class JUnitXml {

    /** How much of what a submission printed goes into system-out: the end, where a crash shows. */
    private static final int OUTPUT_TAIL_BYTES = 16 * 1024;
    private static final String SUBMISSION_CASE = "the submission compiles and its tests run to the end";

    private JUnitXml() {}

    static void write(StudentGrades grades, Path file) throws IOException {
        String student = grades.student().name();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("name", clean(student));
            newline(xml);
            for (StudentGrades.Graded graded : grades.exercises()) {
                suite(xml, student, graded);
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("Could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void suite(XMLStreamWriter xml, String student, StudentGrades.Graded graded) throws XMLStreamException {
        Outcome outcome = graded.outcome();
        List<Score.TestScore> tests = graded.score().tests();
        String trouble = outcome.trouble();
        long failures = tests.stream().filter(t -> t.test().failed()).count() + (trouble == null ? 0 : 1);
        long skipped = tests.stream().filter(t -> t.test().status() == TestResult.Status.SKIPPED).count();
        String classname = clean(student + "." + outcome.exercise().id());

        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", classname);
        xml.writeAttribute("tests", String.valueOf(tests.size() + (trouble == null ? 0 : 1)));
        xml.writeAttribute("failures", String.valueOf(failures));
        xml.writeAttribute("errors", "0");
        xml.writeAttribute("skipped", String.valueOf(skipped));
        xml.writeAttribute("time", String.valueOf(outcome.time().toMillis() / 1e3));
        newline(xml);
        for (Score.TestScore scored : tests) {
            TestResult test = scored.test();
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", classname);
            xml.writeAttribute("name", clean(test.displayName()));
            switch (test.status()) {
                case FAILED -> problem(xml, "failure", test.message(), String.join("\n", test.details()));
                case SKIPPED -> problem(xml, "skipped", test.message(), "");
                case PASSED -> { }
            }
            xml.writeEndElement();
            newline(xml);
        }
        if (trouble != null) {
            xml.writeStartElement("testcase");
            xml.writeAttribute("classname", classname);
            xml.writeAttribute("name", SUBMISSION_CASE);
            boolean compileErrors = outcome.verdict() != null && !outcome.verdict().compileErrors().isEmpty();
            problem(xml, "failure", outcome.headline(),
                    compileErrors ? String.join("\n", outcome.verdict().compileErrors()) : trouble);
            xml.writeEndElement();
            newline(xml);
        }
        String output = outputTail(outcome);
        if (!output.isEmpty()) {
            xml.writeStartElement("system-out");
            xml.writeCharacters(clean(output));
            xml.writeEndElement();
            newline(xml);
        }
        xml.writeEndElement();
        newline(xml);
    }

    /** A line break between elements, for a person who opens the file. */
    private static void newline(XMLStreamWriter xml) throws XMLStreamException {
        xml.writeCharacters("\n");
    }

    private static void problem(XMLStreamWriter xml, String element, String message, String body)
            throws XMLStreamException {
        xml.writeStartElement(element);
        xml.writeAttribute("message", clean(message == null ? "" : message));
        if (!body.isEmpty()) xml.writeCharacters(clean(body));
        xml.writeEndElement();
    }

    /** The end of what the submission printed; a submission may have printed gigabytes. */
    private static String outputTail(Outcome outcome) {
        if (outcome.verdict() == null || outcome.verdict().output() == null) return "";
        try {
            return outcome.verdict().output().tail(OUTPUT_TAIL_BYTES);
        } catch (IOException e) {
            return "";
        }
    }

    /** XML 1.0 allows no control characters but tab, line feed and carriage return; a submission may print any. */
    private static String clean(String text) {
        return text.codePoints().map(c -> allowedInXml(c) ? c : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static boolean allowedInXml(int c) {
        boolean control = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
        boolean surrogate = c >= 0xD800 && c <= 0xDFFF;
        return !control && !surrogate && c != 0xFFFE && c != 0xFFFF;
    }
}
