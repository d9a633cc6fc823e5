package io.quorumkeeper.local.kube;

import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One loopback address per pod name, stable for the life of the runtime folder: a pod that is
 * deleted and re-created, or a runtime started again, gets the address it had. Addresses come from
 * a block {@code 127.A.B.0} upwards (254 per third octet), never outside 127.0.0.0/8.
 */
public final class Addresses {

  private final Path file;
  private final int second;
  private final int third;
  private final TreeMap<String, String> byPod = new TreeMap<>();

  public Addresses(Path file, String block) {
    this.file = file;
    int[] octets = checkBlock(block);
    second = octets[0];
    third = octets[1];
    load();
  }

  /** The second and third octet of a block {@code 127.A.B}, or an input error. */
  public static int[] checkBlock(String block) {
    String[] octets = block.split("\\.");
    if (octets.length != 3 || !"127".equals(octets[0])) {
      throw new InputException("--net must look like 127.A.B (a loopback block), found " + block);
    }
    int second;
    int third;
    try {
      second = Integer.parseInt(octets[1]);
      third = Integer.parseInt(octets[2]);
    } catch (NumberFormatException e) {
      throw new InputException("--net must look like 127.A.B (a loopback block), found " + block);
    }
    if (second < 0 || second > 255 || third < 0 || third > 250) {
      throw new InputException("--net octets out of range: " + block);
    }
    return new int[] {second, third};
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot read " + file + ": " + e.getMessage());
    }
    p.stringPropertyNames().forEach(k -> byPod.put(k, p.getProperty(k)));
  }

  /** The address of {@code namespace/pod}, allocated on first use. */
  public synchronized String of(String namespace, String pod) {
    String key = namespace + "/" + pod;
    String known = byPod.get(key);
    if (known != null) {
      return known;
    }
    int index = byPod.size();
    int thirdOctet = third + index / 254;
    if (thirdOctet > 255) {
      throw new LocalRuntimeException("no loopback address left in the block");
    }
    String address = "127." + second + "." + thirdOctet + "." + (index % 254 + 1);
    byPod.put(key, address);
    save();
    return address;
  }

  private void save() {
    Properties p = new Properties();
    p.putAll(byPod);
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "pod -> loopback address, kept across restarts of the runtime");
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
