package engine.mutation;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.printer.configuration.DefaultConfigurationOption;
import com.github.javaparser.printer.configuration.DefaultPrinterConfiguration;
import com.github.javaparser.printer.configuration.DefaultPrinterConfiguration.ConfigOption;
import com.github.javaparser.printer.configuration.PrinterConfiguration;

import java.util.List;
import java.util.Set;

/** Tree edits and searches the operators share. */
final class Edits {

    private Edits() {}

    /** Calls of a method with one of these names, in source order. */
    static List<MethodCallExpr> calls(CompilationUnit cu, Set<String> names) {
        return cu.findAll(MethodCallExpr.class, call -> names.contains(call.getNameAsString()));
    }

    /** Statements that are nothing but a call of one of these methods, its value (if any) unused. */
    static List<ExpressionStmt> callStatements(CompilationUnit cu, Set<String> names) {
        return cu.findAll(ExpressionStmt.class, s -> s.getExpression() instanceof MethodCallExpr call
                && names.contains(call.getNameAsString()));
    }

    /** Deletes a statement; one that is a loop's or an if's whole body becomes an empty block. */
    static void delete(Statement statement) {
        if (statement.getParentNode().orElse(null) instanceof BlockStmt) statement.remove();
        else statement.replace(new BlockStmt());
    }

    /** {@code a.b(x).c(y)} → {@code a.b(x)}: drops the call from a chain. */
    static void dropFromChain(MethodCallExpr call) {
        call.getScope().ifPresent(scope -> call.replace(scope.clone()));
    }

    /** The expression, in parentheses unless it is a plain name or literal: safe inside any operator. */
    static Expression grouped(Expression e) {
        return e.isNameExpr() || e.isLiteralExpr() || e.isMethodCallExpr() || e.isEnclosedExpr()
                ? e.clone() : new EnclosedExpr(e.clone());
    }

    static Expression parse(String expression) {
        return StaticJavaParser.parseExpression(expression);
    }

    /** {@code x} as source text, in parentheses if it would bind loosely. */
    static String text(Expression e) {
        return grouped(e).toString();
    }

    static boolean isName(Expression e, String name) {
        return e instanceof NameExpr n && n.getNameAsString().equals(name);
    }

    private static final PrinterConfiguration NO_COMMENTS = new DefaultPrinterConfiguration()
            .removeOption(new DefaultConfigurationOption(ConfigOption.PRINT_COMMENTS))
            .removeOption(new DefaultConfigurationOption(ConfigOption.PRINT_JAVADOC));

    /** The node as source without comments, e.g. to tell whether two members are the same code. */
    static String withoutComments(Node node) {
        return node.toString(NO_COMMENTS);
    }

    /** The node's code on one line, shortened: for a mutant's description. */
    static String oneLine(Node node) {
        String text = withoutComments(node).replaceAll("\\s+", " ").strip();
        return text.length() > 60 ? text.substring(0, 57) + "…" : text;
    }

    static int line(Node node) {
        return node.getBegin().map(p -> p.line).orElse(0);
    }

    /**
     * The member a node is in, by name: a method, constructor or field ({@code transfer}, {@code Bank.<init>},
     * {@code POISON}), or its class when it is in none. A mutant named by it keeps its name when lines move.
     */
    static String member(Node node) {
        for (Node at = node; at != null; at = at.getParentNode().orElse(null)) {
            if (at instanceof MethodDeclaration m) return m.getNameAsString();
            if (at instanceof ConstructorDeclaration c) return c.getNameAsString() + ".<init>";
            if (at instanceof FieldDeclaration f) return f.getVariable(0).getNameAsString();
            if (at instanceof TypeDeclaration<?> t) return t.getNameAsString();
        }
        return "?";
    }
}
