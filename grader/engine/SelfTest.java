package engine;

import check.Kernels;
import check.SpeedUp;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import engine.classroom.Workflow;
import engine.mutation.GeneratedMutantsSelfTest;
import engine.mutation.MutantGrading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static engine.Terminal.*;

/**
 * {@code ./jbang grade selftest}: proves the grader has teeth and the course runs. Every solution passes,
 * every untouched stub fails, every mutant is rejected by the test it names, the speed-up check tells parallel
 * from sequential work, every lesson runs to its end, and every catalog alias resolves.
 */
public final class SelfTest {

    private static final long LESSON_LIMIT_SECONDS = 180;

    private static final int ROUNDS_PER_JVM = 10;

    /**
     * Lessons mostly sleep, wait on servers and start JVMs: on 2 cores all nine took 69 s two at a time, 42 s four
     * at a time. Their live figures then say the cores were busy, which the self-test does not judge: it checks
     * that each runs to its end.
     */
    private static final int LESSONS_AT_ONCE = 4;

    private final Course course;
    private final PrintStream out;
    private final int rounds;
    private int passed;
    private int failed;
    private int skipped;

    /** @param rounds how many times each mutant's tests run: 1, or more for a stress run */
    public SelfTest(Course course, PrintStream out, int rounds) {
        this.course = course;
        this.out = out;
        this.rounds = rounds;
    }

