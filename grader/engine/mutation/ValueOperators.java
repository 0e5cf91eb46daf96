package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.WhileStmt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Mutants that get a condition, a count or a time wrong. */
enum ValueOperators implements Operator {

    RELATIONAL_BOUNDARY("moves a boundary: < ↔ <=, > ↔ >=") {
        private static final Map<BinaryExpr.Operator, BinaryExpr.Operator> OTHER = Map.of(
                BinaryExpr.Operator.LESS, BinaryExpr.Operator.LESS_EQUALS,
                BinaryExpr.Operator.LESS_EQUALS, BinaryExpr.Operator.LESS,
                BinaryExpr.Operator.GREATER, BinaryExpr.Operator.GREATER_EQUALS,
                BinaryExpr.Operator.GREATER_EQUALS, BinaryExpr.Operator.GREATER);

        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(BinaryExpr.class, b -> OTHER.containsKey(b.getOperator())).stream()
                    .map(b -> {
                        BinaryExpr.Operator other = OTHER.get(b.getOperator());
                        return new Rewrite(b, Edits.oneLine(b) + ": " + b.getOperator().asString() + " → "
                                + other.asString(), () -> b.setOperator(other));
                    })
                    .toList();
        }
    },
    NEGATE_CONDITION("negates the condition of an if or a loop") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            List<Expression> conditions = new ArrayList<>();
            cu.walk(node -> {
                if (node instanceof IfStmt s) conditions.add(s.getCondition());
                else if (node instanceof WhileStmt s) conditions.add(s.getCondition());
                else if (node instanceof DoStmt s) conditions.add(s.getCondition());
            });
            return conditions.stream()
                    .map(c -> new Rewrite(c, "if/while (" + Edits.oneLine(c) + ") negated",
                            () -> c.replace(new UnaryExpr(Edits.grouped(c), UnaryExpr.Operator.LOGICAL_COMPLEMENT))))
                    .toList();
        }
    },
    INT_LITERAL("changes an integer constant (a count, a start, a limit) to 1 or by ±1") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            List<Rewrite> rewrites = new ArrayList<>();
            for (IntegerLiteralExpr literal : cu.findAll(IntegerLiteralExpr.class)) {
                int n = literal.asNumber().intValue();
                Stream.of(1, n + 1, n - 1).filter(m -> m != n && m >= 0).distinct().forEach(m ->
                        rewrites.add(new Rewrite(literal, n + " → " + m,
                                () -> literal.replace(new IntegerLiteralExpr(String.valueOf(m))))));
            }
            return rewrites;
        }
    },
    TRUNCATE_DURATION("truncates a duration: toNanos() to whole milliseconds, toMillis() to whole seconds") {
        private static final Map<String, String> COARSER = Map.of(
                "toNanos", "toMillis() * 1_000_000", "toMillis", "toSeconds() * 1_000",
                "toMicros", "toMillis() * 1_000");

        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            Stream<Rewrite> conversions = Edits.calls(cu, COARSER.keySet()).stream()
                    .filter(c -> c.getArguments().isEmpty() && c.getScope().isPresent())
                    .map(c -> {
                        String coarse = "(" + c.getScope().orElseThrow() + "." + COARSER.get(c.getNameAsString()) + ")";
                        return new Rewrite(c, c + " → " + coarse, () -> c.replace(Edits.parse(coarse)));
                    });
            Stream<Rewrite> factories = Edits.calls(cu, Set.of("ofNanos")).stream()
                    .filter(c -> c.getArguments().size() == 1)
                    .map(c -> {
                        String coarse = c.getScope().map(s -> s + ".").orElse("") + "ofMillis("
                                + Edits.text(c.getArgument(0)) + " / 1_000_000)";
                        return new Rewrite(c, c + " → " + coarse, () -> c.replace(Edits.parse(coarse)));
                    });
            return Stream.concat(conversions, factories)
                    .sorted(Comparator.comparing(r -> r.site().getBegin().orElseThrow())).toList();
        }
    },
    REMOVE_TIMEOUT("drops a time limit: a timeout(...) setting, or get(timeout, unit) → get()") {
        private static final Set<String> SETTINGS = Set.of("timeout", "connectTimeout", "orTimeout",
                "completeOnTimeout");

        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(MethodCallExpr.class, c -> c.getScope().isPresent()
                    && (SETTINGS.contains(c.getNameAsString())
                    || c.getNameAsString().equals("get") && c.getArguments().size() == 2)).stream()
                    .map(c -> new Rewrite(c, Edits.oneLine(c) + " without its time limit", () -> {
                        if (c.getNameAsString().equals("get")) c.getArguments().clear();
                        else Edits.dropFromChain(c);
                    }))
                    .toList();
        }
    },
    DROP_TIE_BREAKER("drops a comparator's thenComparing…: equal keys lose their order") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(MethodCallExpr.class, c -> c.getNameAsString().startsWith("thenComparing")
                    && c.getScope().isPresent()).stream()
                    .map(c -> new Rewrite(c, "." + c.getNameAsString() + "(" + c.getArguments().getFirst()
                            .map(Object::toString).orElse("") + ") removed", () -> Edits.dropFromChain(c)))
                    .toList();
        }
    };

    private final String description;

    ValueOperators(String description) {
        this.description = description;
    }

    @Override
    public String id() { return Operator.kebab(this); }

    @Override
    public String description() { return description; }
}
