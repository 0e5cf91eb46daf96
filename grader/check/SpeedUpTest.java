package check;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that measures CPU speed-up. Such tests must have the cores to themselves: a batch grading many
 * submissions runs them one at a time, after everything else.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag(SpeedUpTest.TAG)
@Test
public @interface SpeedUpTest {
    String TAG = "speed-up";
}
