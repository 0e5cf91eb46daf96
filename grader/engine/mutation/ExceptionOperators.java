package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.type.ClassOrInterfaceType;

import java.util.List;
import java.util.Map;

/** Mutants that mishandle exceptions: an interrupt swallowed, a catch too narrow. */
enum ExceptionOperators implements Operator {

    SWALLOW_INTERRUPT("empties a catch (InterruptedException) block: the interrupt is swallowed") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(CatchClause.class, c -> c.getParameter().getType().toString()
                            .matches("(.*\\W)?InterruptedException(\\W.*)?") && !c.getBody().isEmpty()).stream()
                    .map(c -> new Rewrite(c, "catch (" + c.getParameter() + ") swallows it",
                            () -> c.setBody(new BlockStmt())))
                    .toList();
        }
    },
    NARROW_CATCH("catches a narrower type: Throwable → Exception, Exception → RuntimeException") {
        private static final Map<String, String> NARROWER = Map.of(
                "Throwable", "Exception", "Exception", "RuntimeException");

        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(CatchClause.class, c -> c.getParameter().getType() instanceof ClassOrInterfaceType t
                    && NARROWER.containsKey(t.getNameAsString())).stream()
                    .map(c -> {
                        var type = (ClassOrInterfaceType) c.getParameter().getType();
                        String narrower = NARROWER.get(type.getNameAsString());
                        return new Rewrite(c, "catch (" + type + ") → catch (" + narrower + ")",
                                () -> type.setName(narrower));
                    })
                    .toList();
        }
    };

    private final String description;

    ExceptionOperators(String description) {
        this.description = description;
    }

    @Override
    public String id() { return Operator.kebab(this); }

    @Override
    public String description() { return description; }
}
