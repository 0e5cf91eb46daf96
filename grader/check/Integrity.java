package check;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.CodeUnitAccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/// The rules every exercise's code follows, whatever the exercise: the grader checks them on the student's
/// classes (not on the files an exercise provides) before any test runs, and runs no test if one is broken.
/// They keep a submission from ending, reading or rewriting what grades it.
public final class Integrity {

    private Integrity() {}

    public static final ArchRule studentCodeNeverEndsTheJvm = noClasses()
            .should().accessTargetWhere(access("java.lang.System", "exit"))
            .orShould().accessTargetWhere(access("java.lang.Runtime", "exit|halt"))
            .as("your code never ends the JVM (System.exit, Runtime.exit, Runtime.halt)")
            .because("your code runs in the JVM that runs the tests: ending it ends them, and the tests that "
                    + "never ran fail. Return a value or throw an exception instead")
            .allowEmptyShould(true);

    public static final ArchRule studentCodeUsesNoReflection = noClasses()
            .should().dependOnClassesThat().resideInAnyPackage(
                    "java.lang.reflect..", "java.lang.invoke..", "java.lang.instrument..", "java.beans..",
                    "sun.misc..", "sun.reflect..", "jdk.internal..")
            .orShould().dependOnClassesThat().haveNameMatching("java\\.lang\\.(ClassLoader|Module|ModuleLayer)"
                    + "|java\\.net\\.URLClassLoader")
            .orShould().accessTargetWhere(access("java.lang.Class", "forName|newInstance|getClassLoader|getModule"
                    + "|getDeclared.*|getMethods?|getFields?|getConstructors?|getRecordComponents|getEnclosing.*"))
            .as("your code uses no reflection (java.lang.reflect, setAccessible, MethodHandles, Class.forName,"
                    + " class loaders)")
            .because("reflection reaches into code that is not yours, the grader's included, and no exercise "
                    + "needs it: call your own classes' methods directly")
            .allowEmptyShould(true);

    public static final ArchRule studentCodeTouchesNoFile = noClasses()
            .should().dependOnClassesThat().haveNameMatching("java\\.io\\.(File.*|RandomAccessFile)"
                    + "|java\\.nio\\.channels\\.(Asynchronous)?FileChannel|java\\.nio\\.file\\.(FileSystems?|spi\\..*)")
            .orShould().accessTargetWhere(access("java.nio.file.Files", "write.*|newOutputStream|newBufferedWriter"
                    + "|newByteChannel|copy|move|delete.*|create.*|set.*"))
            .orShould().accessTargetWhere(opensAFileByName())
            .as("your code touches no file (java.io.File*, RandomAccessFile, FileChannel, writes through"
                    + " java.nio.file.Files)")
            .because("the grader's classes, tests and results are files on the same disk, and no exercise "
                    + "reads or writes any: keep your data in memory")
            .allowEmptyShould(true);

    public static final ArchRule studentCodeStartsNoProcess = noClasses()
            .should().dependOnClassesThat().haveFullyQualifiedName("java.lang.ProcessBuilder")
            .orShould().accessTargetWhere(access("java.lang.Runtime", "exec"))
            .orShould().accessTargetWhere(access("java.lang.Process(Handle)?", "destroy.*"))
            .as("your code starts and stops no process (ProcessBuilder, Runtime.exec)")
            .because("a process runs out of the tests' sight and may do anything on the machine that grades "
                    + "you; the exercises run in this JVM's threads")
            .allowEmptyShould(true);

    /// For an exercise about processes (course.json's mayStartProcesses): ProcessBuilder, and nothing else.
    public static final ArchRule studentCodeStartsProcessesOnlyWithProcessBuilder = noClasses()
            .should().accessTargetWhere(access("java.lang.Runtime", "exec"))
            .as("your code starts processes only with ProcessBuilder (not Runtime.exec)")
            .because("ProcessBuilder is the one way the exercise teaches, and the one Worker.start() uses: any "
                    + "other way of starting a process is out of the exercise's scope")
            .allowEmptyShould(true);

    /// The rules for one exercise.
    public static List<ArchRule> rules(boolean mayStartProcesses) {
        return List.of(studentCodeNeverEndsTheJvm, studentCodeUsesNoReflection, studentCodeTouchesNoFile,
                mayStartProcesses ? studentCodeStartsProcessesOnlyWithProcessBuilder : studentCodeStartsNoProcess);
    }

    /// A call or a method reference to `owner`'s methods named like `methods` (both regular expressions).
    private static DescribedPredicate<JavaAccess<?>> access(String owner, String methods) {
        return DescribedPredicate.describe(owner + "." + methods,
                access -> access.getTargetOwner().getFullName().matches(owner) && access.getName().matches(methods));
    }

    /// new PrintStream("name"), new PrintWriter(file), new Formatter("name"): each writes that file.
    private static DescribedPredicate<JavaAccess<?>> opensAFileByName() {
        return DescribedPredicate.describe("PrintStream, PrintWriter or Formatter opened on a file", access ->
                access.getTarget() instanceof CodeUnitAccessTarget target && target.getName().equals("<init>")
                        && target.getOwner().getFullName().matches("java\\.io\\.Print(Stream|Writer)|java\\.util\\.Formatter")
                        && !target.getRawParameterTypes().isEmpty()
                        && target.getRawParameterTypes().getFirst().getFullName().matches("java\\.lang\\.String|java\\.io\\.File"));
    }
}
