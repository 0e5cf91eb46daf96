package engine.mutation;

import com.github.javaparser.ast.Node;

/**
 * One change an operator can make.
 *
 * @param site  the node it changes, whose line names the mutant
 * @param what  one line for the author: what the mutant does there
 * @param apply makes the change in the syntax tree
 */
public record Rewrite(Node site, String what, Runnable apply) {}
