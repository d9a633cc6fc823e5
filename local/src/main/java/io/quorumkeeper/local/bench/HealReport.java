package io.quorumkeeper.local.bench;

import java.util.List;
import java.util.function.ToLongFunction;

/** How the heal benchmark prints: one line per run, then a table with p50/p95 per path. */
final class HealReport {

  private HealReport() {}

  static void run(String path, int run, HealMeasurement m) {
    System.out.printf(
        "  %-17s run %2d: healed in %6d ms  (zero tolerance %6d ms, leaderless %4d ms,"
            + " drops after %d)%n",
        path,
        run + 1,
        m.healMillis(),
        m.zeroToleranceMillis(),
        m.leaderlessMillis(),
        m.extraDrops());
  }

  static void failed(String path, int run, String why) {
    System.out.printf("  %-17s run %2d: FAILED (%s), path stopped%n", path, run + 1, why);
  }

  static void header() {
    System.out.println();
    System.out.printf(
        "%-44s %4s %9s %9s %13s  %s%n",
        "path", "runs", "p50", "p95", "zero-tol p50", "beyond the fault itself");
  }

  static void summary(String path, List<HealMeasurement> heals) {
    if (heals.isEmpty()) {
      System.out.printf("%-44s %4d  (no completed run)%n", path, 0);
      return;
    }
    System.out.printf(
        "%-44s %4d %7.1f s %7.1f s %11.1f s  %s%n",
        path,
        heals.size(),
        percentile(heals, HealMeasurement::healMillis, 50) / 1000.0,
        percentile(heals, HealMeasurement::healMillis, 95) / 1000.0,
        percentile(heals, HealMeasurement::zeroToleranceMillis, 50) / 1000.0,
        beyond(heals));
  }

  /**
   * How long after {@code unreachableAfter} the spare votes: heal time minus unreachableAfter. The
   * voter's silence starts at its last fetch, at or shortly before the fault, so this overstates
   * the operator's part by up to one fetch.
   */
  static void beyond(
      String path, List<HealMeasurement> heals, java.time.Duration unreachableAfter) {
    if (heals.isEmpty()) {
      return;
    }
    System.out.printf(
        "%s, beyond unreachableAfter (%d s): p50 %.2f s, p95 %.2f s%n",
        path,
        unreachableAfter.toSeconds(),
        (percentile(heals, HealMeasurement::healMillis, 50) - unreachableAfter.toMillis()) / 1000.0,
        (percentile(heals, HealMeasurement::healMillis, 95) - unreachableAfter.toMillis())
            / 1000.0);
  }

  /** The ratio of two paths' p50 and p95 heal times. */
  static void ratio(String what, List<HealMeasurement> a, List<HealMeasurement> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return;
    }
    System.out.printf(
        "%s: p50 ratio %.2f, p95 ratio %.2f%n",
        what,
        (double) percentile(a, HealMeasurement::healMillis, 50)
            / percentile(b, HealMeasurement::healMillis, 50),
        (double) percentile(a, HealMeasurement::healMillis, 95)
            / percentile(b, HealMeasurement::healMillis, 95));
  }

  private static String beyond(List<HealMeasurement> heals) {
    List<HealMeasurement> leaderless =
        heals.stream().filter(m -> m.leaderlessMillis() > 0).toList();
    List<HealMeasurement> drops = heals.stream().filter(m -> m.extraDrops() > 0).toList();
    if (leaderless.isEmpty() && drops.isEmpty()) {
      return "never";
    }
    return String.format(
        "leaderless in %d/%d runs (max %d ms), back to zero after the heal in %d/%d (max %d ms)",
        leaderless.size(),
        heals.size(),
        leaderless.stream().mapToLong(HealMeasurement::leaderlessMillis).max().orElse(0),
        drops.size(),
        heals.size(),
        drops.stream().mapToLong(HealMeasurement::extraDropMillis).max().orElse(0));
  }

  static long percentile(List<HealMeasurement> heals, ToLongFunction<HealMeasurement> f, int p) {
    return percentile(heals.stream().map(m -> f.applyAsLong(m)).toList(), p);
  }

  /** Nearest-rank percentile: with 10 runs, p95 is the slowest. */
  static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
