package engine;

import java.io.Console;
import java.nio.charset.Charset;

/**
 * What the grader's output may use here: colour only on a terminal and never under NO_COLOR
 * (https://no-color.org) or on a dumb terminal; the ✔ and ✘ marks only where the console's charset can show
 * them; block pictures only where both hold. The test JVM writes to a file, not to the console: the grader
 * tells it what the console can show ({@link #UNICODE_PROPERTY}), and it inherits the environment.
 */
public final class Terminal {

    /** The system property that carries the grader's answer for {@link #UNICODE} to the test JVM. */
    public static final String UNICODE_PROPERTY = "grader.unicode";
    private static final int DEFAULT_COLUMNS = 80;

    /** NO_COLOR, or a terminal that cannot move the cursor or paint: plain characters only. */
    private static final boolean PLAIN = System.getenv("NO_COLOR") != null || "dumb".equals(System.getenv("TERM"));

    /** Whether standard output is a terminal, not a pipe or a file. */
    public static final boolean TERMINAL = isTerminal();
    public static final boolean COLOUR = TERMINAL && !PLAIN;
    public static final boolean UNICODE = Boolean.parseBoolean(System.getProperty(UNICODE_PROPERTY,
            String.valueOf(Charset.forName(System.getProperty("stdout.encoding", Charset.defaultCharset().name()))
                    .newEncoder().canEncode("✔✘█─┬"))));
    /** Whether a picture may use block and line characters (█ ─ ┬), or should fall back to # - +. */
    public static final boolean BLOCKS = UNICODE && !PLAIN;
    /** How wide the terminal is, as the shell exports it in COLUMNS, or the usual 80. */
    public static final int COLUMNS = columns();

    public static final String PASS = UNICODE ? "✔" : "+";
    public static final String FAIL = UNICODE ? "✘" : "x";
    public static final String SKIP = UNICODE ? "–" : "-";

    private Terminal() {}

    public static String green(String text) { return paint("32", text); }

    public static String red(String text) { return paint("31", text); }

    public static String yellow(String text) { return paint("33", text); }

    public static String bold(String text) { return paint("1", text); }

    public static String dim(String text) { return paint("2", text); }

    private static String paint(String code, String text) {
        return COLOUR ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }

    /** Java 22 added Console.isTerminal(); before it, System.console() was null off a terminal. */
    public static boolean isTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static int columns() {
        try {
            return Integer.parseInt(System.getenv().getOrDefault("COLUMNS", String.valueOf(DEFAULT_COLUMNS)).strip());
        } catch (NumberFormatException e) {
            return DEFAULT_COLUMNS;
        }
    }
}
