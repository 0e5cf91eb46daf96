package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Mutants that share state unsafely: a plain collection for a thread-safe one, a field no longer volatile. */
enum SharedStateOperators implements Operator {

    PLAIN_COLLECTION("replaces a thread-safe collection with its plain twin") {
        private static final Map<String, String> PLAIN = Map.of(
                "ConcurrentHashMap", "java.util.HashMap",
                "ConcurrentSkipListMap", "java.util.TreeMap",
                "ConcurrentSkipListSet", "java.util.TreeSet",
                "CopyOnWriteArrayList", "java.util.ArrayList",
                "CopyOnWriteArraySet", "java.util.HashSet",
                "ConcurrentLinkedQueue", "java.util.ArrayDeque",
                "ConcurrentLinkedDeque", "java.util.ArrayDeque",
                "PriorityBlockingQueue", "java.util.PriorityQueue");

        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            Stream<Rewrite> created = cu.findAll(ObjectCreationExpr.class,
                    c -> PLAIN.containsKey(c.getType().getNameAsString())).stream().map(c -> {
                String plain = PLAIN.get(c.getType().getNameAsString());
                return new Rewrite(c, c.getType().getNameAsString() + " → " + plain,
                        () -> c.getType().setName(plain));
            });
            // Collections.synchronizedList(x) → x
            Stream<Rewrite> wrapped = cu.findAll(MethodCallExpr.class, c -> c.getNameAsString().startsWith("synchronized")
                    && c.getScope().map(Object::toString).orElse("").equals("Collections")
                    && c.getArguments().size() == 1).stream()
                    .map(c -> new Rewrite(c, c.getNameAsString() + " unwrapped",
                            () -> c.replace(c.getArgument(0).clone())));
            return Stream.concat(created, wrapped).toList();
        }
    },
    REMOVE_VOLATILE("a field is no longer volatile: other threads may not see its writes") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(FieldDeclaration.class, FieldDeclaration::isVolatile).stream()
                    .map(f -> new Rewrite(f, Edits.oneLine(f.getVariable(0)) + " is no longer volatile",
                            () -> f.removeModifier(Modifier.Keyword.VOLATILE)))
                    .toList();
        }
    };

    private final String description;

    SharedStateOperators(String description) {
        this.description = description;
    }

    @Override
    public String id() { return Operator.kebab(this); }

    @Override
    public String description() { return description; }
}
