package engine.mutation;

import com.github.javaparser.StaticJavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.stmt.ForEachStmt;

import java.util.List;
import java.util.Set;

/** Mutants that collect results in the order tasks finish instead of the order they were given. */
enum OrderOperators implements Operator {

    FOR_EACH_IN_COMPLETION_ORDER("reads a list of futures in the order they complete, not in list order") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(ForEachStmt.class, OrderOperators::readsFutures).stream()
                    .map(loop -> new Rewrite(loop, "for (… : " + loop.getIterable() + ") in completion order", () -> {
                        addHelper(loop, POLLING_HELPER);
                        loop.setIterable(new MethodCallExpr(POLLING_HELPER_NAME, loop.getIterable().clone()));
                    }))
                    .toList();
        }
    },
    INVOKE_ALL_IN_COMPLETION_ORDER("invokeAll returns the futures in the order the tasks finish") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return Edits.calls(cu, Set.of("invokeAll")).stream()
                    .filter(c -> c.getScope().isPresent() && c.getArguments().size() == 1)
                    .map(c -> new Rewrite(c, Edits.oneLine(c) + " in completion order", () -> {
                        addHelper(c, INVOKE_ALL_HELPER);
                        c.replace(new MethodCallExpr(INVOKE_ALL_HELPER_NAME, c.getScope().orElseThrow().clone(),
                                c.getArgument(0).clone()));
                    }))
                    .toList();
        }
    };

    private static final String POLLING_HELPER_NAME = "mutantInCompletionOrder";
    private static final String POLLING_HELPER = """
            private static <F extends java.util.concurrent.Future<?>> java.util.List<F> mutantInCompletionOrder(
                    java.util.List<F> futures) {
                var pending = new java.util.ArrayList<>(futures);
                var done = new java.util.ArrayList<F>();
                while (!pending.isEmpty()) {
                    for (var it = pending.iterator(); it.hasNext(); ) {
                        F future = it.next();
                        if (future.isDone()) {
                            done.add(future);
                            it.remove();
                        }
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
                return done;
            }""";
    private static final String INVOKE_ALL_HELPER_NAME = "mutantInvokeAllInCompletionOrder";
    private static final String INVOKE_ALL_HELPER = """
            private static <T> java.util.List<java.util.concurrent.Future<T>> mutantInvokeAllInCompletionOrder(
                    java.util.concurrent.ExecutorService executor,
                    java.util.Collection<? extends java.util.concurrent.Callable<T>> tasks) throws InterruptedException {
                var finished = new java.util.concurrent.ExecutorCompletionService<T>(executor);
                tasks.forEach(finished::submit);
                var futures = new java.util.ArrayList<java.util.concurrent.Future<T>>();
                for (int i = 0; i < tasks.size(); i++) futures.add(finished.take());
                return futures;
            }""";

    private final String description;

    OrderOperators(String description) {
        this.description = description;
    }

    @Override
    public String id() { return Operator.kebab(this); }

    @Override
    public String description() { return description; }

    /** A loop over futures: its variable's type names a Future, or its body calls get/resultNow on it. */
    private static boolean readsFutures(ForEachStmt loop) {
        String variable = loop.getVariableDeclarator().getNameAsString();
        return loop.getVariable().getElementType().asString().contains("Future")
                || !loop.getBody().findAll(MethodCallExpr.class, c -> Set.of("get", "resultNow")
                .contains(c.getNameAsString()) && c.getScope().filter(s -> Edits.isName(s, variable)).isPresent())
                .isEmpty()
                || !loop.getBody().findAll(MethodCallExpr.class, c -> c.getArguments().stream()
                .anyMatch(a -> a instanceof NameExpr n && n.getNameAsString().equals(variable)
                        && variable.toLowerCase().contains("future"))).isEmpty();
    }

    @SuppressWarnings("unchecked") // findAncestor's varargs of Class<N>
    private static void addHelper(Node site, String helper) {
        site.findAncestor(ClassOrInterfaceDeclaration.class).orElseThrow()
                .addMember(StaticJavaParser.parseBodyDeclaration(helper));
    }
}
