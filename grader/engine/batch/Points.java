package engine.batch;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Points as people write them: {@code 10}, {@code 7.5}, {@code 3.33}; a dot whatever the locale. */
final class Points {

    private Points() {}

    static String format(double points) {
        return BigDecimal.valueOf(points).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
