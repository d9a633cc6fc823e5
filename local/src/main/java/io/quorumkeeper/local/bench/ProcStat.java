package io.quorumkeeper.local.bench;

import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
