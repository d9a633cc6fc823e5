package io.quorumkeeper.local.bench;

import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code /proc/<pid>/stat}: the CPU time a process (all its threads) has used so far. */
final class ProcStat {

  private ProcStat() {}

  /** utime + stime in clock ticks ({@code getconf CLK_TCK} per second). */
  static long cpuTicks(long pid) {
    try {
      return parse(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot read /proc/" + pid + "/stat: " + e.getMessage());
    }
  }

  /** Fields 14 and 15 (utime, stime); the command name in field 2 may hold spaces and ')'. */
  static long parse(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** Clock ticks per second ({@code getconf CLK_TCK}), 100 when it cannot say. */
  static long ticksPerSecond() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
      if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
        return Long.parseLong(new String(getconf.getInputStream().readAllBytes()).strip());
      }
    } catch (IOException | NumberFormatException e) {
      // below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100; // USER_HZ on every Linux architecture this runs on
  }
}