    /** The whole self-test: what CI runs. */
    public boolean run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        checkExercises(course.exercises(), false);
        checkGeneratedMutantsSample();
        heading("The speed-up check");
        checkSpeedUp();
        heading("Lessons, " + LESSONS_AT_ONCE + " at a time, and beside them the untouched stubs");
        checkLessonsAndStubs(lessons(), course.exercises());
        heading("Catalog");
        checkCatalog();
        return summary(start);
    }

    /** Only these exercises' solutions, stubs and mutants: for a course author at work on them. */
    public boolean run(List<Exercise> exercises) throws IOException, InterruptedException {
        long start = System.nanoTime();
        checkExercises(exercises, true);
        return summary(start);
    }

    /** One mutant of one exercise: to stress-run several mutants side by side. */
    public boolean runMutant(Exercise exercise, String name) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Mutant mutant = Mutant.named(course, exercise, name);
        heading(exercise.id() + " · " + exercise.title());
        checkMutant(mutant);
        return summary(start);
    }

    /** @param withStubs false when the stubs are checked later, beside the lessons */
    private void checkExercises(List<Exercise> exercises, boolean withStubs) throws IOException, InterruptedException {
        for (Exercise exercise : exercises) {
            heading(exercise.id() + " · " + exercise.title());
            checkContract(exercise, checkSolution(exercise));
            if (withStubs) report(checkStub(exercise));
            checkMutantsArePatches(exercise);
            for (Mutant mutant : Mutant.of(course, exercise)) {
                checkMutant(mutant);
            }
        }
    }

    private boolean summary(long start) {
        out.printf("%nself-test took %.0f s%n", (System.nanoTime() - start) / 1e9);
        if (skipped > 0) out.println(skipped + " skipped (inconclusive, not counted)");
        // The closing line CI reads: exactly "N passed, N failed".
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0;
    }

    /** Only the solutions of these exercises, each in as many rounds as asked: a stress run of the tests. */
    public boolean runSolutions(List<Exercise> exercises) throws IOException, InterruptedException {
        long start = System.nanoTime();
        for (Exercise exercise : exercises) {
            heading(exercise.id() + " · " + exercise.title());
            checkSolution(exercise);
        }
        return summary(start);
    }

    /** The solution passes every test, in every round of a stress run; returns the first round's verdict. */
    private Grading.Verdict checkSolution(Exercise exercise) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Submission solution = Submission.solution(course, exercise);
        Grading.Verdict first = null;
        int passedRounds = 0;
        List<String> why = new ArrayList<>();
        for (int done = 0; done < rounds; done += ROUNDS_PER_JVM) {
            int chunk = Math.min(ROUNDS_PER_JVM, rounds - done);
            Grading.Verdict verdict = Grading.grade(course, solution, Selection.EVERY_TEST.inRounds(chunk));
            if (first == null) first = verdict;
            why.addAll(verdict.compileErrors());
            if (verdict.problem() != null) why.add(verdict.problem());
            for (int round = 1; round <= chunk; round++) {
                String prefix = rounds == 1 ? "" : "round " + (done + round) + ": ";
                int inRound = round;
                List<TestResult> failures = verdict.tests().stream()
                        .filter(t -> t.round() == inRound && t.failed()).toList();
                failures.forEach(t -> why.add(prefix + t.displayName() + ": " + t.message()));
                if (failures.isEmpty() && verdict.problem() == null) passedRounds++;
            }
        }
        long tests = first.tests().stream().filter(t -> t.round() == 1).count();
        String what = "the solution passes all " + tests + " tests" + (rounds == 1 ? ""
                : String.format(" in %d of %d rounds (%.0f s)", passedRounds, rounds, (System.nanoTime() - start) / 1e9));
        check(what, why.isEmpty(), why.stream().distinct().limit(10).toList());
        return first;
    }

    /** Every clause of the exercise's contract, on every method it binds, is checked by a test of the solution's run. */
    private void checkContract(Exercise exercise, Grading.Verdict solution) throws IOException {
        Path file = Contract.file(course, exercise);
        if (!Files.isRegularFile(file)) {
            check("it has a contract", false, List.of(course.show(file) + " is missing: list the exercise's"
                    + " requirements there, and tag each test with the clause:method pairs it checks"));
            return;
        }
        Contract.Coverage coverage = Contract.of(course, exercise).coverage(solution.tests());
        coverage.table().forEach(row -> out.println("      " + dim(row)));
        List<String> why = new ArrayList<>();
        coverage.uncovered().forEach(pair -> why.add("no test is tagged " + pair));
        coverage.unknown().forEach(tag -> why.add("the tag " + tag + " names no clause and method of "
                + course.show(file)));
        check("each of the contract's " + coverage.pairs() + " clause × method pairs has a test", why.isEmpty(), why);
    }

    /** Mutants are kept as diffs that show their one flaw, never as copies that drift from the solution. */
    private void checkMutantsArePatches(Exercise exercise) throws IOException {
        Path dir = course.mutantsDir(exercise);
        if (!Files.isDirectory(dir)) return;
        List<String> others;
        try (Stream<Path> files = Files.list(dir)) {
            others = files.filter(p -> !p.getFileName().toString().endsWith(Mutant.EXTENSION))
                    .map(course::show).sorted().toList();
        }
        if (!others.isEmpty()) {
            check(course.show(dir) + " holds mutants as patches only", false, others.stream()
                    .map(p -> p + " is not a " + Mutant.EXTENSION + " file: keep a mutant as a diff of the solution")
                    .toList());
        }
    }

    private static String untouchedStubFails(Exercise exercise) {
        return exercise.id() + "'s untouched stub fails";
    }

    private Outcome checkStub(Exercise exercise) throws IOException, InterruptedException {
        Submission stub = Submission.student(course, exercise);
        String what = untouchedStubFails(exercise);
        if (!Files.readString(stub.editedFile()).contains(Progress.STUB_BODY)) {
            return Outcome.skipped(what, course.show(stub.editedFile())
                    + " has been edited; the self-test checks untouched stubs (run it on a fresh clone)");
        }
        Grading.Verdict verdict = Grading.grade(course, stub);
        return Outcome.of(what + " (" + verdict.failed() + " failed, " + verdict.passed() + " passed)",
                !verdict.succeeded() && verdict.compileErrors().isEmpty(), verdict.compileErrors());
    }

    private void checkMutant(Mutant mutant) throws IOException, InterruptedException {
        String what = "mutant '" + mutant.name() + "' (" + mutant.flaw().replaceAll("\\.$", "") + ") is rejected by "
                + String.join(", ", mutant.rejectedBy());
        if (mutant.rejectedBy().isEmpty()) {
            check(what, false, List.of("its header names no test: add a '// Rejected by: testMethod' line"));
            return;
        }
        Submission submission;
        try {
            submission = mutant.submission(course);
        } catch (Mutant.DoesNotApply e) {
            check(what, false, List.of(e.getMessage()));
            return;
        }
        // Only the tests it names need to run to prove they reject it; a stress run repeats them, a few rounds per
        // JVM so that what a round leaks (threads, processes) stays bounded and each JVM warms up afresh.
        long start = System.nanoTime();
        int rejected = 0;
        List<String> why = new ArrayList<>();
        List<String> skippedBecause = new ArrayList<>();
        for (int done = 0; done < rounds; done += ROUNDS_PER_JVM) {
            int chunk = Math.min(ROUNDS_PER_JVM, rounds - done);
            Grading.Verdict verdict = Grading.grade(course, submission,
                    Selection.methods(mutant.rejectedBy()).inRounds(chunk));
            why.addAll(verdict.compileErrors());
            for (int round = 1; round <= chunk; round++) {
                List<String> escaped = new ArrayList<>();
                List<String> skippedTests = new ArrayList<>();
                for (String method : mutant.rejectedBy()) {
                    var test = verdict.test(method, round);
                    if (test.isEmpty()) {
                        escaped.add(method + " did not run" + (verdict.crash() == null ? " (no test has that name)"
                                : ": " + verdict.crash()));
                    } else if (test.get().status() == TestResult.Status.SKIPPED) {
                        // A speed-up check skips on one core or a busy machine: then nothing is proven either way.
                        skippedTests.add(method + " was skipped: " + test.get().message());
                    } else if (!test.get().failed()) {
                        escaped.add(method + " did not fail");
                    }
                }
                String prefix = rounds == 1 ? "" : "round " + (done + round) + ": ";
                if (!escaped.isEmpty()) escaped.forEach(e -> why.add(prefix + e));
                else if (!skippedTests.isEmpty()) skippedTests.forEach(e -> skippedBecause.add(prefix + e));
                else rejected++;
            }
        }
        if (rounds > 1) {
            what += String.format(" in %d of %d rounds%s (%.0f s)", rejected, rounds - skippedBecause.size(),
                    skippedBecause.isEmpty() ? "" : ", " + skippedBecause.size() + " skipped",
                    (System.nanoTime() - start) / 1e9);
        }
        if (why.isEmpty() && rejected == 0) {
            skip(what, String.join("; ", skippedBecause.stream().distinct().limit(3).toList()));
        } else {
            check(what, why.isEmpty(), why.stream().distinct().limit(10).toList());
        }
    }

    /** Generated mutants per exercise in CI; {@code selftest --generated} grades them all. */
    private static final int GENERATED_MUTANTS_PER_EXERCISE = 1;

    /** A fixed sample of the generated mutants, each graded with every test: each must be killed. */
    private void checkGeneratedMutantsSample() throws IOException, InterruptedException {
        heading("Generated mutants: a fixed sample of " + GENERATED_MUTANTS_PER_EXERCISE
                + " per exercise (selftest --generated grades them all)");
        GeneratedMutantsSelfTest generated = new GeneratedMutantsSelfTest(course, out);
        for (Exercise exercise : course.exercises()) {
            for (MutantGrading.Result result : generated.sample(exercise, GENERATED_MUTANTS_PER_EXERCISE)) {
                String what = exercise.id() + " generated mutant " + result.mutant().id() + " ("
                        + result.mutant().description() + ") is killed";
                if (result.outcome() == MutantGrading.Outcome.INCONCLUSIVE) skip(what, result.detail());
                else check(what + (result.outcome() == MutantGrading.Outcome.KILLED ? " by " + result.detail() : ""),
                        result.outcome() == MutantGrading.Outcome.KILLED,
                        List.of("it " + result.outcome().name().toLowerCase() + ": give it a test, or list it as"
                                + " equivalent (see ./jbang grade selftest --generated " + exercise.id() + ")"));
            }
        }
    }

    private void checkSpeedUp() {
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2) {
            skip("the speed-up check tells parallel from sequential work", "Java sees 1 core here");
            return;
        }
        long work = 20_000_000L * cores;
        Runnable oneThread = () -> Kernels.sink = Kernels.sumOfSquareRoots(0, work);
        Runnable allCores = () -> Kernels.sink = Kernels.onThreads(cores, work, Kernels::sumOfSquareRoots);
        Runnable fakeParallel = () -> Kernels.sink = Kernels.onThreads(1, work, Kernels::sumOfSquareRoots);
        SpeedUp.Measurement parallel = SpeedUp.measure(cores, cores, oneThread, allCores);
        check("it passes work split over " + cores + " threads: " + parallel, parallel.passed(), List.of());
        SpeedUp.Measurement sequential = SpeedUp.measure(cores, cores, oneThread, fakeParallel);
        check("it rejects the same work on 1 thread: " + sequential, !sequential.passed(), List.of());
    }

    /**
     * The lessons, a few at a time, and on a thread of their own the untouched stubs one after another: a stub
     * throws at every call, so however busy the machine, every test that calls it fails.
     */
    private void checkLessonsAndStubs(List<Path> lessons, List<Exercise> exercises) throws InterruptedException {
        // Keyed by the name a check is reported under if it throws; reported in course order, whichever ends first.
        Map<String, Future<Outcome>> checks = new LinkedHashMap<>();
        try (ExecutorService stubChecker = Executors.newSingleThreadExecutor();
             ExecutorService lessonRunners = Executors.newFixedThreadPool(LESSONS_AT_ONCE)) {
            for (Exercise exercise : exercises) {
                checks.put(untouchedStubFails(exercise), stubChecker.submit(() -> checkStub(exercise)));
            }
            for (Path lesson : lessons) {
                checks.put(lesson.getFileName() + " runs", lessonRunners.submit(() -> runLesson(lesson)));
            }
        }
        for (var check : checks.entrySet()) {
            report(check.getValue(), check.getKey());
        }
    }

    private Outcome runLesson(Path lesson) throws IOException, InterruptedException {
        String name = lesson.getFileName().toString();
        Path log = course.workDir().resolve("selftest").resolve(name.replace(".java", ".txt"));
        Files.createDirectories(log.getParent());
        long start = System.nanoTime();
        Process process = new ProcessBuilder(wrapper(), course.show(lesson), "--no-pause")
                .directory(course.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(TestJvm.nullFile()))
                .start();
        boolean ended = process.waitFor(LESSON_LIMIT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> why = new ArrayList<>();
        if (!ended) why.add("still running after " + LESSON_LIMIT_SECONDS + " s");
        else if (process.exitValue() != 0) why.add("exit code " + process.exitValue());
        if (!why.isEmpty()) why.add("its output: " + course.show(log));
        return Outcome.of(String.format("%s runs to its end with --no-pause (%.1f s)", name, seconds),
                why.isEmpty(), why);
    }

    private void checkCatalog() throws IOException {
        JsonObject aliases = new Gson().fromJson(Files.readString(course.root().resolve("jbang-catalog.json")),
                JsonObject.class).getAsJsonObject("aliases");
        for (Map.Entry<String, com.google.gson.JsonElement> alias : aliases.entrySet()) {
            String ref = alias.getValue().getAsJsonObject().get("script-ref").getAsString();
            check("alias " + alias.getKey() + " → " + ref + " exists",
                    Files.isRegularFile(course.root().resolve(ref)), List.of());
        }
        for (Path lesson : lessons()) {
            String id = lesson.getFileName().toString().replace(".java", "");
            check("lesson " + id + " has its alias", aliases.has(id), List.of());
        }
        for (Exercise exercise : course.exercises()) {
            check("exercise " + exercise.id() + " has its alias", aliases.has(exercise.id()), List.of());
        }
        Path workflow = course.root().resolve("instructors/github-classroom/classroom.yml");
        check("instructors/github-classroom/classroom.yml is what ./jbang grade classroom writes from course.json",
                Files.isRegularFile(workflow) && Files.readString(workflow).equals(Workflow.of(course.exercises())),
                List.of("run: ./jbang grade classroom --out " + course.show(workflow)));
        // JBang runs a file before an alias of the same name, from whatever folder the student is in.
        Set<String> shadowing;
        try (Stream<Path> tree = Files.walk(course.root())) {
            shadowing = tree.filter(p -> !p.startsWith(course.root().resolve(".git"))
                            && !p.startsWith(course.workDir()))
                    .map(p -> p.getFileName().toString())
                    .filter(aliases::has)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        }
        check("no file or folder is named like an alias", shadowing.isEmpty(),
                shadowing.stream().map(n -> n + " would be run instead of the alias").toList());
    }

    private List<Path> lessons() throws IOException {
        try (Stream<Path> files = Files.list(course.root().resolve("lessons"))) {
            return files.filter(p -> p.getFileName().toString().matches("lesson\\d+\\.java")).sorted().toList();
        }
    }

    private String wrapper() {
        boolean windows = System.getProperty("os.name").startsWith("Windows");
        return course.root().resolve(windows ? "jbang.cmd" : "jbang").toString();
    }

    private void heading(String text) {
        out.println();
        out.println(bold(text));
    }

    /** What a check found, for checks that run side by side and are reported in order afterwards. */
    private record Outcome(String what, boolean ok, List<String> why, String skippedBecause) {

        static Outcome of(String what, boolean ok, List<String> why) {
            return new Outcome(what, ok, why, null);
        }

        static Outcome skipped(String what, String because) {
            return new Outcome(what, false, List.of(), because);
        }
    }

    private void report(Future<Outcome> outcome, String what) throws InterruptedException {
        try {
            report(outcome.get());
        } catch (ExecutionException e) {
            check(what, false, List.of(String.valueOf(e.getCause())));
        }
    }

    private void report(Outcome outcome) {
        if (outcome.skippedBecause() != null) skip(outcome.what(), outcome.skippedBecause());
        else check(outcome.what(), outcome.ok(), outcome.why());
    }

    private void check(String what, boolean ok, List<String> why) {
        if (ok) passed++; else failed++;
        out.println("  " + (ok ? green(PASS) : red(FAIL)) + " " + what);
        if (!ok) why.forEach(line -> out.println("      " + line.replace("\n", "\n      ")));
    }

    private void skip(String what, String why) {
        skipped++;
        out.println("  " + yellow(SKIP) + " " + what + dim(" (skipped: " + why + ")"));
    }
}
