package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.Statement;
import com.github.javaparser.ast.stmt.SynchronizedStmt;

import java.util.ArrayList;
import java.util.List;

/** Mutants that hold a lock too little, or take locks in another order. */
enum LockOperators implements Operator {

    REMOVE_SYNCHRONIZED_BLOCK("runs a synchronized block's body without taking its lock") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(SynchronizedStmt.class).stream()
                    .map(s -> new Rewrite(s, "synchronized (" + s.getExpression() + ") removed",
                            () -> s.replace(s.getBody())))
                    .toList();
        }
    },
    REMOVE_SYNCHRONIZED_MODIFIER("a synchronized method runs without taking its lock") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(MethodDeclaration.class, MethodDeclaration::isSynchronized).stream()
                    .map(m -> new Rewrite(m, m.getNameAsString() + " is no longer synchronized",
                            () -> m.removeModifier(Modifier.Keyword.SYNCHRONIZED)))
                    .toList();
        }
    },
    NARROW_SYNCHRONIZED_START("moves a synchronized block's first statement out, before the lock is taken") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return narrowable(cu).stream().map(s -> new Rewrite(s, "'" + first(s) + "' runs before the lock",
                    () -> {
                        Statement moved = s.getBody().getStatement(0);
                        enclosingBlock(s).getStatements().addBefore(moved.clone(), s);
                        moved.remove();
                    })).toList();
        }
    },
    NARROW_SYNCHRONIZED_END("moves a synchronized block's last statement (with the return after it) out, after the"
            + " lock is released") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return narrowable(cu).stream().filter(s -> tail(s).size() < s.getBody().getStatements().size())
                    .map(s -> new Rewrite(s, "'" + Edits.oneLine(tail(s).getFirst()) + "' runs after the lock", () -> {
                        List<Statement> moved = tail(s);
                        NodeList<Statement> outer = enclosingBlock(s).getStatements();
                        for (Statement statement : moved.reversed()) outer.addAfter(statement.clone(), s);
                        moved.forEach(Statement::remove);
                    })).toList();
        }
    },
    SWAP_LOCK_ORDER("takes two nested locks in the opposite order") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(SynchronizedStmt.class, s -> inner(s) != null).stream()
                    .map(s -> new Rewrite(s, "locks " + inner(s).getExpression() + " before " + s.getExpression(),
                            () -> {
                                SynchronizedStmt inner = inner(s);
                                Expression outerLock = s.getExpression().clone();
                                s.setExpression(inner.getExpression().clone());
                                inner.setExpression(outerLock);
                            }))
                    .toList();
        }
    },
    SWAP_MIN_MAX("Math.min ↔ Math.max: an order (such as which lock comes first) is no longer total") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(MethodCallExpr.class, c -> c.getScope().map(Object::toString).orElse("").equals("Math")
                    && (c.getNameAsString().equals("min") || c.getNameAsString().equals("max"))).stream()
                    .map(c -> {
                        String other = c.getNameAsString().equals("min") ? "max" : "min";
                        return new Rewrite(c, c + " → Math." + other, () -> c.setName(other));
                    })
                    .toList();
        }
    };

    private final String description;

    LockOperators(String description) {
        this.description = description;
    }

    @Override
    public String id() { return Operator.kebab(this); }

    @Override
    public String description() { return description; }

    /** Blocks of two statements or more, inside a block of statements: one can be moved out. */
    private static List<SynchronizedStmt> narrowable(CompilationUnit cu) {
        return cu.findAll(SynchronizedStmt.class, s -> s.getBody().getStatements().size() >= 2
                && s.getParentNode().orElse(null) instanceof BlockStmt);
    }

    private static BlockStmt enclosingBlock(SynchronizedStmt s) {
        return (BlockStmt) s.getParentNode().orElseThrow();
    }

    private static String first(SynchronizedStmt s) {
        return Edits.oneLine(s.getBody().getStatement(0));
    }

    /** The last statement, and the one before it too when the last only returns or throws. */
    private static List<Statement> tail(SynchronizedStmt s) {
        NodeList<Statement> body = s.getBody().getStatements();
        Statement last = body.getLast().orElseThrow();
        boolean jumps = last.isReturnStmt() || last.isThrowStmt() || last.isBreakStmt() || last.isContinueStmt();
        List<Statement> tail = new ArrayList<>();
        if (jumps && body.size() >= 2) tail.add(body.get(body.size() - 2));
        tail.add(last);
        return tail;
    }

    /** The synchronized block that is the whole body of this one, if any. */
    private static SynchronizedStmt inner(SynchronizedStmt s) {
        NodeList<Statement> body = s.getBody().getStatements();
        return body.size() == 1 && body.get(0) instanceof SynchronizedStmt inner ? inner : null;
    }
}
