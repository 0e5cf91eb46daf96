package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.TryStmt;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/** Mutants that stop waiting, releasing or cleaning up: a call dropped, a resource never closed, no finally. */
enum WaitOperators implements Operator {

    REMOVE_JOIN("returns without joining a thread", "join"),
    REMOVE_AWAIT("goes on without awaiting a latch, barrier or condition", "await"),
    REMOVE_GET("goes on without waiting for a future (get/join whose value is unused)", "get"),
    REMOVE_CLOSE("never closes a resource (a worker, a client, an executor)", "close"),
    REMOVE_SHUTDOWN("never shuts an executor down", "shutdown", "shutdownNow"),
    REMOVE_INTERRUPT("does not interrupt (or re-set the interrupt flag of) a thread", "interrupt"),
    REMOVE_CANCEL("does not cancel a task", "cancel"),
    REMOVE_ACQUIRE("goes on without taking a permit or lock", "acquire", "lock", "lockInterruptibly"),
    REMOVE_RELEASE("never gives back a permit or lock, or counts down", "release", "unlock", "countDown",
            "signal", "signalAll", "notify", "notifyAll"),
    REMOVE_SLEEP("spins instead of sleeping until it is time", "sleep"),
    REMOVE_COMPLETE("never completes a future", "complete", "completeExceptionally"),
    SHUTDOWN_NOW_TO_SHUTDOWN("shuts an executor down without interrupting its running tasks") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return Edits.calls(cu, Set.of("shutdownNow")).stream()
                    .map(c -> new Rewrite(c, c + " → shutdown()", () -> c.setName("shutdown"))).toList();
        }
    },
    UNCLOSED_RESOURCE("declares a try-with-resources resource as a plain variable: it is never closed") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(TryStmt.class, t -> !t.getResources().isEmpty()).stream()
                    .flatMap(t -> IntStream.range(0, t.getResources().size()).mapToObj(i -> new Rewrite(t,
                            Edits.oneLine(t.getResources().get(i)) + " is never closed", () -> unclose(t, i))))
                    .toList();
        }
    },
    REMOVE_FINALLY("drops a finally block: its clean-up is skipped when the try block throws or returns") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(TryStmt.class, t -> t.getFinallyBlock().isPresent()).stream()
                    .map(t -> new Rewrite(t, "finally " + Edits.oneLine(t.getFinallyBlock().orElseThrow())
                            + " removed", () -> {
                        if (t.getCatchClauses().isEmpty() && t.getResources().isEmpty()) t.replace(t.getTryBlock());
                        else t.removeFinallyBlock();
                    }))
                    .toList();
        }
    };

    private final String description;
    private final Set<String> methods;

    WaitOperators(String description, String... methods) {
        this.description = description;
        this.methods = Set.of(methods);
    }

    @Override
    public String id() { return Operator.kebab(this); }

    @Override
    public String description() { return description; }

    /** By default: removes each statement that only calls one of the operator's methods. */
    @Override
    public List<Rewrite> rewrites(CompilationUnit cu) {
        return Edits.callStatements(cu, methods).stream()
                .map(s -> new Rewrite(s, "'" + Edits.oneLine(s) + "' removed", () -> Edits.delete(s)))
                .toList();
    }

    /** try (A; B) { body } → { A; try (B) { body } }, or { A; body } when A was all the try had. */
    private static void unclose(TryStmt t, int resource) {
        // The try is changed in place, not cloned: a clone would keep its old text for the printer.
        Expression declared = t.getResources().remove(resource);
        BlockStmt block = new BlockStmt();
        if (declared instanceof VariableDeclarationExpr) block.addStatement(new ExpressionStmt(declared));
        t.replace(block);
        if (t.getResources().isEmpty() && t.getCatchClauses().isEmpty() && t.getFinallyBlock().isEmpty()) {
            t.getTryBlock().getStatements().forEach(s -> block.addStatement(s.clone()));
        } else {
            block.addStatement(t);
        }
    }
}
