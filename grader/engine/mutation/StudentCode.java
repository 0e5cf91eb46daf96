package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The part of a solution a student writes: every method, constructor, field or initializer that the exercise's
 * stub does not already hold as it is. Provided code (main, the sequential version, simulators) is never mutated:
 * the tests need not tell its mutants apart.
 */
final class StudentCode {

    /** The stub's members, each as its enclosing types' names and its code without comments. */
    private final Set<String> provided = new HashSet<>();

    StudentCode(CompilationUnit stub) {
        stub.findAll(BodyDeclaration.class, StudentCode::isMember).forEach(m -> provided.add(fingerprint(m)));
    }

    /** Whether the node lies in a member that the student writes. */
    boolean contains(Node node) {
        return member(node).map(m -> !provided.contains(fingerprint(m))).orElse(false);
    }

    private static Optional<BodyDeclaration<?>> member(Node node) {
        for (Node n = node; n != null; n = n.getParentNode().orElse(null)) {
            if (n instanceof BodyDeclaration<?> declaration && isMember(declaration)) return Optional.of(declaration);
        }
        return Optional.empty();
    }

    private static boolean isMember(BodyDeclaration<?> declaration) {
        return declaration instanceof CallableDeclaration<?> || declaration instanceof FieldDeclaration
                || declaration instanceof InitializerDeclaration;
    }

    private static String fingerprint(BodyDeclaration<?> member) {
        StringBuilder types = new StringBuilder();
        for (Node n = member.getParentNode().orElse(null); n != null; n = n.getParentNode().orElse(null)) {
            if (n instanceof TypeDeclaration<?> type) types.insert(0, type.getNameAsString() + ".");
        }
        return types + Edits.withoutComments(member);
    }
}
