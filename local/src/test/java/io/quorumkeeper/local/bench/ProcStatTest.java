package io.quorumkeeper.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatTest {

  @Test
  void givenStatLine_whenParsed_thenUtimePlusStime() {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    String stat =
        "4242 (java) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1507 243 0 0 20 0 41 0 98765 1 2";

    assertThat(ProcStat.parse(stat)).isEqualTo(1507 + 243);
  }

  @Test
  void givenCommandNameWithSpacesAndParens_whenParsed_thenFieldsCountedAfterTheLastParen() {
    String stat = "7 (a) b (c) R 1 7 7 0 -1 0 0 0 0 0 11 22 0 0 20 0 1 0 5 1 2";

    assertThat(ProcStat.parse(stat)).isEqualTo(33);
  }

  @Test
  void givenThisJvm_whenRead_thenSomeCpuTimeUsed() {
    assertThat(ProcStat.cpuTicks(ProcessHandle.current().pid())).isPositive();
  }
}
