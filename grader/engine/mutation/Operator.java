package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;

import java.util.List;

/**
 * A concurrency mutation operator: where it applies in a parsed solution, and how it rewrites each site. The
 * generator calls {@link #rewrites} on a fresh parse for every mutant, so the n-th rewrite of one call is the n-th
 * of the next: sites must come in the same order each time (source order).
 */
public interface Operator {

    /** Kebab-case, e.g. {@code remove-synchronized-block}: the first part of a mutant's id. */
    String id();

    /** One line: the mistake its mutants make. */
    String description();

    /** Its rewrites of {@code cu}, in source order; applying one changes {@code cu} in place. */
    List<Rewrite> rewrites(CompilationUnit cu);

    /** {@code REMOVE_SYNCHRONIZED_BLOCK} → {@code remove-synchronized-block}. */
    static String kebab(Enum<?> constant) {
        return constant.name().toLowerCase().replace('_', '-');
    }
}
