package engine.mutation;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Mutants that run tasks on the wrong threads: the wrong kind of pool or thread, or a pool of the wrong size. */
enum ExecutorOperators implements Operator {

    THREAD_PER_TASK_TO_FIXED_POOL("runs tasks on a fixed pool of one thread per core instead of a thread each") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return Edits.calls(cu, Set.of("newVirtualThreadPerTaskExecutor", "newThreadPerTaskExecutor")).stream()
                    .map(c -> new Rewrite(c, c.getNameAsString() + " → newFixedThreadPool(cores)", () -> {
                        String factory = c.getArguments().isEmpty() ? "" : ", " + c.getArgument(0);
                        c.replace(Edits.parse(c.getScope().map(s -> s + ".").orElse("")
                                + "newFixedThreadPool(Runtime.getRuntime().availableProcessors()" + factory + ")"));
                    }))
                    .toList();
        }
    },
    FIXED_POOL_TO_VIRTUAL("runs tasks on a virtual thread each instead of a fixed pool: no cap on how many run") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return Edits.calls(cu, Set.of("newFixedThreadPool")).stream()
                    .map(c -> new Rewrite(c, c + " → newVirtualThreadPerTaskExecutor()", () -> {
                        c.getArguments().clear();
                        c.setName("newVirtualThreadPerTaskExecutor");
                    }))
                    .toList();
        }
    },
    SWAP_THREAD_KIND("Thread.ofPlatform() ↔ Thread.ofVirtual()") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return Edits.calls(cu, Set.of("ofPlatform", "ofVirtual")).stream()
                    .filter(c -> c.getScope().map(Object::toString).orElse("").equals("Thread"))
                    .map(c -> {
                        String other = c.getNameAsString().equals("ofPlatform") ? "ofVirtual" : "ofPlatform";
                        return new Rewrite(c, c + " → Thread." + other + "()", () -> c.setName(other));
                    })
                    .toList();
        }
    },
    POOL_SIZE("changes a pool size, permit count or capacity to 1, ±1, 16 or 64") {
        private static final Set<String> SIZED_FACTORIES = Set.of("newFixedThreadPool", "newScheduledThreadPool",
                "newWorkStealingPool");
        private static final Set<String> SIZED_CLASSES = Set.of("Semaphore", "CountDownLatch", "CyclicBarrier",
                "ArrayBlockingQueue", "LinkedBlockingQueue", "LinkedBlockingDeque", "ForkJoinPool");

        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            Stream<Expression> factories = Edits.calls(cu, SIZED_FACTORIES).stream()
                    .filter(c -> !c.getArguments().isEmpty()).map(c -> c.getArgument(0));
            Stream<Expression> constructors = cu.findAll(ObjectCreationExpr.class,
                    c -> SIZED_CLASSES.contains(c.getType().getNameAsString()) && !c.getArguments().isEmpty())
                    .stream().map(c -> c.getArgument(0));
            List<Expression> sizes = Stream.concat(factories, constructors)
                    .sorted(Comparator.comparing(e -> e.getBegin().orElseThrow())).toList();
            List<Rewrite> rewrites = new ArrayList<>();
            for (Expression size : sizes) {
                for (String other : otherSizes(size)) {
                    rewrites.add(new Rewrite(size, "size " + size + " → " + other,
                            () -> size.replace(Edits.parse(other))));
                }
            }
            return rewrites;
        }

        private static Set<String> otherSizes(Expression size) {
            Set<String> sizes = new LinkedHashSet<>();
            if (size instanceof IntegerLiteralExpr literal) {
                int n = literal.asNumber().intValue();
                Stream.of(1, n + 1, n - 1, 16, 64).filter(m -> m != n && m >= 0).forEach(m -> sizes.add("" + m));
            } else {
                String n = Edits.text(size);
                sizes.addAll(List.of("1", n + " + 1", n + " - 1", "16", "64"));
            }
            return sizes;
        }
    },
    ASYNC_ON_COMMON_POOL("runs an async stage on the common ForkJoinPool instead of the executor it was given") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(MethodCallExpr.class, c -> c.getNameAsString().endsWith("Async")
                    && c.getArguments().size() == 2).stream()
                    .map(c -> new Rewrite(c, c.getNameAsString() + " without " + c.getArgument(1),
                            () -> c.getArguments().removeLast()))
                    .toList();
        }
    },
    ASYNC_TO_SYNC_STAGE("a then…Async(f, executor) stage runs on the thread that completed the stage before") {
        @Override
        public List<Rewrite> rewrites(CompilationUnit cu) {
            return cu.findAll(MethodCallExpr.class, c -> c.getNameAsString().matches("then\\w+Async")
                    && c.getArguments().size() == 2).stream()
                    .map(c -> {
                        String sync = c.getNameAsString().replaceAll("Async$", "");
                        return new Rewrite(c, c.getNameAsString() + " → " + sync, () -> {
                            c.getArguments().removeLast();
                            c.setName(sync);
                        });
                    })
                    .toList();
        }
    };

    private final String description;

    ExecutorOperators(String description) {
        this.description = description;
    }

    @Override
    public String id() { return Operator.kebab(this); }

    @Override
    public String description() { return description; }
}
