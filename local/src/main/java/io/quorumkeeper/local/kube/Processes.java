package io.quorumkeeper.local.kube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes this runtime started, recorded in the folder's {@code pids} file, so nothing
 * outlives it: stop destroys whole process trees, and a start after a crash of the runtime (kill
 * -9, power loss) first ends what the crashed run left behind.
 */
public final class Processes {

  private static final Logger LOG = LoggerFactory.getLogger(Processes.class);
  private final Path pidsFile;
  private final String marker;
  private final Set<Long> pids = ConcurrentHashMap.newKeySet();

  /**
   * @param marker a string every command line of ours contains (the runtime folder), so a pid that
   *     the OS reused for an unrelated process is never touched
   */
  public Processes(Path pidsFile, String marker) {
    this.pidsFile = pidsFile;
    this.marker = marker;
  }

  public static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /** Ends processes a previous run left; returns how many. */
  public int endLeftovers() {
    if (!Files.exists(pidsFile)) {
      return 0;
    }
    int ended = 0;
    try {
      for (String line : Files.readAllLines(pidsFile)) {
        if (line.isBlank()) {
          continue;
        }
        long pid = Long.parseLong(line.trim());
        var handle = ProcessHandle.of(pid);
        if (handle.isPresent() && handle.get().isAlive() && commandLineHasMarker(pid)) {
          signal(pid, "CONT");
          handle.get().descendants().forEach(ProcessHandle::destroyForcibly);
          handle.get().destroyForcibly();
          ended++;
        }
      }
      Files.deleteIfExists(pidsFile);
    } catch (IOException | NumberFormatException e) {
      LOG.warn("could not read {}: {}", pidsFile, e.getMessage());
    }
    return ended;
  }

  private boolean commandLineHasMarker(long pid) {
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
      return new String(cmdline, StandardCharsets.UTF_8).contains(marker);
    } catch (IOException e) {
      return false;
    }
  }

  public void started(Process process) {
    pids.add(process.pid());
    persist();
  }

  public void ended(Process process) {
    pids.remove(process.pid());
    persist();
  }

  private synchronized void persist() {
    try {
      Files.write(pidsFile, pids.stream().map(String::valueOf).sorted().toList());
    } catch (IOException e) {
      LOG.warn("could not write {}: {}", pidsFile, e.getMessage());
    }
  }

  /** SIGTERM, then after {@code grace} SIGKILL, to the process and everything it spawned. */
  public static void stop(Process process, Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    signal(process.pid(), "CONT"); // a frozen process cannot handle SIGTERM
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  /** kill -9 of the process tree; waits until the process is gone. */
  public static void kill(Process process) {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends a signal by name (STOP, CONT) with the system's kill command. */
  public static boolean signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
      return kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
