///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DEPS info.picocli:picocli:4.7.7
//DEPS org.junit.jupiter:junit-jupiter:6.1.3
//DEPS org.junit.platform:junit-platform-launcher:6.1.3
//DEPS org.assertj:assertj-core:3.27.7
//DEPS com.tngtech.archunit:archunit:1.5.0
//DEPS com.google.code.gson:gson:2.15.0
//DEPS org.slf4j:slf4j-nop:2.0.17
//DEPS org.apache.commons:commons-compress:1.28.0
//DEPS io.github.java-diff-utils:java-diff-utils:4.16
//DEPS com.github.javaparser:javaparser-core:3.28.2
//SOURCES engine/*.java check/*.java
//SOURCES commands/*.java engine/batch/*.java engine/gradescope/*.java engine/classroom/*.java
//SOURCES engine/mutation/*.java
//JAVA_OPTIONS -XX:TieredStopAtLevel=1
//CDS
//RUNTIME_OPTIONS -Xlog:cds=off,cds+dynamic=off

import commands.BatchCommand;
import commands.ClassroomCommand;
import commands.GradescopeCommand;
import commands.HintCommand;
import commands.ListCommand;
import commands.Overview;
import commands.ResetCommand;
import commands.WatchCommand;
import engine.Course;
import engine.Exercise;
import engine.Grading;
import engine.Progress;
import engine.Report;
import engine.SelfTest;
import engine.Submission;
import engine.mutation.GeneratedMutantsSelfTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The grader's command line: {@code ./jbang grade} (your progress), {@code ./jbang grade ex01}, {@code --solutions},
 * {@code --all}, {@code watch}, {@code hint}, {@code reset}, {@code list}, {@code selftest}.
 */
@Command(name = "grade", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {WatchCommand.class, HintCommand.class, ResetCommand.class, ListCommand.class,
                BatchCommand.class, GradescopeCommand.class, ClassroomCommand.class},
        description = "Grades your exercises with the course's own tests: correctness, ordering, speed-up on your cores.",
        footer = {"", "Examples:", "  ./jbang grade                   your progress and what to do next",
                "  ./jbang grade ex01              grade exercises/ (your work)",
                "  ./jbang grade watch             grade the exercise you are on at every save",
                "  ./jbang grade hint ex01         the next hint for ex01",
                "  ./jbang grade reset ex01        start ex01 over from the untouched stub",
                "  ./jbang grade --all             grade every exercise",
                "  ./jbang grade --solutions ex01  grade the reference solution",
                "  ./jbang grade batch SUBMISSIONS/  grade a class: grades.csv, JSON, JUnit XML (instructors)",
                "  ./jbang grade selftest          prove the grader has teeth (what CI runs)",
                "  ./jbang grade selftest --generated ex03  grade every generated mutant of ex03"})
class Grade implements Callable<Integer> {

    @Parameters(paramLabel = "EXERCISE", arity = "0..*", description = "Exercises to grade, e.g. ex01.")
    List<String> ids = List.of();

    @Option(names = "--all", description = "Grade every exercise, in course order.")
    boolean all;

    @Option(names = "--solutions", description = "Grade the reference solutions instead of exercises/.")
    boolean solutions;

    @Override
    public Integer call() throws Exception {
        Course course = Course.find(Path.of(""));
        List<Exercise> chosen = all ? course.exercises() : ids.stream().map(course::exercise).toList();
        if (chosen.isEmpty()) {
            Overview.print(System.out, course);
            return 0;
        }
        Report report = new Report(System.out, course);
        Progress progress = solutions ? null : Progress.load(course, System.err);
        Exercise firstFailing = null;
        for (Exercise exercise : chosen) {
            Grading.Verdict verdict = Grading.grade(course, solutions
                    ? Submission.solution(course, exercise) : Submission.student(course, exercise));
            report.print(verdict);
            if (progress != null) progress.record(verdict);
            if (firstFailing == null && !verdict.succeeded()) firstFailing = exercise;
        }
        report.printTotal();
        if (progress != null && firstFailing != null) {
            System.out.println("Stuck? ./jbang grade hint " + firstFailing.id() + " shows a hint.");
        }
        return report.allPassed() ? 0 : 1;
    }

    @Command(name = "selftest", mixinStandardHelpOptions = true,
            description = "Proves the grader has teeth: every solution passes, every untouched stub fails, every"
                    + " mutant is rejected by the test it names, every lesson runs, every alias resolves.")
    int selftest(@Parameters(paramLabel = "EXERCISE", arity = "0..*",
            description = "Check only these exercises (no lessons, no catalog), e.g. while writing one.")
                 List<String> only,
                 @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
                         description = "Run each mutant's tests, and each solution's, N times: a stress run proving"
                                 + " each mutant is rejected and each solution passes every time, not by luck"
                                 + " (default: ${DEFAULT-VALUE}).")
                 int repeat,
                 @Option(names = "--mutant", paramLabel = "NAME",
                         description = "Check only this mutant of the exercise named (no solution, no stub), e.g."
                                 + " to stress-run several mutants at once. With --generated: only the generated"
                                 + " mutants whose id starts with NAME (an operator, or a mutant's id).")
                 String mutant,
                 @Option(names = "--solutions",
                         description = "Check only the solutions (no stub, no mutant), e.g. with --repeat.")
                 boolean solutionsOnly,
                 @Option(names = "--generated",
                         description = "Grade every mutant generated from the solutions (of the exercises named, or"
                                 + " all) with every test; per exercise: killed, survived, equivalent, stillborn.")
                 boolean generated,
                 @Option(names = "--list",
                         description = "Print the generated mutants and their diffs, without grading them.")
                 boolean list) throws Exception {
        Course course = Course.find(Path.of(""));
        boolean all = only == null || only.isEmpty();
        List<Exercise> exercises = all ? course.exercises() : only.stream().map(course::exercise).toList();
        if (generated || list) {
            GeneratedMutantsSelfTest generatedMutants = new GeneratedMutantsSelfTest(course, System.out);
            return list ? generatedMutants.list(exercises) : generatedMutants.run(exercises, mutant);
        }
        SelfTest selfTest = new SelfTest(course, System.out, repeat);
        if (solutionsOnly) return selfTest.runSolutions(exercises) ? 0 : 1;
        if (mutant != null) {
            if (all || exercises.size() != 1) throw new IllegalArgumentException("--mutant needs one exercise.");
            return selfTest.runMutant(exercises.getFirst(), mutant) ? 0 : 1;
        }
        return (all ? selfTest.run() : selfTest.run(exercises)) ? 0 : 1;
    }

    public static void main(String... args) {
        CommandLine cli = new CommandLine(new Grade());
        // A wrong exercise name or a missing course folder is the user's to fix: a sentence, not a stack trace.
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (!(e instanceof IllegalArgumentException || e instanceof java.io.IOException)) throw e;
            command.getErr().println(e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }
}
