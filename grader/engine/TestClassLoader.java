package engine;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Loads the grader's tests: their own folder first, then the grader's jars (JUnit, AssertJ, ArchUnit, check.*)
 * through the JVM's class path, then the student's classes through the student's loader. The student's loader
 * sees only the JDK, so student code cannot load a test or a grader class by name, while the tests see both.
 * A student class named like a test is never seen by the tests: their own folder comes first.
 */
final class TestClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader student;

    TestClassLoader(Path testClasses, ClassLoader student) throws MalformedURLException {
        super("tests", new URL[] {testClasses.toUri().toURL()}, ClassLoader.getSystemClassLoader());
        this.student = student;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        try {
            return super.findClass(name);
        } catch (ClassNotFoundException notATest) {
            return student.loadClass(name);
        }
    }

    @Override
    public URL findResource(String name) {
        URL own = super.findResource(name);
        return own != null ? own : student.getResource(name);
    }

    /** Both folders: ArchUnit's importPackagesOf finds a package's classes through these. */
    @Override
    public Enumeration<URL> findResources(String name) throws IOException {
        Set<URL> urls = new LinkedHashSet<>(Collections.list(super.findResources(name)));
        urls.addAll(Collections.list(student.getResources(name)));
        return Collections.enumeration(urls);
    }
}
