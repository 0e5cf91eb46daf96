package check;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.Source;
import java.util.Optional;

/// ArchUnit predicates that pick the student's code among the classes a test imports.
public final class Declared {

    private Declared() {}

    /// Classes compiled from the source file `fileName` (e.g. `FetchAll.java`): its top-level
    /// classes and their nested, inner and anonymous classes, but not the tests beside them.
    public static DescribedPredicate<JavaClass> inFile(String fileName) {
        return DescribedPredicate.describe("are declared in " + fileName,
                c -> c.getSource().flatMap(Source::getFileName).equals(Optional.of(fileName)));
    }
}
